/// A JSON value as SCIM sees it: objects keep their keys as sent; lookups may ignore case.
public enum JSONValue: Sendable, Equatable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var objectValue: [String: JSONValue]? {
        if case .object(let o) = self { return o }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// A boolean, tolerating the strings `"True"`/`"False"` (any case) that Entra ID sends.
    public var lenientBool: Bool? {
        switch self {
        case .bool(let b): return b
        case .string(let s):
            switch s.lowercased() {
            case "true": return true
            case "false": return false
            default: return nil
            }
        default: return nil
        }
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}

extension Dictionary where Key == String, Value == JSONValue {
    /// The entry whose key equals `name` ignoring case (SCIM attribute names are case-insensitive).
    public func entry(caseInsensitive name: String) -> (key: String, value: JSONValue)? {
        if let v = self[name] { return (name, v) }
        let lower = name.lowercased()
        for (k, v) in self where k.lowercased() == lower { return (k, v) }
        return nil
    }

    /// The value whose key equals `name` ignoring case.
    public subscript(caseInsensitive name: String) -> JSONValue? {
        entry(caseInsensitive: name)?.value
    }

    /// Removes every key equal to `name` ignoring case.
    public mutating func removeValue(caseInsensitive name: String) {
        let lower = name.lowercased()
        for k in keys where k.lowercased() == lower { removeValue(forKey: k) }
    }
}

extension Optional where Wrapped == String {
    /// `.string` or `.null`, for optional members.
    public var json: JSONValue { map(JSONValue.string) ?? .null }
}

extension Optional where Wrapped == Int {
    public var json: JSONValue { map { .int(Int64($0)) } ?? .null }
}
