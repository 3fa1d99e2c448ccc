import Foundation
import RosterTestSupport
import SCIMCore
import Testing

@Suite(.serialized)
struct RosterUpTests {
    /// `roster up` prints a generated token once, keeps only its hash, restarts a dead child, and stops everything on SIGTERM.
    @Test func upSupervisesTheSystemAndStopsCleanly() async throws {
        let directory = try TestProcesses.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("up.log")
        let port = TestProcesses.port()
        var logText: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
        let up = try TestProcesses.launch("roster", [
            "up", "--data-dir", directory.appendingPathComponent("data").path, "--http-port", String(port),
            "--zmq-base-port", String(TestProcesses.consecutivePorts(4)),
        ], log: log, environment: ["ROSTER_BOOTSTRAP_TOKEN": ""])
        // Stopped (and its children with it) however the test ends, a failed #require included.
        try await withProcess(up) { up in
            #expect(await eventually(timeout: .seconds(60)) { logText.contains("Roster is up.") }, "\(logText)")

            let lines = logText.split(separator: "\n")
            // The banner's lines work when pasted: `export ROSTER_TOKEN=…`, and the CLI by its full path.
            let exportLine = try #require(lines.first { $0.contains("export ROSTER_TOKEN=") })
            let token = String(exportLine.split(separator: "=", maxSplits: 1)[1])
            #expect(token.count == 43)
            #expect(lines.contains { $0.contains("export ROSTER_ADMIN_TOKEN=") })
            #expect(lines.contains { $0.contains(TestProcesses.binaryDirectory.appendingPathComponent("roster").path + " audit status") })
            let hashFile = try String(contentsOf: directory.appendingPathComponent("data/bootstrap-token.sha256"), encoding: .utf8)
            #expect(hashFile.trimmingCharacters(in: .whitespacesAndNewlines) == sha256(token))

            let http = TestHTTP(base: "http://127.0.0.1:\(port)", token: token)
            #expect(try await http.send("GET", "/scim/v2/Users").status == 200)

            // Kill the users worker: the supervisor brings it back.
            let usersLine = try #require(lines.first { $0.contains("started users (pid") })
            let pid = try #require(Int32(usersLine.split(separator: "pid ").last!.dropLast()))
            kill(pid, SIGKILL)
            #expect(await eventually { logText.contains("users exited killed by SIGKILL") }, "\(logText)")
            #expect(await eventually { (try? await http.send("GET", "/scim/v2/Users"))?.status == 200 })

            #expect(await TestProcesses.stop(up) == 0)
            #expect((try? await http.send("GET", "/healthz")) == nil, "the ingress is still answering after roster up stopped")
        }
    }
}
