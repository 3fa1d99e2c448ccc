internal import CZeroMQ
#if canImport(Glibc)
internal import Glibc
#endif

/// A libzmq socket. Not copyable and not `Sendable`: it stays on the thread that made it,
/// which is the only thread-safety rule libzmq sockets have.
public struct ZMQSocket: ~Copyable {
    let handle: UnsafeMutableRawPointer

    public enum Kind {
        case dealer, router, push, pull, pub, sub, pair, rep

        var raw: Int32 {
            switch self {
            case .dealer: ZMQ_DEALER
            case .router: ZMQ_ROUTER
            case .push: ZMQ_PUSH
            case .pull: ZMQ_PULL
            case .pub: ZMQ_PUB
            case .sub: ZMQ_SUB
            case .pair: ZMQ_PAIR
            case .rep: ZMQ_REP
            }
        }
    }

    public init(_ context: ZMQContext, _ kind: Kind) throws(ZMQError) {
        guard let h = zmq_socket(context.handle, kind.raw) else { throw ZMQError("zmq_socket") }
        var linger: Int32 = 0  // never wait for unsent messages at close
        zmq_setsockopt(h, ZMQ_LINGER, &linger, MemoryLayout<Int32>.size)
        handle = h
    }

    deinit { zmq_close(handle) }

    /// Publishes this socket's connection events on a PAIR socket bound at `endpoint` (inproc).
    public func monitor(_ endpoint: String, events: Int32) throws(ZMQError) {
        guard zmq_socket_monitor(handle, endpoint, events) == 0 else { throw ZMQError("zmq_socket_monitor") }
    }

    public func set(_ option: Int32, _ value: Int32) throws(ZMQError) {
        var v = value
        if zmq_setsockopt(handle, option, &v, MemoryLayout<Int32>.size) != 0 { throw ZMQError("zmq_setsockopt(\(option))") }
    }

    public func set(_ option: Int32, bytes: [UInt8]) throws(ZMQError) {
        let rc = bytes.withUnsafeBytes { zmq_setsockopt(handle, option, $0.baseAddress, $0.count) }
        if rc != 0 { throw ZMQError("zmq_setsockopt(\(option))") }
    }

    /// Makes this a CURVE server: clients must encrypt, and the context's ZAP handler (``ZAPHandler``) decides which may connect.
    public func set(curve server: CurveServer) throws(ZMQError) {
        try set(ZMQOption.curveServer, 1)
        try set(ZMQOption.curveSecretKey, bytes: server.keyPair.secretKey)
        try set(ZMQOption.zapDomain, bytes: Array("roster".utf8))
    }

    /// Makes this a CURVE client of the server whose public key it holds.
    public func set(curve client: CurveClient) throws(ZMQError) {
        try set(ZMQOption.curveServerKey, bytes: client.serverPublicKey)
        try set(ZMQOption.curvePublicKey, bytes: client.keyPair.publicKey)
        try set(ZMQOption.curveSecretKey, bytes: client.keyPair.secretKey)
    }

    public func bind(_ endpoint: String) throws(ZMQError) {
        if zmq_bind(handle, endpoint) != 0 { throw ZMQError("zmq_bind(\(endpoint))") }
    }

    public func connect(_ endpoint: String) throws(ZMQError) {
        if zmq_connect(handle, endpoint) != 0 { throw ZMQError("zmq_connect(\(endpoint))") }
    }

    /// Sends one frame. Returns false on EAGAIN (only possible with `dontWait`); loops on EINTR.
    public func send(_ bytes: [UInt8], more: Bool = false, dontWait: Bool = false) throws(ZMQError) -> Bool {
        let flags = (more ? ZMQ_SNDMORE : 0) | (dontWait ? ZMQ_DONTWAIT : 0)
        while true {
            let rc = bytes.withUnsafeBytes { zmq_send(handle, $0.baseAddress, $0.count, flags) }
            if rc >= 0 { return true }
            let e = zmq_errno()
            if e == EINTR { continue }
            if e == EAGAIN { return false }
            throw ZMQError("zmq_send", code: e)
        }
    }

    /// Sends a multipart message. The first frame may report EAGAIN; once it is accepted the
    /// rest never block, because multipart messages are atomic.
    public func send(frames: [[UInt8]], dontWait: Bool = false) throws(ZMQError) -> Bool {
        for (i, frame) in frames.enumerated() {
            let more = i < frames.count - 1
            let sent = try send(frame, more: more, dontWait: i == 0 ? dontWait : false)
            if !sent { return false }
        }
        return true
    }

    /// Receives a whole multipart message; nil on EAGAIN with `dontWait`. Uses `zmq_msg_t`, so
    /// frames are never truncated. Loops on EINTR.
    public func receiveMultipart(dontWait: Bool = false) throws(ZMQError) -> [[UInt8]]? {
        var frames: [[UInt8]] = []
        while true {
            var msg = zmq_msg_t()
            zmq_msg_init(&msg)
            defer { zmq_msg_close(&msg) }
            let flags = (dontWait && frames.isEmpty) ? ZMQ_DONTWAIT : 0
            let rc = zmq_msg_recv(&msg, handle, flags)
            if rc < 0 {
                let e = zmq_errno()
                if e == EINTR { continue }
                if e == EAGAIN && frames.isEmpty { return nil }
                throw ZMQError("zmq_msg_recv", code: e)
            }
            let size = zmq_msg_size(&msg)
            if size > 0, let data = zmq_msg_data(&msg) {
                frames.append(Array(UnsafeRawBufferPointer(start: data, count: size)))
            } else {
                frames.append([])
            }
            if zmq_msg_more(&msg) == 0 { return frames }
        }
    }

    /// Waits until the socket (and optionally `fd`) is readable, or writable when asked.
    /// Returns (socketReadable, socketWritable, fdReadable). EINTR counts as a timeout.
    public func poll(timeoutMilliseconds: Int, wantWrite: Bool = false, fd: Int32? = nil) throws(ZMQError) -> (Bool, Bool, Bool) {
        var items = [zmq_pollitem_t(socket: handle, fd: 0, events: Int16(ZMQ_POLLIN) | (wantWrite ? Int16(ZMQ_POLLOUT) : 0), revents: 0)]
        if let fd { items.append(zmq_pollitem_t(socket: nil, fd: fd, events: Int16(ZMQ_POLLIN), revents: 0)) }
        let rc = zmq_poll(&items, Int32(items.count), timeoutMilliseconds)
        if rc < 0 {
            let e = zmq_errno()
            if e == EINTR { return (false, false, false) }
            throw ZMQError("zmq_poll", code: e)
        }
        let r = items[0].revents
        return (r & Int16(ZMQ_POLLIN) != 0, r & Int16(ZMQ_POLLOUT) != 0, items.count > 1 && items[1].revents != 0)
    }
}

public enum ZMQOption {
    public static let sendHighWaterMark = ZMQ_SNDHWM
    public static let receiveHighWaterMark = ZMQ_RCVHWM
    public static let immediate = ZMQ_IMMEDIATE
    public static let routerMandatory = ZMQ_ROUTER_MANDATORY
    public static let subscribe = ZMQ_SUBSCRIBE
    public static let reconnectInterval = ZMQ_RECONNECT_IVL
    public static let linger = ZMQ_LINGER
    public static let curveServer = ZMQ_CURVE_SERVER
    public static let curvePublicKey = ZMQ_CURVE_PUBLICKEY
    public static let curveSecretKey = ZMQ_CURVE_SECRETKEY
    public static let curveServerKey = ZMQ_CURVE_SERVERKEY
    public static let zapDomain = ZMQ_ZAP_DOMAIN
}

public enum ZMQEvent {
    public static let disconnected = Int32(ZMQ_EVENT_DISCONNECTED)

    /// The event number of a monitor message (its first frame: 16-bit event, 32-bit value).
    public static func number(of message: [[UInt8]]) -> Int32? {
        guard let first = message.first, first.count >= 2 else { return nil }
        return Int32(UInt16(first[0]) | UInt16(first[1]) << 8)
    }
}
