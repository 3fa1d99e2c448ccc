public import SCIMCore

/// A message body between Roster processes, coded as JSON through ``JSONValue``.
///
/// Not `Codable`: Foundation's decoder cost a fifth of each process's CPU on the request path
/// (measured with perf on `GET /Users?filter=…`); this is a direct mapping with the fast parser.
public protocol WireCodable: Sendable {
    init(wire: WireObject) throws(SCIMError)
    var wire: [String: JSONValue] { get }
}

/// Typed access to the members of a message; a missing or mistyped member is an internal error.
public struct WireObject: Sendable {
    public let members: [String: JSONValue]

    public init(_ members: [String: JSONValue]) { self.members = members }

    private func malformed(_ key: String) -> SCIMError {
        SCIMError.internalError("Malformed message between Roster processes: '\(key)'.")
    }

    public func string(_ key: String) throws(SCIMError) -> String {
        guard let s = members[key]?.stringValue else { throw malformed(key) }
        return s
    }

    public func optionalString(_ key: String) -> String? { members[key]?.stringValue }

    public func int(_ key: String) throws(SCIMError) -> Int {
        guard case .int(let i)? = members[key] else { throw malformed(key) }
        return Int(i)
    }

    public func optionalInt(_ key: String) -> Int? {
        if case .int(let i)? = members[key] { return Int(i) }
        return nil
    }

    /// Int64 members (times in ms, record ids) keep their full range.
    public func int64(_ key: String) throws(SCIMError) -> Int64 {
        guard let i = optionalInt64(key) else { throw malformed(key) }
        return i
    }

    public func optionalInt64(_ key: String) -> Int64? {
        if case .int(let i)? = members[key] { return i }
        return nil
    }

    public func object(_ key: String) throws(SCIMError) -> [String: JSONValue] {
        guard let o = members[key]?.objectValue else { throw malformed(key) }
        return o
    }

    public func array(_ key: String) throws(SCIMError) -> [JSONValue] {
        guard let a = members[key]?.arrayValue else { throw malformed(key) }
        return a
    }

    /// An array of nested messages.
    public func list<T: WireCodable>(_ key: String, of type: T.Type) throws(SCIMError) -> [T] {
        var out: [T] = []
        for element in try array(key) {
            guard let object = element.objectValue else { throw malformed(key) }
            out.append(try T(wire: WireObject(object)))
        }
        return out
    }
}

extension Optional where Wrapped == String {
    /// `.string` or `.null`, for optional members.
    public var json: JSONValue { map(JSONValue.string) ?? .null }
}

extension Optional where Wrapped == Int {
    public var json: JSONValue { map { .int(Int64($0)) } ?? .null }
}

extension SCIMError: WireCodable {
    public init(wire: WireObject) throws(SCIMError) {
        let type = wire.optionalString("scimType").flatMap(SCIMErrorType.init(rawValue:))
        self.init(status: try wire.int("status"), scimType: type, detail: try wire.string("detail"), retryAfter: wire.optionalInt("retryAfter"))
    }

    public var wire: [String: JSONValue] {
        ["status": .int(Int64(status)), "scimType": scimType.map { .string($0.rawValue) } ?? .null, "detail": .string(detail), "retryAfter": retryAfter.json]
    }
}
