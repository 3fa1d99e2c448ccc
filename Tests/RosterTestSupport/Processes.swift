public import Foundation

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
        if !FileManager.default.fileExists(atPath: log.path) { _ = FileManager.default.createFile(atPath: log.path, contents: nil) }
        let handle = try FileHandle(forWritingTo: log)
        handle.seekToEndOfFile()
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

    /// Sends `signal` and waits for the process to exit; returns its status.
    @discardableResult
    public static func stop(_ process: Process, signal: Int32 = SIGTERM, timeout: Duration = .seconds(15)) async -> Int32 {
        if process.isRunning { kill(process.processIdentifier, signal) }
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        return process.terminationStatus
    }

    /// A free-looking loopback port (random in a high range; collisions are retried by callers' readiness checks).
    public static func port() -> Int { Int.random(in: 20_000...60_000) }

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
