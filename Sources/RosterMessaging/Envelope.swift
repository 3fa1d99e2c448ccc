import Foundation
import RosterProtocol
public import SCIMCore

/// The frames of a command and of its reply, after the correlation id.
///
/// Command: `[name][protocol version][deadline][payload]` and optionally `[key][attempt]`, where
/// deadline is the caller's give-up time in milliseconds since 1970 (decimal text), key the
/// command's idempotency key (16 random bytes, the same on a resend) and attempt `1` or `2`
/// (decimal text). Reply: `[status][payload]`, where status is `ok` (payload = encoded reply) or
/// `error` (payload = encoded `SCIMError`).
public enum Envelope {
    public static let ok: [UInt8] = Array("ok".utf8)
    public static let error: [UInt8] = Array("error".utf8)

    public static func command(name: String, payload: [UInt8], timeout: Duration = .seconds(5)) -> [[UInt8]] {
        command(name: name, payload: payload, deadline: deadline(after: timeout))
    }

    /// A command with an absolute `deadline` (``deadline(after:)``) and, when given, its key.
    public static func command(name: String, payload: [UInt8], deadline: Int64, key: [UInt8]? = nil, attempt: Int = 1) -> [[UInt8]] {
        let frames = [Array(name.utf8), Array(ProtocolVersion.current.utf8), Array(String(deadline).utf8), payload]
        guard let key else { return frames }
        return frames + [key, Array(String(attempt).utf8)]
    }

    public static func deadline(after timeout: Duration) -> Int64 {
        nowMilliseconds() + timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000
    }

    /// A fresh idempotency key.
    public static func newKey() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).flatMap { _ in withUnsafeBytes(of: generator.next() as UInt64) { Array($0) } }
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
