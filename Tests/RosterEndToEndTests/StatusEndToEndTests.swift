import Foundation
import RosterTestSupport
import SCIMCore
import Testing

/// `roster status` and `GET /admin/api/v1/status`: every process, with the figures an operator
/// checks first, and a worker that does not answer named as down.
@Suite(.serialized)
struct StatusEndToEndTests {
    @Test func statusShowsEveryWorkerWithItsPidAndNamesOneThatIsDown() async throws {
        try await withRunningSystem { system in
            try #require(await system.ready(), "\(system.logText)")
            let admin = TestHTTP(base: system.http.base, token: e2eAdminToken)
            #expect(try await system.http.send("POST", "/scim/v2/Users", json: TestHTTP.user("status.user")).status == 201)
            let status = try await admin.send("GET", "/admin/api/v1/status").object
            let workers = status["workers"]?.arrayValue?.compactMap(\.objectValue) ?? []
            #expect(workers.map { $0["kind"]?.stringValue ?? "" } == ["users", "groups", "sync", "audit"])
            #expect(workers.allSatisfy { $0["status"] == .string("up") }, "\(workers)")
            let users = try #require(workers.first)
            #expect(users["pid"] == .int(Int64(try #require(system.users).processIdentifier)))
            #expect(users["outbox"]?.objectValue?["dead"] == .int(0), "the users store has an outbox: \(users)")
            #expect((users["storeBytes"].flatMap { if case .int(let n) = $0 { n } else { nil } } ?? 0) > 0)
            #expect(workers[1]["outbox"] == nil, "the groups store has none")
            #expect(status["ingress"]?.objectValue?["pid"] != nil)
            #expect(users["readerQueueDepth"] == .int(0), "\(users)")
            // The SCIM answers of the last five minutes: one 201 so far, then a 404 and a 401.
            _ = try await system.http.send("GET", "/scim/v2/Users/no-such-user")
            _ = try await TestHTTP(base: system.http.base, token: "wrong").send("GET", "/scim/v2/Users")
            let recent = try await admin.send("GET", "/admin/api/v1/status").object["ingress"]?.objectValue?["recent"]?.objectValue ?? [:]
            #expect(recent["scimRequests"] == .int(3) && recent["clientErrors"] == .int(2) && recent["serverErrors"] == .int(0), "\(recent)")

            let log = system.directory.appendingPathComponent("status.log")
            func cli() async throws -> (Int32, String) {
                try? FileManager.default.removeItem(at: log)
                let process = try system.adopt(TestProcesses.launch("roster", ["status", "--url", system.http.base, "--admin-token", e2eAdminToken], log: log))
                let deadline = ContinuousClock.now + .seconds(30)
                while process.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
                return (process.terminationStatus, (try? String(contentsOf: log, encoding: .utf8)) ?? "")
            }
            let (ok, screen) = try await cli()
            #expect(ok == 0 && screen.contains("users") && screen.contains("pending") && screen.contains("ingress"), "\(screen)")
            #expect(screen.contains("3 SCIM requests, 2 4xx, 0 5xx (5xx rate 0.0 %)") && screen.contains("READS QUEUED"), "\(screen)")

            _ = await TestProcesses.stop(try #require(system.groups), signal: SIGKILL)
            let (failed, degraded) = try await cli()
            #expect(failed != 0 && degraded.contains("DOWN") && degraded.contains("1 worker did not answer"), "\(degraded)")
        }
    }
}
