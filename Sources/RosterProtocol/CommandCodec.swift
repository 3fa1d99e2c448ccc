public import SCIMCore

/// Coding of command payloads and replies, shared by both ends.
public enum CommandCodec {
    /// Keys in no particular order: only the other process reads it (resources keep their
    /// canonical order where they are rendered or stored).
    public static func encode<T: WireCodable>(_ value: T) -> [UInt8] {
        JSONValue.object(value.wire).serializedUnordered()
    }

    public static func decode<T: WireCodable>(_ type: T.Type, from bytes: [UInt8]) throws(SCIMError) -> T {
        guard case .object(let members) = try? JSONValue.parse(bytes) else {
            throw SCIMError.internalError("Malformed \(T.self) message between Roster processes.")
        }
        return try T(wire: WireObject(members))
    }
}

extension CommandTransport {
    /// Sends a typed command and decodes its typed reply.
    public func send<C: Command>(_ command: C, shardKey: String) async throws(SCIMError) -> C.Reply {
        let reply = try await send(name: C.name, payload: CommandCodec.encode(command), shardKey: shardKey)
        return try CommandCodec.decode(C.Reply.self, from: reply)
    }
}
