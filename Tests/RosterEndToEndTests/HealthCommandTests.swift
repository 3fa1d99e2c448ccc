import Foundation
import RosterTestSupport
import Testing

/// `roster health` against the real system: it says clearly what is wrong.
@Suite(.serialized)
struct HealthCommandTests {
    func health(_ arguments: [String], log: URL) async throws -> (status: Int32, output: String) {
        let process = try TestProcesses.launch("roster", ["health"] + arguments, log: log)
        // Stopped however this ends: a command that overruns the deadline is ended, not left behind.
        try await withProcess(process) { process in
            let deadline = ContinuousClock.now + .seconds(30)
            while process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        }
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(at: log)
        return (process.terminationStatus, output)
    }

    @Test func healthReportsOkWrongTokenWrongPathWorkerDownAndUnreachable() async throws {
        try await withRunningSystem { system in
            #expect(await system.ready(), "\(system.logText)")
            let base = "http://127.0.0.1:\(system.httpPort)"
            let logs = try TestProcesses.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: logs) }
            let log = logs.appendingPathComponent("health.log")

            let ok = try await health(["--url", "\(base)/scim/v2", "--token", e2eToken], log: log)
            #expect(ok.status == 0 && ok.output.contains("OK: GET /scim/v2/Users answered 200; 0 users"), "\(ok.output)")
            let badToken = try await health(["--url", "\(base)/scim/v2", "--token", "wrong-token"], log: log)
            #expect(badToken.status != 0 && badToken.output.contains("401, the token was rejected"))
            let badPath = try await health(["--url", "\(base)/scim", "--token", e2eToken], log: log)
            #expect(badPath.status != 0 && badPath.output.contains("the base URL is wrong"))
            await TestProcesses.stop(system.users!, signal: SIGKILL)
            let down = try await health(["--url", "\(base)/scim/v2", "--token", e2eToken], log: log)
            #expect(down.status != 0 && down.output.contains("a worker is down or slow"), "\(down.output)")
            await system.stop()
            let unreachable = try await health(["--url", "\(base)/scim/v2", "--token", e2eToken], log: log)
            #expect(unreachable.status != 0 && unreachable.output.contains("unreachable"), "\(unreachable.output)")
        }
    }
}
