import Foundation
import RosterProtocol
public import SCIMCore

/// The frames of a command and of its reply, after the correlation id.
///
/// Command: `[name][protocol version][deadline][payload]`, where deadline is the caller's give-up
/// time in milliseconds since 1970 (decimal text). Reply: `[status][payload]`, where status is
/// `ok` (payload = encoded reply) or `error` (payload = encoded `SCIMError`).
public enum Envelope {
    public static let ok: [UInt8] = Array("ok".utf8)
    public static let error: [UInt8] = Array("error".utf8)

    public static func command(name: String, payload: [UInt8], timeout: Duration = .seconds(5)) -> [[UInt8]] {
        let deadline = nowMilliseconds() + timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000
        return [Array(name.utf8), Array(ProtocolVersion.current.utf8), Array(String(deadline).utf8), payload]
    }

    /// Wall-clock time, the only clock two processes (or hosts, with NTP) share.
    public static func nowMilliseconds() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }

    /// The deadline of a received command; nil when the frame is not a number.
    public static func deadline(_ frame: [UInt8]) -> Int64? {
        Int64(String(decoding: frame, as: UTF8.self))
    }

    public static func reply(_ result: Result<[UInt8], SCIMError>) -> [[UInt8]] {
        switch result {
        case .success(let payload): return [ok, payload]
        case .failure(let error): return [Self.error, CommandCodec.encode(error)]
        }
    }

    /// Reads reply frames back into the payload or the worker's error.
    public static func readReply(_ frames: [[UInt8]]) throws(SCIMError) -> [UInt8] {
        guard frames.count == 2 else { throw SCIMError.internalError("Malformed reply from a worker.") }
        if frames[0] == ok { return frames[1] }
        if frames[0] == error { throw try CommandCodec.decode(SCIMError.self, from: frames[1]) }
        throw SCIMError.internalError("Malformed reply from a worker.")
    }
}
