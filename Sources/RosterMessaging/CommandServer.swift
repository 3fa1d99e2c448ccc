import Foundation
public import Logging
import RosterProtocol
public import SCIMCore
internal import CZeroMQ
import RosterConfig
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One command as a worker receives it.
public struct IncomingCommand: Sendable {
    public var name: String
    public var payload: [UInt8]
    /// The idempotency key the ingress gave the command; nil for commands sent without one.
    public var key: [UInt8]?
    /// A resend after the connection dropped: its key may already have a recorded result.
    public var isRetry: Bool
    /// The caller's deadline (ms since 1970): a recorded result is kept until then.
    public var deadline: Int64?
    /// The HTTP request it serves (`X-Request-Id`), for the worker's logs.
    public var requestID: String?
    /// The IdP configuration whose request it serves (``RequestConfiguration``).
    public var configurationID: String?

    public init(name: String, payload: [UInt8], key: [UInt8]? = nil, isRetry: Bool = false, deadline: Int64? = nil, requestID: String? = nil,
                configurationID: String? = nil) {
        self.name = name
        self.payload = payload
        self.key = key
        self.isRetry = isRetry
        self.deadline = deadline
        self.requestID = requestID
        self.configurationID = configurationID
    }
}

/// Applies a batch of commands and returns one result per command, in order.
///
/// The server hands over everything queued on its socket at once, so that a store can apply the
/// batch in one transaction (group commit) and reply only after it committed.
public protocol CommandBatchHandler: Sendable {
    func handle(_ batch: [IncomingCommand]) -> [Result<[UInt8], SCIMError>]
    /// Whether `name` only reads: such commands run concurrently on reader threads, never
    /// waiting behind, or holding up, the batch of writes.
    func isReadOnly(_ name: String) -> Bool
    /// Runs one read-only command (on a reader thread).
    func read(_ command: IncomingCommand) -> Result<[UInt8], SCIMError>
}

extension CommandBatchHandler {
    public func isReadOnly(_ name: String) -> Bool { false }
    public func read(_ command: IncomingCommand) -> Result<[UInt8], SCIMError> { handle([command])[0] }
}

/// The worker side: a ROUTER socket on its own thread, draining commands into batches.
public final class CommandServer: Sendable {
    public let kind: String
    public let endpoint: String
    public let maxBatch: Int
    /// Reads queued longer than this are refused instead of run (the ingress's deadline is 5 s by default).
    public let staleReadAge: Duration
    /// Reads waiting for a reader thread in this process.
    public static var queuedReads: Int { ReaderPool.queued.load(ordering: .relaxed) }

    /// A command is applied only while at least this much of its caller's time is left, so that
    /// its reply arrives before the caller gives up (milliseconds).
    public static let expiryMargin: Int64 = 1000
    private let context: ZMQContext
    private let handler: any CommandBatchHandler
    private let logger: Logger
    private let readers: ReaderPool
    /// Replies of reads finished on reader threads, waiting for the socket's thread to send them.
    private let finishedReads = Mutex<[[[UInt8]]]>([])
    /// Reads handed to the pool whose replies are not yet sent; a stop waits for them.
    private let readsInFlight = Atomic<Int>(0)
    /// Set by ``stop()``: the socket's thread finishes what it holds, then closes.
    private let stopping = Atomic<Bool>(false)
    private let wakeFD = eventfd(0, Int32(EFD_NONBLOCK) | Int32(EFD_CLOEXEC))
    /// CURVE on the socket, with a ZAP handler that admits only the authorized client keys; nil: none.
    private let curve: CurveServer?

    public init(
        kind: String, endpoint: String, context: ZMQContext, handler: any CommandBatchHandler, maxBatch: Int = 512, readerThreads: Int = 4,
        staleReadAge: Duration = .seconds(5), curve: CurveServer? = nil, logger: Logger
    ) {
        self.curve = curve
        self.staleReadAge = staleReadAge
        self.kind = kind
        self.endpoint = endpoint
        self.context = context
        self.handler = handler
        self.maxBatch = maxBatch
        self.logger = logger
        self.readers = ReaderPool(threads: readerThreads, name: kind)
    }

    deinit {
        readers.close()
        close(wakeFD)
    }

    /// Asks the server to stop gracefully (docs/design.md §9): the batch in hand is committed and answered,
    /// reads already running finish and are answered, commands still queued or arriving in the
    /// next 300 ms are refused with 503 (not applied), and only then the socket closes. Safe from any thread.
    public func stop() {
        stopping.store(true, ordering: .sequentiallyConsistent)
        var one: UInt64 = 1
        _ = write(wakeFD, &one, 8)
    }

    /// Binds, then serves on a dedicated thread until ``stop()`` or the context is shut down.
    /// Throws at once when the endpoint cannot be bound.
    public func run() async throws {
        struct RunState {
            var bound: CheckedContinuation<Void, any Error>?
            var finished: CheckedContinuation<Void, Never>?
            var done = false
        }
        let state = Mutex(RunState())
        try await withCheckedThrowingContinuation { (bound: CheckedContinuation<Void, any Error>) in
            state.withLock { $0.bound = bound }
            let thread = Thread { [self] in
                self.serve(onBound: { error in
                    let bound = state.withLock { s in defer { s.bound = nil }; return s.bound }
                    if let error {
                        bound?.resume(throwing: StartupError("cannot bind the \(kind) worker socket \(endpoint): \(error)"))
                    } else {
                        bound?.resume()
                    }
                })
                state.withLock { s in
                    s.done = true
                    return s.finished
                }?.resume()
            }
            thread.name = "zmq-router-\(kind)"
            thread.start()
        }
        await withCheckedContinuation { (finished: CheckedContinuation<Void, Never>) in
            let alreadyDone = state.withLock { s in
                if !s.done { s.finished = finished }
                return s.done
            }
            if alreadyDone { finished.resume() }
        }
    }

    private func serve(onBound: (ZMQError?) -> Void) {
        defer { readers.close() }
        var bound = false
        var zap: ZAPHandler?
        defer { zap?.stop() }
        do {
            if let curve { zap = try ZAPHandler.start(context: context, authorized: curve.authorizedClients, logger: logger) }
            let socket = try ZMQSocket(context, .router)
            if let curve { try socket.set(curve: curve) }
            try socket.set(ZMQOption.routerMandatory, 1)
            try socket.set(ZMQOption.sendHighWaterMark, 10_000)
            try socket.set(ZMQOption.receiveHighWaterMark, 10_000)
            try socket.bind(endpoint)
            bound = true
            onBound(nil)
            logger.info("worker listening", metadata: ["kind": "\(kind)", "endpoint": "\(endpoint)",
                                                    "curve": "\(curve.map { "on, \($0.authorizedClients.count) authorized client key(s)" } ?? "off")"])
            while !stopping.load(ordering: .sequentiallyConsistent) {
                let (readable, _, woke) = try socket.poll(timeoutMilliseconds: -1, fd: wakeFD)
                if woke { try sendFinishedReads(on: socket) }
                guard readable, !stopping.load(ordering: .sequentiallyConsistent) else { continue }
                var messages: [[[UInt8]]] = []
                while messages.count < maxBatch, let more = try socket.receiveMultipart(dontWait: true) {
                    messages.append(more)
                }
                if !messages.isEmpty { try process(messages, on: socket) }
            }
            try drain(socket)
        } catch let error where !bound {
            onBound(error)  // the process's main says it, once
        } catch let error where error.isTerminated {
            logger.info("worker socket closing", metadata: ["kind": "\(kind)"])
        } catch {
            logger.error("worker socket failed", metadata: ["kind": "\(kind)", "error": "\(error)"])
        }
    }

    private func sendFinishedReads(on socket: borrowing ZMQSocket) throws(ZMQError) {
        var n: UInt64 = 0
        _ = read(wakeFD, &n, 8)  // reset before taking the replies, so no wake-up is lost
        let replies = finishedReads.withLock { r in defer { r.removeAll() }; return r }
        for reply in replies { try send(reply, on: socket) }
        if !replies.isEmpty { readsInFlight.subtract(replies.count, ordering: .sequentiallyConsistent) }
    }

    /// The end of a graceful stop: refuse what is still queued (so its callers learn at once that
    /// it was not applied), answer the reads that are running, and let the replies reach the wire.
    private func drain(_ socket: borrowing ZMQSocket) throws(ZMQError) {
        var refused = 0
        func refuseQueued() throws(ZMQError) {
            while let message = try socket.receiveMultipart(dontWait: true) {
                guard [6, 8, 9, 10].contains(message.count) else { continue }
                let error = SCIMError.unavailable("The \(kind) worker is stopping; the request was not applied. Try again shortly.", retryAfter: 1)
                try send([message[0], message[1]] + Envelope.reply(.failure(error)), on: socket)
                refused += 1
            }
        }
        try refuseQueued()
        let deadline = ContinuousClock.now + staleReadAge
        while readsInFlight.load(ordering: .sequentiallyConsistent) > 0 && ContinuousClock.now < deadline {
            let (_, _, woke) = try socket.poll(timeoutMilliseconds: 50, fd: wakeFD)
            if woke { try sendFinishedReads(on: socket) }
            try refuseQueued()
        }
        // A grace period before the socket closes: a peer whose connection ends drops the replies
        // it has received but not yet read (its DEALER uses ZMQ_IMMEDIATE), so the last batch's
        // replies must be read before the connection goes. Commands that keep arriving meanwhile are
        // refused (503, not applied) rather than lost with the socket.
        let grace = ContinuousClock.now + .milliseconds(300)
        while ContinuousClock.now < grace {
            _ = try socket.poll(timeoutMilliseconds: 50)
            try refuseQueued()
        }
        // Replies already queued get up to 2 s to be written out before the socket closes.
        try socket.set(ZMQOption.linger, 2000)
        logger.info("worker stopped gracefully", metadata: ["kind": "\(kind)", "refused": "\(refused)"])
    }

    /// `[identity][correlation id][name][version][deadline][payload]([key][attempt])` in, `[identity][correlation id][status][payload]` out.
    private func process(_ messages: [[[UInt8]]], on socket: borrowing ZMQSocket) throws(ZMQError) {
        var routes: [(identity: [UInt8], correlation: [UInt8])] = []
        var commands: [IncomingCommand] = []
        var immediate: [(index: Int, result: Result<[UInt8], SCIMError>)] = []
        let now = Envelope.nowMilliseconds()
        for message in messages {
            guard [6, 8, 9, 10].contains(message.count) else {
                logger.warning("dropping a malformed message", metadata: ["frames": "\(message.count)"])
                continue
            }
            let name = String(decoding: message[2], as: UTF8.self)
            let version = String(decoding: message[3], as: UTF8.self)
            routes.append((message[0], message[1]))
            if version != ProtocolVersion.current {
                immediate.append((routes.count - 1, .failure(.internalError("The \(kind) worker speaks protocol \(ProtocolVersion.current), not \(version)."))))
            } else if let deadline = Envelope.deadline(message[4]), now > deadline - Self.expiryMargin, !Self.isRetry(message) {
                // Its caller has given up (or will before a reply could reach it), so it is not
                // applied: a 504 at the ingress then always means "not applied". This is a
                // command that waited in a queue, e.g. for this worker to restart.
                immediate.append((routes.count - 1, .failure(.unavailable("The command expired before the \(kind) worker could apply it; it was not applied.", retryAfter: 1))))
            } else if name == Ping.name {
                immediate.append((routes.count - 1, .success(CommandCodec.encode(Pong(worker: kind)))))
            } else if handler.isReadOnly(name) {
                routes.removeLast()
                let command = IncomingCommand(name: name, payload: message[5], requestID: Self.requestID(message))
                let route = [message[0], message[1]]
                let queued = ContinuousClock.now
                readsInFlight.add(1, ordering: .sequentiallyConsistent)
                readers.submit { [self] in
                    // A read that waited longer than any caller waits is answered, not run: its caller has gone.
                    let result = ContinuousClock.now - queued > staleReadAge
                        ? .failure(.unavailable("The \(kind) worker is overloaded with reads; try again shortly.", retryAfter: 1))
                        : handler.read(command)
                    let reply = route + Envelope.reply(result)
                    // One wake-up for every reply that finishes before the socket's thread takes
                    // them: it takes the whole list (a write per reply cost a syscall each).
                    let first = finishedReads.withLock { replies in
                        replies.append(reply)
                        return replies.count == 1
                    }
                    if first {
                        var one: UInt64 = 1
                        _ = write(wakeFD, &one, 8)
                    }
                }
            } else {
                commands.append(IncomingCommand(
                    name: name, payload: message[5], key: message.count >= 8 && message[6].count == 16 ? message[6] : nil,
                    isRetry: Self.isRetry(message), deadline: Envelope.deadline(message[4]),
                    requestID: Self.requestID(message), configurationID: Self.configurationID(message)))
            }
        }
        var results = commands.isEmpty ? [] : handler.handle(commands)
        precondition(results.count == commands.count, "a batch handler must return one result per command")
        // Re-interleave the answers the server gave itself with the handler's, in arrival order.
        var ordered: [Result<[UInt8], SCIMError>] = []
        ordered.reserveCapacity(routes.count)
        var nextImmediate = 0
        results.reverse()
        for index in routes.indices {
            if nextImmediate < immediate.count, immediate[nextImmediate].index == index {
                ordered.append(immediate[nextImmediate].result)
                nextImmediate += 1
            } else {
                ordered.append(results.removeLast())
            }
        }
        for (route, result) in zip(routes, ordered) {
            try send([route.identity, route.correlation] + Envelope.reply(result), on: socket)
        }
    }

    /// A keyed resend. An expired one is not refused here: its first delivery may have committed,
    /// and only the store's ledger can tell "applied" from "not applied".
    /// The request id a command carries (its ninth frame), at most 64 bytes of it.
    static func requestID(_ message: [[UInt8]]) -> String? {
        message.count >= 9 && !message[8].isEmpty ? String(decoding: message[8].prefix(64), as: UTF8.self) : nil
    }

    /// The configuration id a command carries (its tenth frame), at most 64 bytes of it.
    static func configurationID(_ message: [[UInt8]]) -> String? {
        message.count == 10 && !message[9].isEmpty ? String(decoding: message[9].prefix(64), as: UTF8.self) : nil
    }

    static func isRetry(_ message: [[UInt8]]) -> Bool {
        message.count >= 8 && message[6].count == 16 && message[7] != Array("1".utf8)
    }

    private func send(_ frames: [[UInt8]], on socket: borrowing ZMQSocket) throws(ZMQError) {
        do {
            if try !socket.send(frames: frames, dontWait: true) { logger.warning("reply dropped: the peer's queue is full") }
        } catch let error where error.code == EHOSTUNREACH {
            logger.debug("reply dropped: the requesting peer is gone")
        }
    }
}
