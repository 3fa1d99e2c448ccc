import HTTPTypes
import NIOCore
import NIOHTTP1
import SCIMCore
import Synchronization

/// The per-connection state shared by ``HTTPByteGuard`` (in front of NIO's decoder, sees bytes)
/// and ``HTTPRequestGuard`` (behind it, sees request parts). Confined to the channel's event
/// loop. Where a limit is crossed or the parser fails, ``answer(_:)`` writes the SCIM error as raw
/// bytes in front of the encoder, so it never collides with a half-written response of the
/// router, and closes the connection: after a framing error nothing later on it can be trusted.
final class HTTPGuard {
    enum Phase {
        /// Between requests: the next byte starts a head and the header timer.
        case idle
        /// Reading a head; `lineBytes` counts the request line until its LF.
        case head
        /// Head handed to the router; reading the body under the body timer.
        case body
        /// Request complete, response not yet.
        case handling
        /// The guard answered; everything else on the connection is dropped.
        case answered
    }

    let limits: HTTPLimits
    let connections: ConnectionCounter
    var phase = Phase.idle
    var lineBytes = 0
    var sawLineEnd = false
    /// The start of the current head (at most `headPrefixLimit` bytes, copied), only to name a
    /// refused transfer coding and to tell a request line from garbage.
    var headPrefix = ByteBuffer()
    static let headPrefixLimit = 4096
    /// Requests handed to the router, and response heads and ends written: a raw answer is
    /// written only when no response is half-written and none is owed to an earlier request, so
    /// it can never be mistaken for, or land inside, another request's answer.
    var forwarded = 0
    var responseHeads = 0
    var responseEnds = 0
    /// One task per connection, re-armed lazily: a request only moves `deadline`, so keep-alive
    /// traffic does not schedule and cancel two timers per request.
    private var timer: Scheduled<Void>?
    private var armedFor: NIODeadline?
    private var deadline: NIODeadline?
    private var timeoutError: SCIMError?
    private var timeoutFailsBody = false
    /// The context of the byte guard, where raw answers are written; cleared when the channel closes.
    var byteContext: ChannelHandlerContext?

    init(limits: HTTPLimits, connections: ConnectionCounter) {
        self.limits = limits
        self.connections = connections
    }

    /// `failsBody`: the handler reading the body gets an error too, so that a body cut short by
    /// the timeout is never taken for a whole one.
    func startTimer(after duration: Duration, answering error: SCIMError, failsBody: Bool = false) {
        let due = NIODeadline.now() + TimeAmount(duration)
        deadline = due
        timeoutError = error
        timeoutFailsBody = failsBody
        if let armed = armedFor, timer != nil, due < armed {  // an earlier deadline than the armed one
            timer?.cancel()
            timer = nil
        }
        if timer == nil { arm() }
    }

    func cancelTimer() {
        deadline = nil
        timeoutError = nil
    }

    private func arm() {
        guard let context = byteContext, let deadline else { return }
        armedFor = deadline
        timer = context.eventLoop.assumeIsolatedUnsafeUnchecked().scheduleTask(deadline: deadline) { [self] in
            timer = nil
            guard let current = self.deadline else { return }
            if current <= .now(), let error = timeoutError {
                if timeoutFailsBody { byteContext?.fireErrorCaught(HTTPGuardTimeout()) }
                answer(error)
            } else {
                arm()
            }
        }
    }

    /// Stops the timer for good (the channel closed).
    func stopTimer() {
        cancelTimer()
        timer?.cancel()
        timer = nil
    }

    /// Writes `error` when it can only be read as the answer to the failing request, then closes
    /// the connection; else (a response half-written, or owed to an earlier pipelined request)
    /// only closes it. A peer that does not read gets 2 s, then the connection is closed anyway.
    func answer(_ error: SCIMError) {
        guard phase != .answered, let context = byteContext else { return }
        let failing = phase
        phase = .answered
        stopTimer()
        headPrefix.clear()
        let owed = forwarded - responseEnds
        guard responseHeads == responseEnds, owed == (failing == .body ? 1 : 0) else {
            context.close(promise: nil)
            return
        }
        context.writeAndFlush(NIOAny(Self.rawResponse(error))).assumeIsolatedUnsafeUnchecked().whenComplete { _ in
            context.close(promise: nil)
        }
        context.eventLoop.assumeIsolatedUnsafeUnchecked().scheduleTask(in: .seconds(2)) { context.close(promise: nil) }
    }

    /// A complete HTTP/1.1 response carrying the SCIM error body, with `Connection: close`.
    static func rawResponse(_ error: SCIMError) -> ByteBuffer {
        let http = SCIMHTTPError(error)
        let body = error.body.serialized()
        let reason = HTTPResponseStatus(statusCode: error.status).reasonPhrase
        var head = "HTTP/1.1 \(error.status) \(reason)\r\n"
        head += "Content-Type: \(SCIMResponse.contentType)\r\nContent-Length: \(body.count)\r\nConnection: close\r\n"
        for field in http.headers { head += "\(field.name.rawName): \(field.value)\r\n" }
        head += "\r\n"
        var buffer = ByteBuffer(string: head)
        buffer.writeBytes(body)
        return buffer
    }

    /// The text of the current head, lower-cased, for naming what the parser refused.
    var headText: String {
        String(buffer: headPrefix).lowercased()
    }
}

/// Raised into the pipeline when a body timed out: the handler reading it fails (408) instead of
/// seeing the end of a truncated body.
struct HTTPGuardTimeout: Error {}

/// Open connections of one listener, shared by every child channel.
final class ConnectionCounter: Sendable {
    private let open = Atomic<Int>(0)

    /// Counts one more connection; false (and not counted) when `limit` are open already.
    func admit(limit: Int) -> Bool {
        if open.add(1, ordering: .relaxed).newValue > limit {
            open.subtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    func release() { open.subtract(1, ordering: .relaxed) }
}
