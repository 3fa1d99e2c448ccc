/// The `scimType` values of RFC 7644 §3.12, Table 9.
public enum SCIMErrorType: String, Sendable, Equatable, CaseIterable {
    /// The filter syntax was invalid, or the attribute and comparison combination is not supported.
    case invalidFilter
    /// The filter yields too many results for the server to process.
    case tooMany
    /// One or more attribute values are already in use or are reserved.
    case uniqueness
    /// The modification is incompatible with the target attribute's mutability.
    case mutability
    /// The request body structure was invalid or did not conform to the schema.
    case invalidSyntax
    /// The path attribute was invalid or malformed.
    case invalidPath
    /// The specified path did not yield an attribute or value that could be operated on.
    case noTarget
    /// A required value was missing, or the value specified was not compatible.
    case invalidValue
    /// The specified SCIM protocol version is not supported.
    case invalidVers
    /// The request cannot be completed because of sensitive information in the request URI.
    case sensitive
}
