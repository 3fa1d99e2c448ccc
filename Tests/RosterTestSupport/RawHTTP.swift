public import Foundation
public import SCIMCore

/// Bytes on a TCP socket, for what URLSession will not send: malformed request lines, bad framing,
/// a head trickled byte by byte, connections held open. Blocking I/O runs on its own thread so the
/// test's cooperative pool keeps running.
public enum RawHTTP {
    public struct Answer: Sendable {
        /// The status of the first response; nil when none came.
        public var status: Int?
        public var head: String
        public var body: Data
        /// The server closed the connection (read returned 0) before the timeout.
        public var closed: Bool
        public var json: JSONValue? { try? JSONValue.parse(body) }

        public func header(_ name: String) -> String? {
            head.split(separator: "\r\n").dropFirst().first { $0.lowercased().hasPrefix(name.lowercased() + ":") }
                .map { String($0.dropFirst(name.count + 1)).trimmingCharacters(in: .whitespaces) }
        }
    }

    /// A connection to 127.0.0.1:`port`; closed on ``close()`` or deinit.
    public final class Connection: @unchecked Sendable {
        let fd: Int32

        public init(port: Int, readTimeout: Duration = .seconds(10)) throws {
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else {
                Glibc.close(fd)
                throw POSIXError(.ECONNREFUSED)
            }
            var timeout = timeval(tv_sec: Int(readTimeout.components.seconds), tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }

        deinit { Glibc.close(fd) }

        public func close() { shutdown(fd, Int32(SHUT_RDWR)) }

        /// Writes `bytes`; false once the server has closed (no SIGPIPE).
        @discardableResult
        public func write(_ bytes: Data) -> Bool {
            bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == bytes.count
        }

        /// Sends `request` and reads one response (head and `Content-Length` bytes), leaving the
        /// connection open: proof that the server has taken the connection in.
        public func roundTrip(_ request: String) -> Answer {
            write(Data(request.utf8))
            var data = Data()
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let partial = RawHTTP.answer(data, closed: false)
                if partial.status != nil, let length = partial.header("Content-Length").flatMap(Int.init), partial.body.count >= length { return partial }
                let n = read(fd, &buffer, buffer.count)
                guard n > 0 else { return RawHTTP.answer(data, closed: true) }
                data.append(contentsOf: buffer[..<n])
            }
        }

        /// Reads until the server closes or the read timeout passes.
        public func readAll() -> Answer {
            var data = Data()
            var buffer = [UInt8](repeating: 0, count: 65536)
            var closed = false
            while true {
                let n = read(fd, &buffer, buffer.count)
                if n > 0 { data.append(contentsOf: buffer[..<n]); continue }
                closed = n == 0 || errno == ECONNRESET
                break
            }
            return RawHTTP.answer(data, closed: closed)
        }
    }

    /// Sends each of `chunks` (pausing `pause` between them, stopping once the server closed), then
    /// reads everything the server sends until it closes or `timeout` passes.
    public static func exchange(port: Int, _ chunks: [Data], pause: Duration = .zero, timeout: Duration = .seconds(10)) async throws -> Answer {
        let connection = try Connection(port: port, readTimeout: timeout)
        return await onThread {
            for (index, chunk) in chunks.enumerated() {
                if index > 0, pause > .zero { Thread.sleep(forTimeInterval: pause / .seconds(1)) }
                if !connection.write(chunk) { break }
            }
            return connection.readAll()
        }
    }

    public static func exchange(port: Int, _ text: String, timeout: Duration = .seconds(10)) async throws -> Answer {
        try await exchange(port: port, [Data(text.utf8)], timeout: timeout)
    }

    public static func onThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: work()) }.start()
        }
    }

    static func answer(_ data: Data, closed: Bool) -> Answer {
        guard let split = data.range(of: Data("\r\n\r\n".utf8)) else {
            return Answer(status: nil, head: String(decoding: data, as: UTF8.self), body: Data(), closed: closed)
        }
        let head = String(decoding: data[..<split.lowerBound], as: UTF8.self)
        let status = head.split(separator: " ").dropFirst().first.flatMap { Int($0) }
        return Answer(status: status, head: head, body: Data(data[split.upperBound...]), closed: closed)
    }
}
