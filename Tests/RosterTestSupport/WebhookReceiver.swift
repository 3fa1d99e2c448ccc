public import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A webhook receiver on 127.0.0.1 for end-to-end tests: a real HTTP/1.1 server (one
/// connection at a time, on its own thread) that records each POST and answers with the status
/// ``respond`` chooses, so a test can make it fail, then work again.
public final class WebhookReceiver: Sendable {
    public struct Delivery: Sendable {
        public var headers: [String: String]
        public var body: Data
        public var received: Date
        /// What the receiver answered (0: it closed the connection without an answer).
        public var status: Int
        public func header(_ name: String) -> String? { headers[name.lowercased()] }
    }

    public let port: Int
    private let fd: Int32
    private let state = Mutex<(deliveries: [Delivery], status: Int, stopped: Bool)>(([], 200, false))

    public init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0, listen(fd, 64) == 0 else { throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        port = Int(UInt16(bigEndian: address.sin_port))
        self.fd = fd
        let thread = Thread { [self] in serve() }
        thread.start()
    }

    public var url: String { "http://127.0.0.1:\(port)/hook" }

    /// The status every POST gets from now on (0: the connection is closed without an answer).
    public func respond(_ status: Int) { state.withLock { $0.status = status } }

    public var deliveries: [Delivery] { state.withLock { $0.deliveries } }

    /// Closes the listening socket; the thread ends at its next accept.
    public func stop() {
        state.withLock { $0.stopped = true }
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }

    private func serve() {
        while !state.withLock({ $0.stopped }) {
            let client = accept(fd, nil, nil)
            guard client >= 0 else { if state.withLock({ $0.stopped }) { return } else { continue } }
            handle(client)
            close(client)
        }
    }

    private func handle(_ client: Int32) {
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        var headEnd: Int?
        var contentLength = 0
        var headers: [String: String] = [:]
        while true {
            let n = recv(client, &chunk, chunk.count, 0)
            guard n > 0 else { return }
            buffer += chunk[0..<n]
            if headEnd == nil, let range = buffer.firstRange(of: Array("\r\n\r\n".utf8)) {
                headEnd = range.upperBound
                for line in String(decoding: buffer[..<range.lowerBound], as: UTF8.self).split(separator: "\r\n").dropFirst() {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                }
                contentLength = Int(headers["content-length"] ?? "0") ?? 0
            }
            if let headEnd, buffer.count >= headEnd + contentLength { break }
        }
        let body = Data(buffer[headEnd!..<(headEnd! + contentLength)])
        let status = state.withLock { s in
            s.deliveries.append(Delivery(headers: headers, body: body, received: Date(), status: s.status))
            return s.status
        }
        guard status > 0 else { return }
        let reply = "HTTP/1.1 \(status) \(status < 300 ? "OK" : "Unavailable")\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        _ = reply.withCString { send(client, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
    }
}
