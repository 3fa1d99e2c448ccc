import Foundation
import GRDB
import RosterMessaging
import RosterPersistence
import RosterTestSupport
import SCIMCore
import Testing

/// `roster directory remove NAME --confirm NAME`: a job of the sync worker that removes a
/// directory's configurations (their tokens stop working), its users and groups on every shard,
/// and the directory; resumed after a SIGKILL of the sync worker with exact statistics.
@Suite(.serialized)
struct DirectoryRemovalEndToEndTests {
    static let environment = ["ROSTER_BOOTSTRAP_TOKEN": e2eToken, "ROSTER_ADMIN_TOKEN": e2eAdminToken]

    struct Stack {
        var base: String
        var directory: URL
        var data: URL { directory.appendingPathComponent("data") }
        var admin: TestHTTP { TestHTTP(base: base, token: e2eAdminToken) }

        /// A new configuration with its own directory, and `users` users, `groups` groups of 5 members each.
        func tenant(_ name: String, users: Int, groups: Int) async throws -> (id: String, http: TestHTTP) {
            let created = try await admin.send("POST", "/admin/api/v1/configurations", body: #"{"name":"\#(name)","newDirectoryName":"\#(name)"}"#,
                                               headers: ["Content-Type": "application/json"])
            let id = try #require(created.object["directoryId"]?.stringValue, "\(created.object)")
            let http = TestHTTP(base: base, token: try #require(created.object["token"]?.stringValue))
            #expect(await eventually(timeout: .seconds(5)) { (try? await http.send("GET", "/scim/v2/Users").status) == 200 })
            let ids = try await withThrowingTaskGroup(of: [String].self) { group in
                for client in 0..<8 {
                    group.addTask {
                        var made: [String] = []
                        for n in stride(from: client, to: users, by: 8) {
                            let user = try await http.send("POST", "/scim/v2/Users", json: TestHTTP.user("u\(n)@\(name).example"))
                            if let id = user.object["id"]?.stringValue { made.append(id) }
                        }
                        return made
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(ids.count == users)
            for g in 0..<groups {
                let members = ids.dropFirst(g * 5).prefix(5).map { #"{"value":"\#($0)"}"# }.joined(separator: ",")
                let group = try await http.send("POST", "/scim/v2/Groups", body: #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"G\#(g)","members":[\#(members)]}"#,
                                                headers: ["Content-Type": "application/scim+json"])
                #expect(group.status == 201)
            }
            return (id, http)
        }

        /// Rows of `directory` left in every users and groups shard file.
        func leftovers(_ directory: String, shards: Int) throws -> Int {
            var left = 0
            for (kind, table) in [("users", "user"), ("groups", "scimGroup")] {
                for shard in 0..<shards {
                    let file = data.appendingPathComponent(shard == 0 ? "\(kind).sqlite" : "\(kind)-\(shard).sqlite").path
                    left += try DatabaseQueue(path: file).read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM \(table) WHERE directoryId = ?", arguments: [directory]) ?? 0 }
                }
            }
            return left
        }

        func job(_ id: String) async throws -> [String: JSONValue] { try await admin.send("GET", "/admin/api/v1/jobs/\(id)").object }
    }

    static func withStack(shards: Int = 2, environment extra: [String: String] = [:], _ body: (Stack) async throws -> Void) async throws {
        let directory = try TestProcesses.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (port, zmq) = (TestProcesses.port(), TestProcesses.consecutivePorts(2 * shards + 2))
        let log = directory.appendingPathComponent("up.log")
        let up = try FirstHourTests.up(directory.appendingPathComponent("data"), port: port, zmq: zmq, log: log, environment: environment.merging(extra) { a, _ in a },
                                       extra: ["--users-shards", "\(shards)", "--groups-shards", "\(shards)"])
        try await withProcess(up) { _ in
            let base = "http://127.0.0.1:\(port)"
            let ready = await eventually(timeout: .seconds(60)) { (try? await TestHTTP(base: base).send("GET", "/readyz").status) == 200 }
            try #require(ready, "\(FirstHourTests.text(log))")
            try await body(Stack(base: base, directory: directory))
        }
    }

    @Test func removingADirectoryTakesEverythingOfItFromEveryShardAndNothingElse() async throws {
        try await Self.withStack { stack in
            let leaving = try await stack.tenant("Leaving", users: 60, groups: 3)
            let staying = try await stack.tenant("Staying", users: 5, groups: 1)
            let path = "/admin/api/v1/directories/\(leaving.id)/remove"
            let json = ["Content-Type": "application/json"]
            let wrong = try await stack.admin.send("POST", path, body: #"{"confirm":"leaving "}"#, headers: json)
            #expect(wrong.status == 400 && wrong.object["scimType"] == .string("invalidValue"), "\(wrong.object)")
            let missing = try await stack.admin.send("POST", path, body: "{}", headers: json)
            #expect(missing.status == 400 && missing.object["detail"]?.stringValue?.contains("confirm") == true, "\(missing.object)")
            let unknown = try await stack.admin.send("POST", "/admin/api/v1/directories/no-such/remove", body: #"{"confirm":"x"}"#, headers: json)
            #expect(unknown.status == 400 && unknown.object["scimType"] == .string("invalidValue"), "\(unknown.object)")

            let (status, output) = try await FirstHourTests.roster(["directory", "remove", "Leaving", "--confirm", "Leaving", "--url", stack.base,
                                                                    "--admin-token", e2eAdminToken], in: stack.directory, timeout: .seconds(60))
            #expect(status == 0 && output.contains("done") && output.contains("63/63"), "\(output)")
            #expect(await eventually(timeout: .seconds(6)) { (try? await leaving.http.send("GET", "/scim/v2/Users").status) == 401 }, "its token stops working")
            #expect(try stack.leftovers(leaving.id, shards: 2) == 0)
            let directories = try await stack.admin.send("GET", "/admin/api/v1/directories").object["directories"]?.arrayValue ?? []
            #expect(!directories.contains { $0.objectValue?["id"] == .string(leaving.id) })
            #expect(try await staying.http.send("GET", "/scim/v2/Users").object["totalResults"] == .int(5), "another directory is untouched")
            let jobs = try await stack.admin.send("GET", "/admin/api/v1/jobs").object["jobs"]?.arrayValue ?? []
            let job = try #require(jobs.first?.objectValue)
            #expect(job["state"] == .string("done") && job["kind"] == .string("remove-directory") && job["directoryName"] == .string("Leaving"))
            let statistics = job["statistics"]?.objectValue ?? [:]
            #expect(statistics["processed"] == .int(63) && statistics["remaining"] == .int(0) && statistics["total"] == .int(63), "\(statistics)")
            let again = try await stack.admin.send("POST", path, body: #"{"confirm":"Leaving"}"#, headers: json)
            #expect(again.status == 400, "the directory is gone: \(again.object)")
            let cancelDone = try await stack.admin.send("POST", "/admin/api/v1/jobs/\(job["id"]?.stringValue ?? "")/cancel")
            #expect(cancelDone.status == 409, "an ended job cannot be cancelled")
        }
    }

    @Test func aRemovalResumesAfterTheSyncWorkerIsKilledAndEndsWithExactCounts() async throws {
        // Batches of 2: long enough a job to kill the sync worker in the middle of it.
        try await Self.withStack(environment: ["ROSTER_TEST_JOB_BATCH": "2"]) { stack in
            let leaving = try await stack.tenant("Killed", users: 200, groups: 4)
            let queued = try await stack.admin.send("POST", "/admin/api/v1/directories/\(leaving.id)/remove", body: #"{"confirm":"Killed"}"#,
                                                    headers: ["Content-Type": "application/json"])
            #expect(queued.status == 202 && queued.header("Location")?.hasPrefix("/admin/api/v1/jobs/") == true, "\(queued.object)")
            let id = try #require(queued.object["id"]?.stringValue)
            // Killed while it runs: more than 20 of the 204 removed, and not done.
            let midway = await eventually(timeout: .seconds(30)) {
                guard let job = try? await stack.job(id), job["state"] == .string("running"),
                      case .int(let processed)? = job["statistics"]?.objectValue?["processed"] else { return false }
                return processed > 20 && processed < 204
            }
            try #require(midway)
            let sync = try #require(try ShardingEndToEndTests.pids("roster-sync --zmq-bind").first)
            kill(sync, SIGKILL)
            #expect(await eventually(timeout: .seconds(60)) { (try? await stack.job(id))?["state"] == .string("done") }, "the restarted sync worker resumed it")
            let statistics = try await stack.job(id)["statistics"]?.objectValue ?? [:]
            #expect(statistics["processed"] == .int(204) && statistics["total"] == .int(204) && statistics["remaining"] == .int(0), "\(statistics)")
            #expect(try stack.leftovers(leaving.id, shards: 2) == 0)
        }
    }

    @Test func aCancelledRemovalStopsAndLeavesTheDirectory() async throws {
        try await Self.withStack(shards: 1, environment: ["ROSTER_TEST_JOB_BATCH": "2"]) { stack in
            let leaving = try await stack.tenant("Kept", users: 200, groups: 0)
            let queued = try await stack.admin.send("POST", "/admin/api/v1/directories/\(leaving.id)/remove", body: #"{"confirm":"Kept"}"#,
                                                    headers: ["Content-Type": "application/json"])
            let id = try #require(queued.object["id"]?.stringValue, "\(queued.object)")
            let second = try await stack.admin.send("POST", "/admin/api/v1/directories/\(leaving.id)/remove", body: #"{"confirm":"Kept"}"#,
                                                    headers: ["Content-Type": "application/json"])
            #expect(second.status == 409, "one removal per directory: \(second.object)")
            let (status, output) = try await FirstHourTests.roster(["sync", "cancel", id, "--url", stack.base, "--admin-token", e2eAdminToken], in: stack.directory)
            #expect(status == 0, "\(output)")
            #expect(await eventually(timeout: .seconds(10)) { (try? await stack.job(id))?["state"] == .string("cancelled") })
            let directories = try await stack.admin.send("GET", "/admin/api/v1/directories").object["directories"]?.arrayValue ?? []
            #expect(directories.contains { $0.objectValue?["id"] == .string(leaving.id) }, "a cancelled removal leaves the directory")
            let processed = try await stack.job(id)["statistics"]?.objectValue?["processed"]
            guard case .int(let n)? = processed else { Issue.record("no processed count"); return }
            #expect(try stack.leftovers(leaving.id, shards: 1) == 200 - Int(n), "exactly what it counted was removed")
        }
    }
}
