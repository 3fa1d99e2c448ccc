public import Foundation
public import SCIMCore

/// JSON coding of command payloads and replies, shared by both ends.
public enum CommandCodec {
    public static func encode<T: Encodable>(_ value: T) -> [UInt8] {
        // Encoding our own Codable types cannot fail; a failure is a programming error.
        do { return Array(try JSONEncoder().encode(value)) } catch { preconditionFailure("encode \(T.self): \(error)") }
    }

    public static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws(SCIMError) -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(bytes))
        } catch {
            throw SCIMError.internalError("Malformed \(T.self) message between Roster processes.")
        }
    }
}

extension CommandTransport {
    /// Sends a typed command and decodes its typed reply.
    public func send<C: Command>(_ command: C, shardKey: String) async throws(SCIMError) -> C.Reply {
        let reply = try await send(name: C.name, payload: CommandCodec.encode(command), shardKey: shardKey)
        return try CommandCodec.decode(C.Reply.self, from: reply)
    }
}
