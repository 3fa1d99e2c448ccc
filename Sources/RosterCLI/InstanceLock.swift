import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One `roster up` per data directory: an exclusive `flock` on `<data>/roster.lock`, held for the
/// life of the process, with the holder's pid written in it so that a second start can name it.
struct InstanceLock {
    let fd: Int32

    /// Takes the lock, or says who holds it.
    /// Whether a running instance holds the lock of `dataDirectory`.
    static func isHeld(in dataDirectory: URL) -> Bool {
        let fd = open(dataDirectory.appendingPathComponent("roster.lock").path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return flock(fd, LOCK_SH | LOCK_NB) != 0
    }

    static func acquire(in dataDirectory: URL) throws -> InstanceLock {
        let path = dataDirectory.appendingPathComponent("roster.lock").path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CLIError("Cannot open \(path): \(String(cString: strerror(errno))).") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            close(fd)
            throw CLIError("Roster is already running on the data directory \(dataDirectory.path)\(holder.isEmpty ? "" : " (pid \(holder))"): stop it first, or give this one another --data-dir.")
        }
        ftruncate(fd, 0)
        let pid = Array("\(getpid())\n".utf8)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        return InstanceLock(fd: fd)
    }
}

/// Checks that the ports `roster up` will bind are free, before anything is started.
enum PortCheck {
    /// The first port of `ports` that something already listens on, with its holder when known.
    static func firstTaken(_ ports: [(name: String, host: String, port: Int)]) -> String? {
        for entry in ports where !isFree(host: entry.host, port: entry.port) {
            let holder = listener(port: entry.port).map { " by \($0)" } ?? ""
            return "Port \(entry.port) (\(entry.name)) on \(entry.host) is already in use\(holder): stop that process or choose another port (--\(entry.name == "HTTP" ? "http-port" : "zmq-base-port"))."
        }
        return nil
    }

    static func isFree(host: String, port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return true }
        defer { close(fd) }
        // As the servers bind (NIO and libzmq set SO_REUSEADDR): connections of an earlier run in
        // TIME_WAIT do not make a port busy.
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr(host == "localhost" ? "127.0.0.1" : host)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    /// `pid 1234 (roster-users)` for the process listening on `port`, read from /proc (Linux).
    static func listener(port: Int) -> String? {
        let hexPort = String(format: ":%04X", port)
        var inodes: Set<String> = []
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            guard let text = try? String(contentsOfFile: table, encoding: .utf8) else { continue }
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                // local_address, state 0A = LISTEN, inode is field 9
                if fields.count > 9, fields[1].hasSuffix(hexPort), fields[3] == "0A" { inodes.insert(String(fields[9])) }
            }
        }
        guard !inodes.isEmpty, let pids = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return nil }
        for pid in pids where Int(pid) != nil {
            guard let fds = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd") else { continue }
            for fd in fds {
                guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(fd)") else { continue }
                if target.hasPrefix("socket:["), inodes.contains(String(target.dropFirst(8).dropLast())) {
                    let name = (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
                    return "pid \(pid) (\(name))"
                }
            }
        }
        return nil
    }
}
