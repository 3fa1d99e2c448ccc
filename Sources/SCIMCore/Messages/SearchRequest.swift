/// A query: from the URL of `GET /Users` or the body of `POST /.search` (RFC 7644 §3.4.2, §3.4.3).
public struct SearchRequest: Sendable {
    public static let schemaURN = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"

    public var filter: String?
    public var startIndex: Int?
    public var count: Int?
    public var sortBy: String?
    public var sortOrder: String?
    public var projection: Projection
    /// The raw `attributes` / `excludedAttributes` lists, to project resources of another type.
    public var attributes: String?
    public var excludedAttributes: String?

    public init(
        filter: String?, startIndex: Int?, count: Int?, sortBy: String?, sortOrder: String?, projection: Projection,
        attributes: String? = nil, excludedAttributes: String? = nil
    ) {
        self.attributes = attributes
        self.excludedAttributes = excludedAttributes
        self.filter = filter
        self.startIndex = startIndex
        self.count = count
        self.sortBy = sortBy
        self.sortOrder = sortOrder
        self.projection = projection
    }

    /// Reads a `SearchRequest` body for `type`; members are matched case-insensitively.
    public init(body: [String: JSONValue], type: ResourceType) throws(SCIMError) {
        if let schemas = body[caseInsensitive: "schemas"]?.arrayValue,
            !schemas.contains(where: { $0.stringValue?.lowercased() == Self.schemaURN.lowercased() })
        {
            throw SCIMError.invalidSyntax("A search request must declare the schema \(Self.schemaURN).")
        }
        func string(_ key: String) throws(SCIMError) -> String? {
            guard let v = body[caseInsensitive: key], !v.isNull else { return nil }
            guard let s = v.stringValue else { throw SCIMError.invalidValue("'\(key)' must be a string.") }
            return s
        }
        func int(_ key: String) throws(SCIMError) -> Int? {
            switch body[caseInsensitive: key] {
            case nil, .null?: return nil
            case .int(let i)?: return Int(clamping: i)
            default: throw SCIMError.invalidValue("'\(key)' must be an integer.")
            }
        }
        func list(_ key: String) throws(SCIMError) -> String? {
            guard let v = body[caseInsensitive: key], !v.isNull else { return nil }
            if let s = v.stringValue { return s }
            guard let a = v.arrayValue, a.allSatisfy({ $0.stringValue != nil }) else {
                throw SCIMError.invalidValue("'\(key)' must be an array of attribute names.")
            }
            return a.compactMap(\.stringValue).joined(separator: ",")
        }
        for key in body.keys where !["schemas", "attributes", "excludedattributes", "filter", "sortby", "sortorder", "startindex", "count"].contains(key.lowercased()) {
            throw SCIMError.invalidSyntax("Unknown member '\(key)' in a search request.")
        }
        let attributes = try list("attributes"), excluded = try list("excludedAttributes")
        self.init(
            filter: try string("filter"), startIndex: try int("startIndex"), count: try int("count"), sortBy: try string("sortBy"),
            sortOrder: try string("sortOrder"),
            projection: Projection(attributes: attributes, excludedAttributes: excluded, type: type),
            attributes: attributes, excludedAttributes: excluded)
    }

    /// The same query for another resource type (root search): the projection follows its schemas.
    public func projected(for type: ResourceType) -> SearchRequest {
        var copy = self
        copy.projection = Projection(attributes: attributes, excludedAttributes: excludedAttributes, type: type)
        return copy
    }

    /// `ascending` (the default) or `descending`, in any case.
    public static func isDescending(_ sortOrder: String?) throws(SCIMError) -> Bool {
        switch sortOrder?.lowercased() {
        case nil, "ascending": return false
        case "descending": return true
        default: throw SCIMError.invalidValue("sortOrder must be 'ascending' or 'descending', not '\(sortOrder!)'.")
        }
    }
}
