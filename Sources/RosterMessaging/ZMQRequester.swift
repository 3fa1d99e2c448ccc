import Foundation
internal import CZeroMQ
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Why a request over the bridge did not get a reply.
public enum BridgeError: Error, Sendable, Equatable {
    /// The peer did not answer before the deadline (maps to 504).
    case timeout
    /// The message could not be handed to a connected peer within the queue timeout (maps to 503).
    case unavailable
    /// The requester is closed (maps to 503).
    case closed
    /// The connection to the peer dropped after the request was sent (the worker died with it in
    /// hand): it may or may not have been applied, and a resend with the same idempotency key
    /// finds out which.
    case peerLost
}

/// The ingress side of a worker connection: one DEALER socket owned by one thread, and any
/// number of async callers that await their reply by correlation id, each with a deadline.
///
/// Callers touch only a mutex-protected queue and an eventfd; the socket never leaves its thread.
public final class ZMQRequester: Sendable {
    public struct Options: Sendable {
        /// How long a caller waits for the reply once its request is queued (504 after that).
        public var requestTimeout: Duration
        /// How long a request may wait for a connected peer before failing (503 after that).
        public var queueTimeout: Duration
        public var highWaterMark: Int32
        /// CURVE towards the worker; nil: plain (loopback).
        public var curve: CurveClient?

        public init(requestTimeout: Duration = .seconds(5), queueTimeout: Duration = .milliseconds(250), highWaterMark: Int32 = 10_000, curve: CurveClient? = nil) {
            self.curve = curve
            self.requestTimeout = requestTimeout
            self.queueTimeout = queueTimeout
            self.highWaterMark = highWaterMark
        }
    }

    private struct Pending {
        var continuation: CheckedContinuation<[[UInt8]], any Error>
        var deadline: ContinuousClock.Instant
        /// Handed to the socket: a dropped connection may have taken it to the peer.
        var sent = false
    }

    private struct Queued {
        var id: UInt64
        var frames: [[UInt8]]
        var queueTimeout: Duration
    }

    private struct State {
        var pending: [UInt64: Pending] = [:]
        var outbox: [Queued] = []
        var closing = false
        var finished = false
        var closeWaiters: [CheckedContinuation<Void, Never>] = []
    }

    public let endpoint: String
    /// How long a caller waits for its reply; commands carry it as their deadline.
    public var requestTimeout: Duration { options.requestTimeout }
    private let context: ZMQContext
    private let options: Options
    private let state = Mutex(State())
    private let nextID = Atomic<UInt64>(1)
    private let wakeFD: Int32

    /// Connects to `endpoint` and starts the socket's thread.
    public init(context: ZMQContext, endpoint: String, options: Options = Options()) {
        self.context = context
        self.endpoint = endpoint
        self.options = options
        self.wakeFD = eventfd(0, Int32(EFD_NONBLOCK) | Int32(EFD_CLOEXEC))
        let thread = Thread { [self] in self.runLoop() }
        thread.name = "zmq-dealer"
        thread.start()
    }

    deinit {
        // Here, not on thread exit: a late `wake()` must never write into a reused descriptor.
        close(wakeFD)
    }

    /// Sends `frames` and returns the reply frames (without the correlation id). `deadline`
    /// defaults to now + `requestTimeout`; `queueTimeout` (how long to wait for a connected peer)
    /// to the options' (a resend after ``BridgeError/peerLost`` waits for the restarted worker).
    public func request(_ frames: [[UInt8]], deadline: ContinuousClock.Instant? = nil, queueTimeout: Duration? = nil) async throws -> [[UInt8]] {
        let id = nextID.wrappingAdd(1, ordering: .relaxed).oldValue
        let deadline = deadline ?? ContinuousClock.now + options.requestTimeout
        let queued = Queued(id: id, frames: frames, queueTimeout: queueTimeout ?? options.queueTimeout)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[[UInt8]], any Error>) in
                enum Action { case wake, none, fail(any Error) }
                let action: Action = state.withLock { s in
                    if s.closing || s.finished { return .fail(BridgeError.closed) }
                    // Checked inside the lock that registers the entry, or a cancel could slip between.
                    if Task.isCancelled { return .fail(CancellationError()) }
                    s.pending[id] = Pending(continuation: continuation, deadline: deadline)
                    s.outbox.append(queued)
                    return s.outbox.count == 1 ? .wake : .none
                }
                switch action {
                case .wake: wake()
                case .none: break
                case .fail(let error): continuation.resume(throwing: error)
                }
            }
        } onCancel: {
            state.withLock { $0.pending.removeValue(forKey: id) }?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Stops the thread, fails what is still pending with `.closed`, and returns once the socket is closed.
    public func shutdown() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done: Bool = state.withLock { s in
                if s.finished { return true }
                s.closing = true
                s.closeWaiters.append(continuation)
                return false
            }
            if done { continuation.resume() } else { wake() }
        }
    }

    /// Number of requests waiting for a reply (for metrics and tests).
    public var pendingCount: Int { state.withLock { $0.pending.count } }

    private func wake() {
        var one: UInt64 = 1
        _ = write(wakeFD, &one, 8)
    }

    // MARK: - The socket's thread

    private func runLoop() {
        do {
            try serve()
        } catch {
            // ETERM (context shut down) or a socket error: either way this connection is over.
        }
        let (pending, waiters) = state.withLock { s -> ([Pending], [CheckedContinuation<Void, Never>]) in
            s.finished = true
            s.closing = true
            let p = Array(s.pending.values)
            s.pending.removeAll()
            s.outbox.removeAll()
            let w = s.closeWaiters
            s.closeWaiters.removeAll()
            return (p, w)
        }
        for p in pending { p.continuation.resume(throwing: BridgeError.closed) }
        for w in waiters { w.resume() }
    }

    private func serve() throws(ZMQError) {
        let socket = try ZMQSocket(context, .dealer)
        if let curve = options.curve { try socket.set(curve: curve) }
        try socket.set(ZMQOption.sendHighWaterMark, options.highWaterMark)
        try socket.set(ZMQOption.receiveHighWaterMark, options.highWaterMark)
        // Queue only to completed connections, so a missing peer shows as EAGAIN, not silence.
        try socket.set(ZMQOption.immediate, 1)
        try socket.set(ZMQOption.reconnectInterval, 100)
        // Connection events: a dropped connection fails what was sent on it with `.peerLost`.
        let monitorEndpoint = "inproc://roster-requester-\(ObjectIdentifier(self).hashValue)"
        try socket.monitor(monitorEndpoint, events: ZMQEvent.disconnected)
        let monitor = try ZMQSocket(context, .pair)
        try monitor.connect(monitorEndpoint)
        try socket.connect(endpoint)

        var backlog: [(item: Queued, queued: ContinuousClock.Instant)] = []
        var outbox: [Queued] = []
        var lastSweep = ContinuousClock.now
        while true {
            let (_, _, woke) = try socket.poll(timeoutMilliseconds: backlog.isEmpty ? 100 : 10, wantWrite: !backlog.isEmpty, fd: wakeFD)
            if woke {
                var n: UInt64 = 0
                _ = read(wakeFD, &n, 8)  // reset before taking the outbox, so no wake-up is lost
            }
            let closing = state.withLock { s -> Bool in
                swap(&outbox, &s.outbox)
                return s.closing
            }
            if closing { return }
            let now = ContinuousClock.now
            for item in outbox { backlog.append((item, now)) }
            outbox.removeAll(keepingCapacity: true)

            var sent = 0
            while sent < backlog.count {
                let (item, queued) = backlog[sent]
                if now - queued > item.queueTimeout {
                    fail(item.id, BridgeError.unavailable)
                    sent += 1
                    continue
                }
                if !isPending(item.id) {  // timed out or cancelled while queued
                    sent += 1
                    continue
                }
                var id = item.id.littleEndian
                let idFrame = withUnsafeBytes(of: &id) { Array($0) }
                // Marked before the send: a drop right after must count it as possibly delivered.
                state.withLock { $0.pending[item.id]?.sent = true }
                guard try socket.send(frames: [idFrame] + item.frames, dontWait: true) else {
                    state.withLock { $0.pending[item.id]?.sent = false }
                    break
                }
                sent += 1
            }
            backlog.removeFirst(sent)

            try receiveReplies(socket)
            var dropped = false
            while let event = try monitor.receiveMultipart(dontWait: true) {
                if ZMQEvent.number(of: event) == ZMQEvent.disconnected { dropped = true }
            }
            if dropped {
                try receiveReplies(socket)  // whatever the peer answered before it went
                let lost = state.withLock { s -> [Pending] in
                    let ids = s.pending.filter(\.value.sent).map(\.key)
                    return ids.compactMap { s.pending.removeValue(forKey: $0) }
                }
                for p in lost { p.continuation.resume(throwing: BridgeError.peerLost) }
            }

            if now - lastSweep > .milliseconds(20) {
                lastSweep = now
                let expired = state.withLock { s -> [Pending] in
                    let ids = s.pending.filter { $0.value.deadline <= now }.map(\.key)
                    return ids.compactMap { s.pending.removeValue(forKey: $0) }
                }
                for p in expired { p.continuation.resume(throwing: BridgeError.timeout) }
            }
        }
    }

    private func receiveReplies(_ socket: borrowing ZMQSocket) throws(ZMQError) {
        while let reply = try socket.receiveMultipart(dontWait: true) {
            guard reply.count >= 1, reply[0].count == 8 else { continue }
            let id = reply[0].withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
            // A late reply finds no entry (its caller got a timeout) and is dropped here.
            state.withLock { $0.pending.removeValue(forKey: id) }?.continuation.resume(returning: Array(reply.dropFirst()))
        }
    }

    private func isPending(_ id: UInt64) -> Bool {
        state.withLock { $0.pending[id] != nil }
    }

    private func fail(_ id: UInt64, _ error: BridgeError) {
        state.withLock { $0.pending.removeValue(forKey: id) }?.continuation.resume(throwing: error)
    }
}
