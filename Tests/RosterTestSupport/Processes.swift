public import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Starts the package's own executables as real child processes.
public enum TestProcesses {
    /// Where `swift build` put the executables: beside the test binary.
    public static var binaryDirectory: URL {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: exe).deletingLastPathComponent()
    }

    /// Launches `name` with `arguments`; output goes to `log` (appended) so a failure can be read.
    public static func launch(_ name: String, _ arguments: [String], log: URL, environment: [String: String] = [:]) throws -> Process {
        let executable = binaryDirectory.appendingPathComponent(name)
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw TestProcessError.missing(executable.path)
        }
        // O_APPEND: every process of a test shares the log, and each line must land after the others.
        let fd = open(log.path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw TestProcessError.missing(log.path) }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = handle
        process.standardError = handle
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        try process.run()
        return process
    }

    /// Sends `signal` and waits for the process to exit; returns its status. A process a test
    /// froze (SIGSTOP) and did not thaw is continued too, so it can handle the signal at once.
    @discardableResult
    public static func stop(_ process: Process, signal: Int32 = SIGTERM, timeout: Duration = .seconds(15)) async -> Int32 {
        if process.isRunning {
            kill(process.processIdentifier, signal)
            if signal != SIGKILL { kill(process.processIdentifier, SIGCONT) }
        }
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        return process.terminationStatus
    }

    /// A loopback port that was free a moment ago, never handed out twice by this process, so
    /// parallel tests do not collide. It is below the ephemeral range (32768–60999): a port the
    /// kernel hands out for bind(0) is one it may also give, a moment later, to an outgoing
    /// connection of another test (URLSession and libcurl open many), which then holds it when the
    /// test's server binds (seen in CI: an echo worker that never answered).
    public static func port() -> Int {
        while true {
            let port = Int.random(in: 20_000..<32_000)
            if isFree(port) && issued.withLock({ $0.insert(port).inserted }) { return port }
        }
    }

    /// The first of `count` consecutive loopback ports that were all free a moment ago (for
    /// `roster up --zmq-base-port`, which takes base … base + 3); never handed out twice.
    public static func consecutivePorts(_ count: Int) -> Int {
        while true {
            let base = Int.random(in: 20_000..<32_000)  // below the ephemeral range (32768–60999): no outgoing connection takes them
            let ports = Array(base..<(base + count))
            guard ports.allSatisfy(isFree) else { continue }
            if issued.withLock({ set in
                guard ports.allSatisfy({ !set.contains($0) }) else { return false }
                set.formUnion(ports)
                return true
            }) { return base }
        }
    }

    private static func isFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } } == 0
    }

    private static let issued = Mutex<Set<Int>>([])

    public static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("roster-e2e-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

public enum TestProcessError: Error, CustomStringConvertible {
    case missing(String)

    public var description: String {
        switch self {
        case .missing(let path): "\(path) is missing: run `swift build` before the tests (swift test builds it)"
        }
    }
}
