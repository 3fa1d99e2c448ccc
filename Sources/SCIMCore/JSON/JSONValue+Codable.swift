public import Foundation

extension JSONValue: Codable {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let i = try? c.decode(Int64.self) {
            self = .int(i)
        } else if let d = try? c.decode(Double.self) {
            self = .double(d)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([JSONValue].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .int(let i): try c.encode(i)
        case .double(let d): try c.encode(d)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }
}

extension JSONValue {
    /// Parses a request body. Malformed JSON is a SCIM `invalidSyntax` error, never a crash.
    public static func parse(_ data: Data) throws(SCIMError) -> JSONValue {
        do {
            return try JSONDecoder().decode(JSONValue.self, from: data)
        } catch let DecodingError.dataCorrupted(context) {
            throw SCIMError.invalidSyntax("The request body is not valid JSON: \(context.debugDescription)")
        } catch {
            throw SCIMError.invalidSyntax("The request body is not valid JSON.")
        }
    }

    /// Parses a body that must be a JSON object.
    public static func parseObject(_ data: Data) throws(SCIMError) -> [String: JSONValue] {
        guard let object = try parse(data).objectValue else {
            throw SCIMError.invalidSyntax("The request body must be a JSON object.")
        }
        return object
    }
}
