/// An attribute reference in a filter or PATCH path: `[urn:…:]name[.subAttribute]` (RFC 7644 §3.10).
public struct AttributePath: Sendable, Hashable, CustomStringConvertible {
    /// The schema URN prefix, when the path was qualified with one.
    public var schema: String?
    /// The attribute name, as written (compare case-insensitively).
    public var attribute: String
    /// The sub-attribute name, as written.
    public var subAttribute: String?

    public init(schema: String? = nil, attribute: String, subAttribute: String? = nil) {
        self.schema = schema
        self.attribute = attribute
        self.subAttribute = subAttribute
    }

    /// Parses `urn:…:name.sub`, `name.sub` or `name`. Returns nil when the text is not a path.
    public init?(parsing text: String) {
        var rest = Substring(text)
        var schema: String?
        if text.lowercased().hasPrefix("urn:") {
            guard let colon = rest.lastIndex(of: ":") else { return nil }
            schema = String(rest[..<colon])
            rest = rest[rest.index(after: colon)...]
        }
        let parts = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2 else { return nil }
        guard parts.allSatisfy(AttributePath.isAttributeName) else { return nil }
        self.init(schema: schema, attribute: String(parts[0]), subAttribute: parts.count == 2 ? String(parts[1]) : nil)
    }

    /// ATTRNAME = ALPHA *(nameChar), nameChar = "-" / "_" / DIGIT / ALPHA (RFC 7643 §2.1); `$ref` allowed.
    static func isAttributeName(_ s: Substring) -> Bool {
        guard let first = s.first else { return false }
        if s == "$ref" { return true }
        guard first.isASCII, first.isLetter else { return false }
        return s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }

    /// The dotted name in lower case without the schema: the key stores and evaluators use.
    public var normalizedName: String {
        subAttribute.map { "\(attribute.lowercased()).\($0.lowercased())" } ?? attribute.lowercased()
    }

    public var description: String {
        var s = schema.map { "\($0):" } ?? ""
        s += attribute
        if let subAttribute { s += ".\(subAttribute)" }
        return s
    }
}
