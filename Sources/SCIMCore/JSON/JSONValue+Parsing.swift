public import Foundation

extension JSONValue {
    /// Parses a request body. Malformed JSON is a SCIM `invalidSyntax` error, never a crash.
    public static func parse(_ data: Data) throws(SCIMError) -> JSONValue {
        try JSONParser.parse(Array(data))
    }

    /// Parses bytes of JSON.
    public static func parse(_ bytes: [UInt8]) throws(SCIMError) -> JSONValue {
        try JSONParser.parse(bytes)
    }

    /// Parses a body that must be a JSON object.
    public static func parseObject(_ data: Data) throws(SCIMError) -> [String: JSONValue] {
        guard let object = try parse(data).objectValue else {
            throw SCIMError.invalidSyntax("The request body must be a JSON object.")
        }
        return object
    }
}
