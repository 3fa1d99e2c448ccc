import Foundation
import GRDB
import RosterMessaging
import RosterTestSupport
import SCIMCore
import Testing

/// `roster reshard`: directories moved to their new shards on a stopped data directory, every
/// user, group and membership kept once, in its listing order; an interrupted run (kill -9 between
/// a copy and its delete) blocks `roster up` until it is finished, and finishing it leaves no
/// duplicate.
@Suite(.serialized)
struct ReshardEndToEndTests {
    static let json = ["Content-Type": "application/scim+json"]

    /// What a client sees of one directory: users in listing order, and each group's members.
    struct Snapshot: Equatable {
        var users: [String]
        var groups: [String: [String]]
    }

    static func snapshot(_ http: TestHTTP) async throws -> Snapshot {
        let users = try await http.send("GET", "/scim/v2/Users?count=1000").object["Resources"]?.arrayValue ?? []
        var groups: [String: [String]] = [:]
        for group in try await http.send("GET", "/scim/v2/Groups?count=1000").object["Resources"]?.arrayValue ?? [] {
            let id = group.objectValue?["id"]?.stringValue ?? "?"
            let members = try await http.send("GET", "/scim/v2/Groups/\(id)").object["members"]?.arrayValue ?? []
            groups[id] = members.compactMap { $0.objectValue?["value"]?.stringValue }.sorted()
        }
        return Snapshot(users: users.compactMap { $0.objectValue?["id"]?.stringValue }, groups: groups)
    }

    /// The directories each shard file of `kind` holds, checked against the shard that owns them.
    static func misplaced(_ data: URL, kind: String, table: String, shards: Int) throws -> (rows: Int, misplaced: [String]) {
        var rows = 0, wrong: [String] = []
        for shard in 0..<shards {
            let file = data.appendingPathComponent(shard == 0 ? "\(kind).sqlite" : "\(kind)-\(shard).sqlite").path
            let queue = try DatabaseQueue(path: file)
            let directories = try queue.read { try String.fetchAll($0, sql: "SELECT directoryId FROM \(table)") }
            rows += directories.count
            wrong += Set(directories).filter { WorkerClient.shard(for: $0, of: shards) != shard }.map { "\($0) on \(kind) shard \(shard)" }
        }
        return (rows, wrong)
    }

    /// Eight directories, each with four users (`u0@d<n>.example` …) and a group of the first
    /// three: their IdPs' clients, and what each directory looks like.
    static func populate(_ base: String, emails: Bool = false) async throws -> ([TestHTTP], [Snapshot]) {
        let admin = TestHTTP(base: base, token: e2eAdminToken)
        var tenants: [TestHTTP] = [], snapshots: [Snapshot] = []
        for n in 0..<8 {
            let created = try await admin.send("POST", "/admin/api/v1/configurations", body: #"{"name":"idp\#(n)","newDirectoryName":"Directory \#(n)"}"#,
                                               headers: ["Content-Type": "application/json"])
            let http = TestHTTP(base: base, token: try #require(created.object["token"]?.stringValue, "\(created.object)"))
            #expect(await eventually(timeout: .seconds(5)) { (try? await http.send("GET", "/scim/v2/Users").status) == 200 })
            var ids: [String] = []
            for u in 0..<4 {
                let name = "u\(u)@d\(n).example"
                let user = try await http.send("POST", "/scim/v2/Users", json: TestHTTP.user(name, extra: emails ? ["emails": .array([.object(["value": .string(name)])])] : [:]))
                ids.append(try #require(user.object["id"]?.stringValue, "\(user.object)"))
            }
            let members = ids.prefix(3).map { #"{"value":"\#($0)"}"# }.joined(separator: ",")
            let group = try await http.send("POST", "/scim/v2/Groups", body: #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Team \#(n)","members":[\#(members)]}"#, headers: json)
            #expect(group.status == 201, "\(group.object)")
            tenants.append(http)
            snapshots.append(try await snapshot(http))
        }
        return (tenants, snapshots)
    }

    /// `roster up` on `data` with these shard counts until `body` (given the base URL and the log) returns.
    static func running<T>(_ data: URL, in directory: URL, environment: [String: String], users: Int, groups: Int,
                           _ body: (String, URL) async throws -> T) async throws -> T {
        let (port, zmq) = (TestProcesses.port(), TestProcesses.consecutivePorts(users + groups + 2))
        let log = directory.appendingPathComponent("up-\(users)-\(groups)-\(UUID().uuidString.prefix(4)).log")
        let up = try FirstHourTests.up(data, port: port, zmq: zmq, log: log, environment: environment,
                                       extra: ["--users-shards", "\(users)", "--groups-shards", "\(groups)"])
        return try await withProcess(up) { _ in
            let base = "http://127.0.0.1:\(port)"
            let ready = await eventually(timeout: .seconds(60)) { (try? await TestHTTP(base: base).send("GET", "/readyz").status) == 200 }
            try #require(ready, "\(FirstHourTests.text(log))")
            return try await body(base, log)
        }
    }

    @Test func directoriesMoveToTheirNewShardsWholeOnceAndInOrderEvenAfterAKillMidway() async throws {
        let directory = try TestProcesses.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = directory.appendingPathComponent("data")
        let environment = ["ROSTER_BOOTSTRAP_TOKEN": e2eToken, "ROSTER_ADMIN_TOKEN": e2eAdminToken]
        var tenants: [TestHTTP] = []
        var before: [Snapshot] = []

        func running<T>(users: Int, groups: Int, _ body: (String) async throws -> T) async throws -> T {
            try await Self.running(data, in: directory, environment: environment, users: users, groups: groups) { base, _ in try await body(base) }
        }

        try await running(users: 1, groups: 1) { base in
            (tenants, before) = try await Self.populate(base, emails: true)
        }

        let (status, output) = try await FirstHourTests.roster(["reshard", "--data-dir", data.path, "--users-shards", "3", "--groups-shards", "2"], in: directory)
        #expect(status == 0 && output.contains("directory moves"), "\(output)")
        let users3 = try Self.misplaced(data, kind: "users", table: "user", shards: 3)
        #expect(users3.misplaced.isEmpty && users3.rows == 8 * 4, "\(users3)")
        let groups2 = try Self.misplaced(data, kind: "groups", table: "scimGroup", shards: 2)
        #expect(groups2.misplaced.isEmpty && groups2.rows == 8, "\(groups2)")

        try await running(users: 3, groups: 2) { base in
            for (n, tenant) in tenants.enumerated() {
                let http = TestHTTP(base: base, token: tenant.token)
                #expect(try await Self.snapshot(http) == before[n], "directory \(n) after the move")
                // Still writable, and the outbox finds the group on its new shard.
                #expect(try await http.send("POST", "/scim/v2/Users", json: TestHTTP.user("after@d\(n).example")).status == 201)
                let duplicate = try await http.send("POST", "/scim/v2/Users", json: TestHTTP.user("u0@d\(n).example"))
                #expect(duplicate.status == 409, "uniqueness moved with the directory: \(duplicate.status)")
            }
            let http = TestHTTP(base: base, token: tenants[0].token)
            let leaving = before[0].users[0]
            #expect(try await http.send("DELETE", "/scim/v2/Users/\(leaving)").status == 204)
            let groupID = try #require(before[0].groups.keys.first)
            #expect(await eventually(timeout: .seconds(10)) {
                let members = (try? await http.send("GET", "/scim/v2/Groups/\(groupID)"))?.object["members"]?.arrayValue ?? []
                return members.count == 2
            })
        }

        // Killed between a copy and its delete: the directory is in two shards until the run is finished.
        let (killed, _) = try await FirstHourTests.roster(["reshard", "--data-dir", data.path, "--users-shards", "2", "--groups-shards", "3"],
                                                         environment: ["ROSTER_TEST_RESHARD_KILL_AFTER_COPY": "1"], in: directory)
        #expect(killed != 0)
        let (refusedUp, why) = try await FirstHourTests.roster(["up", "--data-dir", data.path, "--http-port", "\(TestProcesses.port())", "--zmq-base-port", "\(TestProcesses.consecutivePorts(7))",
                                                                "--users-shards", "2", "--groups-shards", "3"], environment: environment, in: directory)
        #expect(refusedUp != 0 && why.contains("interrupted"), "\(why)")
        let (otherCounts, otherWhy) = try await FirstHourTests.roster(["reshard", "--data-dir", data.path, "--users-shards", "4"], in: directory)
        #expect(otherCounts != 0 && otherWhy.contains("users=2 groups=3"), "\(otherWhy)")
        let (finished, finishedOutput) = try await FirstHourTests.roster(["reshard", "--data-dir", data.path, "--users-shards", "2", "--groups-shards", "3"], in: directory)
        #expect(finished == 0, "\(finishedOutput)")
        let users2 = try Self.misplaced(data, kind: "users", table: "user", shards: 2)
        #expect(users2.misplaced.isEmpty && users2.rows == 8 * 5 - 1, "every user once: \(users2)")
        #expect(FileManager.default.fileExists(atPath: data.appendingPathComponent("retired").path), "shard users-2 was retired")
        try await running(users: 2, groups: 3) { base in
            for (n, tenant) in tenants.enumerated() {
                let http = TestHTTP(base: base, token: tenant.token)
                let users = try await http.send("GET", "/scim/v2/Users").object["totalResults"]
                #expect(users == .int(n == 0 ? 4 : 5), "directory \(n)")
            }
        }
    }
}
