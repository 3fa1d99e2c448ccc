import Foundation
import RosterTestSupport
import SCIMCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A whole Roster under `roster up` (the supervisor restarts what dies), its data directory on a
/// small tmpfs when the test runs as root (so a store's disk can be filled), and the bookkeeping
/// of a fault run: every answer the clients got, and the longest outage a prober saw.
final class FaultHarness: @unchecked Sendable {
    let directory: URL
    let data: URL
    let log: URL
    let port = TestProcesses.port()
    let timeoutMilliseconds = 3000
    private(set) var mounted = false
    private(set) var up: Process?
    private(set) var scim = TestHTTP(base: "")
    private(set) var admin = TestHTTP(base: "")

    init() throws {
        directory = try TestProcesses.temporaryDirectory()
        data = directory.appendingPathComponent("data")
        log = directory.appendingPathComponent("up.log")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        if getuid() == 0 {
            mounted = Self.run("/bin/mount", ["-t", "tmpfs", "-o", "size=160m", "tmpfs", data.path]) == 0
        }
    }

    var logText: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// Starts `roster up` and waits for its banner.
    func start() async throws {
        up = try TestProcesses.launch("roster", [
            "up", "--data-dir", data.path, "--http-port", String(port), "--zmq-base-port", String(TestProcesses.consecutivePorts(4)),
            "--zmq-timeout-ms", String(timeoutMilliseconds),
        ], log: log, environment: ["ROSTER_BOOTSTRAP_TOKEN": ""])
        let up = self.up
        guard await eventually(timeout: .seconds(60), { self.logText.contains("Roster is up.") || up?.isRunning == false }), up?.isRunning == true else { throw FaultError("roster up did not start:\n\(logText)") }
        func exported(_ name: String) -> String {
            logText.split(separator: "\n").first { $0.contains("export \(name)=") }.map { String($0.split(separator: "=", maxSplits: 1)[1]) } ?? ""
        }
        scim = TestHTTP(base: "http://127.0.0.1:\(port)", token: exported("ROSTER_TOKEN"))
        admin = TestHTTP(base: scim.base, token: exported("ROSTER_ADMIN_TOKEN"))
    }

    /// Stops `roster up` (and so every child) and removes the directory; safe after a failure.
    func stop() async {
        if let up { await TestProcesses.stop(up, timeout: .seconds(30)) }
        if mounted { _ = Self.run("/bin/umount", ["-l", data.path]) }
        try? FileManager.default.removeItem(at: directory)
    }

    /// The pid of the newest `kind` process `roster up` started.
    func pid(_ kind: String) -> Int32? {
        logText.split(separator: "\n").last { $0.contains("started \(kind) (pid ") }
            .flatMap { Int32($0.split(separator: "pid ").last!.dropLast()) }
    }

    /// Fills the data directory's filesystem for `duration`, then frees it. False without a tmpfs.
    func fillDisk(for duration: Duration) async -> Bool {
        guard mounted else { return false }
        var stats = statvfs()
        guard statvfs(data.path, &stats) == 0 else { return false }
        let filler = data.appendingPathComponent("filler")
        let fd = open(filler.path, O_WRONLY | O_CREAT, 0o600)
        guard fd >= 0 else { return false }
        _ = posix_fallocate(fd, 0, off_t(stats.f_bavail) * off_t(stats.f_frsize))
        close(fd)
        try? await Task.sleep(for: duration)
        try? FileManager.default.removeItem(at: filler)
        return true
    }

    static func run(_ path: String, _ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }
}

struct FaultError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// What the clients were answered, and how long each answer took.
final class FaultLedger: Sendable {
    struct Write: Sendable {
        var name: String
        var id: String?
        var value: String
        var status: Int
        var seconds: Double
    }

    let creates = Mutex<[Write]>([])
    let patches = Mutex<[String: [Write]]>([:])
    let outage = Mutex<(since: ContinuousClock.Instant?, longest: Duration)>((nil, .zero))
    let faults = Mutex<[String: Int]>([:])

    func probe(ok: Bool) {
        outage.withLock { state in
            if ok {
                if let since = state.since { state.longest = max(state.longest, .now - since) }
                state.since = nil
            } else if state.since == nil {
                state.since = .now
            }
        }
    }

    func count(_ fault: String) { faults.withLock { $0[fault, default: 0] += 1 } }

    /// Sends and times one request; status 0 when no answer came (connection refused or reset).
    static func timed(_ body: () async throws -> TestHTTP.Reply) async -> (TestHTTP.Reply?, Double) {
        let start = ContinuousClock.now
        let reply = try? await body()
        return (reply, (ContinuousClock.now - start) / .seconds(1))
    }
}
