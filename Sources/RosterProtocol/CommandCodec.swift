public import SCIMCore
import SwiftProtobuf

/// Coding of command payloads and replies, shared by both ends: binary protobuf.
public enum CommandCodec {
    public static func encode<T: WireCodable>(_ value: T) -> [UInt8] {
        do {
            return try value.message.serializedBytes()
        } catch {
            // Only a message missing a proto2 required field fails to encode; proto3 has none.
            preconditionFailure("\(T.self) could not be encoded: \(error)")
        }
    }

    /// Decodes a payload; bytes that are not a `T`, or that carry fields this process does not
    /// know (a newer peer), are a ``SCIMError/protocolError(_:)`` naming the message.
    public static func decode<T: WireCodable>(_ type: T.Type, from bytes: [UInt8]) throws(SCIMError) -> T {
        let message: T.Message
        do {
            message = try T.Message(serializedBytes: bytes)
        } catch {
            throw SCIMError.protocolError("A \(T.self) message between Roster processes could not be decoded (\(error)).")
        }
        guard message.unknownFields.data.isEmpty else {
            throw SCIMError.protocolError("A \(T.self) message between Roster processes has fields this process does not know: are all processes the same version?")
        }
        return try T(message: message)
    }
}

extension CommandTransport {
    /// Sends a typed command and decodes its typed reply.
    public func send<C: Command>(_ command: C, shardKey: String) async throws(SCIMError) -> C.Reply {
        let reply = try await send(name: C.name, payload: CommandCodec.encode(command), shardKey: shardKey)
        return try CommandCodec.decode(C.Reply.self, from: reply)
    }
}
