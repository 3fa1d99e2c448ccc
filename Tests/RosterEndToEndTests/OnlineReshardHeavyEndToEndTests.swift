import Foundation
import GRDB
import RosterTestSupport
import SCIMCore
import Synchronization
import Testing

/// `roster reshard` while the system runs: started on more shards (nothing moves by itself), the
/// sync worker moves each directory whose shard changes while IdPs keep writing to every
/// directory. No write is refused or lost, none lands twice, memberships and the outbox follow the
/// directories, and each directory ends on exactly its shard; then the same backwards, to one
/// shard of each, and a start on the smaller counts.
@Suite(.serialized)
struct OnlineReshardHeavyEndToEndTests {
    /// Users created by the writers, by tenant, and every answer that was not a 201.
    final class Writes: Sendable {
        let acknowledged = Mutex<[Int: [String]]>([:])
        let failures = Mutex<[String]>([])
        let slowest = Mutex<Duration>(.zero)
        let stop = Atomic<Bool>(false)
    }

    static func write(_ tenants: [TestHTTP], into writes: Writes) async {
        await withTaskGroup(of: Void.self) { group in
            for (n, http) in tenants.enumerated() {
                group.addTask {
                    var i = 0
                    while !writes.stop.load(ordering: .relaxed) {
                        let name = "load\(i)@d\(n).example"
                        let started = ContinuousClock.now
                        let status = (try? await http.send("POST", "/scim/v2/Users", json: TestHTTP.user(name)).status) ?? -1
                        let took = ContinuousClock.now - started
                        writes.slowest.withLock { $0 = max($0, took) }
                        if status == 201 {
                            writes.acknowledged.withLock { $0[n, default: []].append(name) }
                        } else {
                            writes.failures.withLock { $0.append("\(name): \(status)") }
                        }
                        i += 1
                    }
                }
            }
        }
    }

    static func values(_ file: URL, _ sql: String) throws -> [String] {
        try DatabaseQueue(path: file.path).read { db in try String.fetchAll(db, sql: sql) }
    }

    static func userNames(_ http: TestHTTP) async throws -> [String] {
        let users = try await http.send("GET", "/scim/v2/Users?count=1000").object["Resources"]?.arrayValue ?? []
        return users.compactMap { $0.objectValue?["userName"]?.stringValue }
    }

    @Test func directoriesMoveWhileIdPsWriteAndNoWriteIsRefusedLostOrDoubled() async throws {
        let directory = try TestProcesses.temporaryDirectory()
        defer { if ProcessInfo.processInfo.environment["ROSTER_TEST_KEEP"] == nil { try? FileManager.default.removeItem(at: directory) } else { print("kept \(directory.path)") } }
        let data = directory.appendingPathComponent("data")
        let environment = ["ROSTER_BOOTSTRAP_TOKEN": e2eToken, "ROSTER_ADMIN_TOKEN": e2eAdminToken]
        var tenants: [TestHTTP] = []
        var before: [ReshardEndToEndTests.Snapshot] = []

        func running<T>(users: Int, groups: Int, _ body: (String) async throws -> T) async throws -> T {
            try await ReshardEndToEndTests.running(data, in: directory, environment: environment, users: users, groups: groups) { base, _ in try await body(base) }
        }

        func reshard(_ base: String, users: Int, groups: Int) async throws -> String {
            let (status, output) = try await FirstHourTests.roster(
                ["reshard", "--data-dir", data.path, "--url", base, "--users-shards", "\(users)", "--groups-shards", "\(groups)"],
                environment: ["ROSTER_ADMIN_TOKEN": e2eAdminToken], in: directory, timeout: .seconds(120))
            #expect(status == 0 && output.contains("done"), "\(output)")
            return output
        }

        try await running(users: 1, groups: 1) { base in
            (tenants, before) = try await ReshardEndToEndTests.populate(base)
        }

        // More shards than the data was laid out on: they start empty, and nothing moves yet.
        try await running(users: 3, groups: 3) { base in
            for (n, tenant) in tenants.enumerated() {
                #expect(try await ReshardEndToEndTests.snapshot(TestHTTP(base: base, token: tenant.token)) == before[n], "directory \(n) on 3+3 shards before the reshard")
            }
            let https = tenants.map { TestHTTP(base: base, token: $0.token) }
            let writes = Writes()
            let load = Task { await Self.write(https, into: writes) }
            try await Task.sleep(for: .milliseconds(500))
            let started = ContinuousClock.now
            let output = try await reshard(base, users: 3, groups: 3)
            let took = ContinuousClock.now - started
            try await Task.sleep(for: .milliseconds(500))
            writes.stop.store(true, ordering: .relaxed)
            await load.value
            let failures = writes.failures.withLock { $0 }
            let acknowledged = writes.acknowledged.withLock { $0 }
            print("online reshard 1+1 → 3+3 under write load: \(acknowledged.values.map(\.count).reduce(0, +)) users created during it, slowest create \(writes.slowest.withLock { $0 }), reshard took \(took); \(output.split(separator: "\n").last ?? "")")
            #expect(failures.isEmpty, "writes refused during the reshard: \(failures.prefix(10))")
            #expect(acknowledged.count == tenants.count && acknowledged.values.allSatisfy { !$0.isEmpty }, "every directory took writes during the reshard")

            for (n, http) in https.enumerated() {
                let names = try await Self.userNames(http)
                let expected = (0..<4).map { "u\($0)@d\(n).example" } + (acknowledged[n] ?? [])
                #expect(names.sorted() == expected.sorted(), "directory \(n): every acknowledged user once, nothing else")
                var snapshot = try await ReshardEndToEndTests.snapshot(http)
                snapshot.users = Array(snapshot.users.prefix(4))
                #expect(snapshot == before[n], "directory \(n): its first users and its group's members as before")
            }
            let map = try await TestHTTP(base: base, token: e2eAdminToken).send("GET", "/admin/api/v1/shard-map").object
            #expect(map["users"]?.objectValue?["base"] == .int(3) && map["users"]?.objectValue?["moved"] == .object([:]), "\(map)")
            #expect(map["groups"]?.objectValue?["base"] == .int(3), "\(map)")

            // The outbox finds each group on its new shard: a deleted user leaves its group.
            for (n, http) in https.enumerated() {
                let leaving = before[n].users[0]
                #expect(try await http.send("DELETE", "/scim/v2/Users/\(leaving)").status == 204)
                let groupID = try #require(before[n].groups.keys.first)
                #expect(await eventually(timeout: .seconds(10)) {
                    ((try? await http.send("GET", "/scim/v2/Groups/\(groupID)"))?.object["members"]?.arrayValue ?? []).count == 2
                }, "directory \(n): the deleted user left its group")
            }
        }
        let users3 = try ReshardEndToEndTests.misplaced(data, kind: "users", table: "user", shards: 3)
        #expect(users3.misplaced.isEmpty, "\(users3.misplaced)")
        let groups3 = try ReshardEndToEndTests.misplaced(data, kind: "groups", table: "scimGroup", shards: 3)
        #expect(groups3.misplaced.isEmpty && groups3.rows == 8, "\(groups3)")
        let spread = try (0..<3).map { try Self.values(data.appendingPathComponent($0 == 0 ? "groups.sqlite" : "groups-\($0).sqlite"), "SELECT DISTINCT directoryId FROM scimGroup") }
        #expect(Set(spread.flatMap { $0 }).count == 8 && spread.filter({ !$0.isEmpty }).count > 1, "the groups spread over the shards, each directory once: \(spread)")

        // Back to one shard of each, online, then a start on the smaller counts.
        var counts: [Int] = []
        try await running(users: 3, groups: 3) { base in
            _ = try await reshard(base, users: 1, groups: 1)
            for tenant in tenants { counts.append(try await Self.userNames(TestHTTP(base: base, token: tenant.token)).count) }
        }
        try await running(users: 1, groups: 1) { (base: String) async throws -> Void in
            for (n, tenant) in tenants.enumerated() {
                let http = TestHTTP(base: base, token: tenant.token)
                #expect(try await Self.userNames(http).count == counts[n], "directory \(n) whole on one shard")
                #expect(try await http.send("POST", "/scim/v2/Users", json: TestHTTP.user("last@d\(n).example")).status == 201)
            }
        }
        let users1 = try ReshardEndToEndTests.misplaced(data, kind: "users", table: "user", shards: 1)
        #expect(users1.rows == counts.reduce(0, +) + tenants.count, "\(users1.rows)")
        for shard in 1..<3 {
            let left = try Self.values(data.appendingPathComponent("users-\(shard).sqlite"), "SELECT id FROM user")
            #expect(left.isEmpty, "users shard \(shard) holds nothing after the move back")
        }
    }

    @Test func aReshardWhoseSyncWorkerIsKilledMidwayResumesAndLeavesEachDirectoryOnceOnItsShard() async throws {
        let directory = try TestProcesses.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = directory.appendingPathComponent("data")
        let environment = ["ROSTER_BOOTSTRAP_TOKEN": e2eToken, "ROSTER_ADMIN_TOKEN": e2eAdminToken, "ROSTER_TEST_RESHARD_PAUSE_MS": "300"]
        var tokens: [String] = []

        func running(users: Int, groups: Int, _ body: (String, URL) async throws -> Void) async throws {
            try await ReshardEndToEndTests.running(data, in: directory, environment: environment, users: users, groups: groups, body)
        }

        try await running(users: 1, groups: 1) { base, _ in
            tokens = try await ReshardEndToEndTests.populate(base).0.compactMap(\.token)
        }
        try await running(users: 2, groups: 2) { base, _ in
            let https = tokens.map { TestHTTP(base: base, token: $0) }
            let writes = Writes()
            let load = Task { await Self.write(https, into: writes) }
            let admin = TestHTTP(base: base, token: e2eAdminToken)
            for bad in [#"{"usersShards":3}"#, #"{"usersShards":0}"#, #"{"groupsShards":"two"}"#, #"{}"#] {
                let refused = try await admin.send("POST", "/admin/api/v1/reshard", body: bad, headers: ["Content-Type": "application/json"])
                #expect(refused.status == 400 && refused.object["scimType"] == .string("invalidValue"), "\(bad): \(refused.status) \(refused.object)")
            }
            let queued = try await admin.send("POST", "/admin/api/v1/reshard", body: #"{"usersShards":2,"groupsShards":2}"#, headers: ["Content-Type": "application/json"])
            #expect(queued.status == 202, "\(queued.object)")
            let id = try #require(queued.object["id"]?.stringValue)
            let second = try await admin.send("POST", "/admin/api/v1/reshard", body: #"{"usersShards":1}"#, headers: ["Content-Type": "application/json"])
            #expect(second.status == 409, "one reshard at a time: \(second.status) \(second.object)")
            let syncLog = data.appendingPathComponent("logs/sync.log")
            #expect(await eventually(timeout: .seconds(20)) { FirstHourTests.text(syncLog).contains("directory moved to another shard") })
            let pids = try ShardingEndToEndTests.pids("roster-sync.*\(data.path)")
            try #require(pids.count == 1, "\(pids)")
            kill(pids[0], SIGKILL)
            let done = await eventually(timeout: .seconds(60)) {
                (try? await admin.send("GET", "/admin/api/v1/jobs/\(id)"))?.object["state"] == .string("done")
            }
            let job = try await admin.send("GET", "/admin/api/v1/jobs/\(id)").object
            #expect(done, "\(job)")
            let statistics = job["statistics"]?.objectValue ?? [:]
            #expect(statistics["processed"] != nil && statistics["processed"] == statistics["total"], "exact counts after the restart: \(job)")
            writes.stop.store(true, ordering: .relaxed)
            await load.value
            let failures = writes.failures.withLock { $0 }
            // While the sync worker was down its frozen directory could not take writes: those
            // answered 503 (not applied) or 504 (perhaps applied); nothing else is acceptable.
            #expect(failures.allSatisfy { $0.hasSuffix(": 503") || $0.hasSuffix(": 504") }, "\(failures.prefix(10))")
            let acknowledged = writes.acknowledged.withLock { $0 }
            let uncertain = Set(failures.filter { $0.hasSuffix(": 504") }.map { String($0.split(separator: ":")[0]) })
            for (n, http) in https.enumerated() {
                let names = try await Self.userNames(http)
                let expected = Set((0..<4).map { "u\($0)@d\(n).example" } + (acknowledged[n] ?? []))
                #expect(names.count == Set(names).count, "directory \(n): no user twice")
                #expect(expected.isSubset(of: Set(names)) && Set(names).subtracting(expected).isSubset(of: uncertain), "directory \(n): every acknowledged write, nothing unasked")
            }
            print("online reshard with roster-sync killed midway: \(acknowledged.values.map(\.count).reduce(0, +)) writes acknowledged, \(failures.count) refused while it was down; job \(statistics)")
        }
        let users2 = try ReshardEndToEndTests.misplaced(data, kind: "users", table: "user", shards: 2)
        #expect(users2.misplaced.isEmpty, "\(users2.misplaced)")
        let groupsLeft = try ReshardEndToEndTests.misplaced(data, kind: "groups", table: "groupDirectoryCount", shards: 2)
        #expect(groupsLeft.misplaced.isEmpty, "\(groupsLeft.misplaced)")
    }

    @Test func aReshardCancelledBetweenAFreezeAndItsSwitchGivesTheDirectoryItsWritesBackAndLeavesNoCopy() async throws {
        let directory = try TestProcesses.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = directory.appendingPathComponent("data")
        let environment = ["ROSTER_BOOTSTRAP_TOKEN": e2eToken, "ROSTER_ADMIN_TOKEN": e2eAdminToken, "ROSTER_TEST_RESHARD_PAUSE_BEFORE_SWITCH_MS": "1500"]
        var tenants: [TestHTTP] = []
        try await ReshardEndToEndTests.running(data, in: directory, environment: environment, users: 1, groups: 1) { base, _ in
            tenants = try await ReshardEndToEndTests.populate(base).0
        }
        try await ReshardEndToEndTests.running(data, in: directory, environment: environment, users: 2, groups: 1) { base, _ in
            let admin = TestHTTP(base: base, token: e2eAdminToken)
            let queued = try await admin.send("POST", "/admin/api/v1/reshard", body: #"{"usersShards":2}"#, headers: ["Content-Type": "application/json"])
            let id = try #require(queued.object["id"]?.stringValue, "\(queued.object)")
            var step = ""
            #expect(await eventually(timeout: .seconds(20)) {
                step = (try? await admin.send("GET", "/admin/api/v1/jobs/\(id)"))?.object["step"]?.stringValue ?? ""
                return !step.isEmpty
            })
            let parts = step.split(separator: " ").map(String.init)
            try #require(parts.count == 3 && parts[0] == "users", "\(step)")
            let moving = parts[1], target = Int(parts[2].split(separator: ">")[1]) ?? -1
            #expect(try await admin.send("POST", "/admin/api/v1/jobs/\(id)/cancel").status == 200)
            #expect(await eventually(timeout: .seconds(20)) {
                (try? await admin.send("GET", "/admin/api/v1/jobs/\(id)"))?.object["state"] == .string("cancelled")
            })
            // The frozen directory takes writes again, and its copy on the new shard goes.
            let file = data.appendingPathComponent("users-\(target).sqlite")
            #expect(await eventually(timeout: .seconds(20)) {
                (try? Self.values(file, "SELECT id FROM user WHERE directoryId = '\(moving)'"))?.isEmpty == true
            }, "the copy on users shard \(target) was removed")
            for (n, tenant) in tenants.enumerated() {
                let http = TestHTTP(base: base, token: tenant.token)
                #expect(try await http.send("POST", "/scim/v2/Users", json: TestHTTP.user("after@d\(n).example")).status == 201, "directory \(n) takes writes")
                #expect(try await Self.userNames(http).count == 5, "directory \(n) whole")
            }
            let map = try await admin.send("GET", "/admin/api/v1/shard-map").object
            #expect(map["users"]?.objectValue?["moved"]?.objectValue?[moving] == nil, "the cancelled move did not switch: \(map)")
        }
    }
}
