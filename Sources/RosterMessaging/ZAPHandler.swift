import Dispatch
import Foundation
public import Logging
import Synchronization

/// The ZeroMQ authentication handler (ZAP, ZeroMQ RFC 27) of a worker's context: it answers the
/// CURVE handshakes of the worker's socket, accepting only the authorized client public keys.
/// CURVE alone encrypts and authenticates the server; this is what keeps out a client that merely
/// knows the worker's public key.
public final class ZAPHandler: Sendable {
    public static let endpoint = "inproc://zeromq.zap.01"
    private let authorized: Set<[UInt8]>
    private let logger: Logger
    private let stopping = Atomic<Bool>(false)
    private let bound = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let startError = Mutex<ZMQError?>(nil)
    /// When each refused key was last logged: a refused client reconnects ten times a second.
    private let lastWarned = Mutex<[[UInt8]: ContinuousClock.Instant]>([:])

    private init(authorized: Set<[UInt8]>, logger: Logger) {
        self.authorized = authorized
        self.logger = logger
    }

    /// Binds the ZAP endpoint on `context` and answers on its own thread until ``stop()``.
    public static func start(context: ZMQContext, authorized: Set<[UInt8]>, logger: Logger) throws(ZMQError) -> ZAPHandler {
        let handler = ZAPHandler(authorized: authorized, logger: logger)
        let thread = Thread { handler.serve(context) }
        thread.name = "zmq-zap"
        thread.start()
        handler.bound.wait()
        if let error = handler.startError.withLock({ $0 }) { throw error }
        return handler
    }

    /// Stops answering and waits until the handler's socket is closed (before the context ends).
    public func stop() {
        stopping.store(true, ordering: .sequentiallyConsistent)
        finished.wait()
    }

    private func serve(_ context: ZMQContext) {
        defer { finished.signal() }
        var started = false
        do {
            let socket = try ZMQSocket(context, .rep)
            try socket.bind(Self.endpoint)
            started = true
            bound.signal()
            while !stopping.load(ordering: .sequentiallyConsistent) {
                let (readable, _, _) = try socket.poll(timeoutMilliseconds: 100)
                guard readable, let request = try socket.receiveMultipart(dontWait: true) else { continue }
                _ = try socket.send(frames: reply(to: request))
            }
        } catch {
            if !started {
                startError.withLock { $0 = error }
                bound.signal()
            } else if !error.isTerminated {
                // Fail closed: without a ZAP handler libzmq would admit every CURVE client (its
                // "Stonehouse" mode), so the worker stops at once and its supervisor restarts it.
                logger.critical("the ZAP handler failed; the worker stops rather than admit unauthenticated clients", metadata: ["error": "\(error)"])
                exit(70)
            }
        }
    }

    /// `[version][request id][domain][address][identity][mechanism][credentials…]` in,
    /// `[version][request id][status code][status text][user id][metadata]` out.
    func reply(to request: [[UInt8]]) -> [[UInt8]] {
        guard request.count >= 6, request[0] == Array("1.0".utf8) else {
            return [Array("1.0".utf8), request.count > 1 ? request[1] : [], Array("400".utf8), Array("malformed ZAP request".utf8), [], []]
        }
        let mechanism = String(decoding: request[5], as: UTF8.self)
        let address = String(decoding: request[3], as: UTF8.self)
        let key = request.count >= 7 ? request[6] : []
        if mechanism == "CURVE", key.count == 32, authorized.contains(key) {
            return [request[0], request[1], Array("200".utf8), Array("OK".utf8), Array(Curve.encode(key).utf8), []]
        }
        // A public key is no secret: naming it lets the operator see which client was refused.
        // Once a minute per key: the client retries every 100 ms.
        let now = ContinuousClock.now
        let due = lastWarned.withLock { warned in
            if let last = warned[key], now - last < .seconds(60) { return false }
            if warned.count > 1000 { warned.removeAll() }
            warned[key] = now
            return true
        }
        if due {
            logger.warning("worker connection refused: its CURVE client key is not authorized", metadata: [
                "mechanism": "\(mechanism)", "address": "\(address)", "clientKey": "\(key.count == 32 ? Curve.encode(key) : "-")",
            ])
        }
        return [request[0], request[1], Array("400".utf8), Array("client key not authorized".utf8), [], []]
    }
}
