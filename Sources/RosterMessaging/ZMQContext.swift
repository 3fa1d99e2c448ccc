internal import CZeroMQ

/// A libzmq context. Contexts are thread-safe, so this one is `Sendable`.
public final class ZMQContext: Sendable {
    nonisolated(unsafe) let handle: UnsafeMutableRawPointer

    public init() {
        guard let h = zmq_ctx_new() else { preconditionFailure("zmq_ctx_new failed: out of memory") }
        // BLOCKY=0: new sockets get LINGER 0, so terminating never waits for unsent messages.
        zmq_ctx_set(h, ZMQ_BLOCKY, 0)
        handle = h
    }

    /// Makes every blocking call on this context's sockets return ETERM. Safe from any thread.
    public func shutdown() {
        zmq_ctx_shutdown(handle)
    }

    /// Ends the context. Call only after every socket has been closed on its own thread.
    public func terminate() {
        while zmq_ctx_term(handle) != 0 && zmq_errno() == EINTR {}
    }
}

/// A libzmq failure.
public struct ZMQError: Error, Sendable, CustomStringConvertible {
    public var operation: String
    public var code: Int32

    init(_ operation: String, code: Int32 = zmq_errno()) {
        self.operation = operation
        self.code = code
    }

    /// The context was shut down: the loop that saw it should end.
    public var isTerminated: Bool { code == ETERM }

    public var description: String {
        "\(operation): \(String(cString: zmq_strerror(code)))"
    }
}
