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
    /// The current head as received, kept (by reference) only to name a refused transfer coding.
    var headBytes: [ByteBuffer] = []
    var requestComplete = true
    var responseComplete = true
    var responseStarted = false
    /// One task per connection, re-armed lazily: a request only moves `deadline`, so keep-alive
    /// traffic does not schedule and cancel two timers per request.
    private var timer: Scheduled<Void>?
    private var deadline: NIODeadline?
    private var timeoutError: SCIMError?
    /// The context of the byte guard, where raw answers are written; cleared when the channel closes.
    var byteContext: ChannelHandlerContext?

    init(limits: HTTPLimits, connections: ConnectionCounter) {
        self.limits = limits
        self.connections = connections
    }

    func startTimer(after duration: Duration, answering error: SCIMError) {
        deadline = .now() + .nanoseconds(duration.nanoseconds)
        timeoutError = error
        if timer == nil { arm() }
    }

    func cancelTimer() {
        deadline = nil
        timeoutError = nil
    }

    private func arm() {
        guard let context = byteContext, let deadline else { return }
        timer = context.eventLoop.assumeIsolatedUnsafeUnchecked().scheduleTask(deadline: deadline) { [self] in
            timer = nil
            guard let current = self.deadline else { return }
            if current <= .now(), let error = timeoutError {
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

    /// Writes `error` unless the router already began a response, then closes the connection.
    func answer(_ error: SCIMError) {
        guard phase != .answered, let context = byteContext else { return }
        phase = .answered
        stopTimer()
        headBytes = []
        guard !responseStarted else {
            context.close(promise: nil)
            return
        }
        context.writeAndFlush(NIOAny(Self.rawResponse(error))).assumeIsolatedUnsafeUnchecked().whenComplete { _ in
            context.close(promise: nil)
        }
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
        headBytes.map { String(buffer: $0) }.joined().lowercased()
    }
}

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

    var count: Int { open.load(ordering: .relaxed) }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
