/// A PATCH request (RFC 7644 §3.5.2), read leniently where real IdPs need it: op names in any
/// case (Entra's `Replace`), member names in any case, path-less operations (Okta, Entra).
public struct PatchRequest: Sendable, Equatable {
    public static let schemaURN = "urn:ietf:params:scim:api:messages:2.0:PatchOp"

    public enum Op: String, Sendable, Equatable { case add, replace, remove }

    public struct Operation: Sendable, Equatable {
        public var op: Op
        public var path: String?
        public var value: JSONValue?

        public init(op: Op, path: String?, value: JSONValue?) {
            self.op = op
            self.path = path
            self.value = value
        }

        var wire: JSONValue {
            var o: [String: JSONValue] = ["op": .string(op.rawValue)]
            if let path { o["path"] = .string(path) }
            if let value { o["value"] = value }
            return .object(o)
        }
    }

    public var operations: [Operation]

    /// Operations one PATCH may carry (Entra and Okta send a few; a group push of thousands of
    /// members is one operation with a list).
    public static let maxOperations = 1000

    public init(operations: [Operation]) { self.operations = operations }

    /// Reads a PatchOp body; any structural problem is 400 invalidSyntax naming it.
    public init(body: [String: JSONValue]) throws(SCIMError) {
        if let schemas = body[caseInsensitive: "schemas"] {
            guard let list = schemas.arrayValue, list.contains(where: { $0.stringValue?.lowercased() == Self.schemaURN.lowercased() }) else {
                throw SCIMError.invalidSyntax("A PATCH body must declare the schema \(Self.schemaURN).")
            }
        } else {
            throw SCIMError.invalidSyntax("A PATCH body must declare the schema \(Self.schemaURN).")
        }
        guard let raw = body[caseInsensitive: "Operations"] else {
            throw SCIMError.invalidSyntax("A PATCH body needs 'Operations'.")
        }
        guard let list = raw.arrayValue else { throw SCIMError.invalidSyntax("'Operations' must be an array.") }
        guard !list.isEmpty else { throw SCIMError.invalidSyntax("'Operations' is empty: nothing to do.") }
        // One PATCH is one transaction in the worker: bounded, so that none holds its writer for seconds.
        guard list.count <= Self.maxOperations else {
            throw SCIMError.invalidValue("A PATCH carries at most \(Self.maxOperations) operations, not \(list.count): send several.")
        }
        self.operations = try list.enumerated().map { (index, element) throws(SCIMError) -> Operation in
            guard let o = element.objectValue else { throw SCIMError.invalidSyntax("Operation \(index + 1) is not an object.") }
            for key in o.keys where !["op", "path", "value"].contains(key.lowercased()) {
                throw SCIMError.invalidSyntax("Operation \(index + 1) has an unknown member '\(key)'.")
            }
            guard let name = o[caseInsensitive: "op"]?.stringValue, let op = Op(rawValue: name.lowercased()) else {
                throw SCIMError.invalidSyntax("Operation \(index + 1): 'op' must be add, replace or remove.")
            }
            if name != op.rawValue { Tolerance.note(.capitalisedOp) }
            var path: String?
            switch o[caseInsensitive: "path"] {
            case nil, .null?: path = nil
            case .string(let p)?: path = p.isEmpty ? nil : p
            default: throw SCIMError.invalidPath("Operation \(index + 1): 'path' must be a string.")
            }
            let value = o[caseInsensitive: "value"]
            if op != .remove, value == nil {
                throw SCIMError.invalidSyntax("Operation \(index + 1) (\(op.rawValue)) needs a 'value'.")
            }
            if op == .remove, path == nil {
                throw SCIMError.noTarget("Operation \(index + 1): 'remove' needs a 'path'.")
            }
            if let path { _ = try PatchPath(path, extensions: []) } else { Tolerance.note(.pathlessPatch) }  // fail early on a malformed path
            return Operation(op: op, path: path, value: value)
        }
    }

    /// The operations as JSON, to carry to the worker that applies them.
    public var wire: JSONValue { .array(operations.map(\.wire)) }

    /// Reads back what ``wire`` wrote.
    public init(wire: JSONValue) throws(SCIMError) {
        try self.init(body: ["schemas": .array([.string(Self.schemaURN)]), "Operations": wire])
    }
}
