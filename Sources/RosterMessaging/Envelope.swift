import Foundation
import RosterProtocol
public import SCIMCore

/// The frames of a command and of its reply, after the correlation id.
///
/// Command: `[name][protocol version][deadline][payload]` and optionally `[key][attempt]` or
/// `[key][attempt][request id]` or `[key][attempt][request id][configuration id]`, where
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

    /// A command with an absolute `deadline` (``deadline(after:)``) and, when given, its key and
    /// the request id of the HTTP request it serves (``RequestID/current``), for the worker's logs.
    /// The configuration id (``RequestConfiguration/current``) names the IdP whose request it
    /// serves, for the change feed; an empty request id frame stands for none.
    public static func command(name: String, payload: [UInt8], deadline: Int64, key: [UInt8]? = nil, attempt: Int = 1, requestID: String? = nil,
                               configurationID: String? = nil) -> [[UInt8]] {
        let frames = [Array(name.utf8), Array(ProtocolVersion.current.utf8), Array(String(deadline).utf8), payload]
        guard let key else { return frames }
        let keyed = frames + [key, Array(String(attempt).utf8)]
        guard let configurationID else { return keyed + (requestID.map { [Array($0.utf8)] } ?? []) }
        return keyed + [Array((requestID ?? "").utf8), Array(configurationID.utf8)]
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

/// The id of the HTTP request a task serves (`X-Request-Id`): set by the ingress around each
/// request, carried by every command it sends, and logged by the workers, so that one grep follows
/// a request through every process.
public enum RequestID {
    @TaskLocal public static var current: String?

    /// An id a client may choose: 1 to 64 characters of letters, digits, `.`, `_` and `-`.
    public static func isAcceptable(_ id: String) -> Bool {
        (1...64).contains(id.utf8.count) && id.utf8.allSatisfy { b in (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2E || b == 0x5F || b == 0x2D }
    }

    /// A new id: 16 random hex digits.
    public static func new() -> String {
        var generator = SystemRandomNumberGenerator()
        return String(generator.next() as UInt64, radix: 16).leftPadded(to: 16)
    }
}

/// The IdP configuration whose SCIM request a task serves: set by the ingress once it has
/// authenticated the request, carried by every command it sends, and bound by the worker while it
/// applies the command, so that the change feed names the IdP that caused each effect.
public enum RequestConfiguration {
    @TaskLocal public static var current: String?
}

extension String {
    fileprivate func leftPadded(to length: Int) -> String { count >= length ? self : String(repeating: "0", count: length - count) + self }
}
