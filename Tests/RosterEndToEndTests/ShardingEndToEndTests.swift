import Foundation
@testable import RosterCLI
import RosterMessaging
import RosterTestSupport
import SCIMCore
import Testing

/// `roster up --users-shards 3 --groups-shards 3`: directories spread over the shards by
/// `fnv1a(directory) mod N`, each directory's users and groups apart from the others', the
/// users' outbox reaching the groups shard of the user's directory, and a SIGKILLed shard costing
/// only its own directories.
@Suite(.serialized)
struct ShardingEndToEndTests {
    static let json = ["Content-Type": "application/scim+json"]

    /// The pids of processes whose command line contains `pattern`.
    static func pids(_ pattern: String) throws -> [Int32] {
        let pipe = Pipe()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/pgrep")
        process.arguments = ["-f", pattern]
        process.standardOutput = pipe
        try process.run()
        process.waitUntilExit()
        return String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n").compactMap { Int32($0) }
    }

    @Test func threeShardsOfEachKindSpreadDirectoriesKeepThemApartAndOutliveOneShardsDeath() async throws {
        let directory = try TestProcesses.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = directory.appendingPathComponent("data")
        let (port, zmq) = (TestProcesses.port(), TestProcesses.consecutivePorts(8))
        let log = directory.appendingPathComponent("up.log")
        let up = try FirstHourTests.up(data, port: port, zmq: zmq, log: log, environment: ["ROSTER_BOOTSTRAP_TOKEN": e2eToken, "ROSTER_ADMIN_TOKEN": e2eAdminToken],
                                       extra: ["--users-shards", "3", "--groups-shards", "3"])
        try await withProcess(up) { _ in
            let base = "http://127.0.0.1:\(port)"
            let ready = await eventually(timeout: .seconds(60)) { (try? await TestHTTP(base: base).send("GET", "/readyz").status) == 200 }
            try #require(ready, "\(FirstHourTests.text(log))")
            for file in ["users.sqlite", "users-1.sqlite", "users-2.sqlite", "groups.sqlite", "groups-1.sqlite", "groups-2.sqlite"] {
                #expect(FileManager.default.fileExists(atPath: data.appendingPathComponent(file).path), "no \(file)")
            }
            // One directory (and configuration) on each shard.
            let admin = TestHTTP(base: base, token: e2eAdminToken)
            var tenants: [Int: (directory: String, http: TestHTTP)] = [:]
            var n = 0
            while tenants.count < 3, n < 60 {
                let created = try await admin.send("POST", "/admin/api/v1/configurations", body: #"{"name":"tenant\#(n)","newDirectoryName":"Tenant \#(n)"}"#,
                                                   headers: ["Content-Type": "application/json"])
                n += 1
                let id = try #require(created.object["directoryId"]?.stringValue, "\(created.object)")
                let shard = WorkerClient.shard(for: id, of: 3)
                if tenants[shard] == nil { tenants[shard] = (id, TestHTTP(base: base, token: try #require(created.object["token"]?.stringValue))) }
            }
            try #require(tenants.count == 3, "no directory on every shard after \(n) tries")
            let clients = (0..<3).map { tenants[$0]!.http }
            #expect(await eventually(timeout: .seconds(5)) {
                for client in clients where (try? await client.send("GET", "/scim/v2/Users").status) != 200 { return false }
                return true
            })

            // Each shard's directory: a user in a group; the user deleted leaves the group empty
            // (the users shard's outbox reaches that directory's groups shard).
            var users: [Int: String] = [:]
            for shard in 0..<3 {
                let http = clients[shard]
                let user = try await http.send("POST", "/scim/v2/Users", body: #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"same.name@example.com"}"#, headers: Self.json)
                #expect(user.status == 201, "the same userName in three directories: \(user.object)")
                let id = try #require(user.object["id"]?.stringValue)
                users[shard] = id
                let group = try await http.send("POST", "/scim/v2/Groups", body: #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Team","members":[{"value":"\#(id)"}]}"#,
                                                headers: Self.json)
                #expect(group.status == 201, "\(group.object)")
                let groupID = try #require(group.object["id"]?.stringValue)
                #expect(try await http.send("DELETE", "/scim/v2/Users/\(id)").status == 204)
                let emptied = await eventually(timeout: .seconds(10)) {
                    let read = try? await http.send("GET", "/scim/v2/Groups/\(groupID)")
                    return read?.status == 200 && (read?.object["members"]?.arrayValue ?? []).isEmpty
                }
                #expect(emptied, "shard \(shard): the deleted user is still a member")
                let again = try await http.send("POST", "/scim/v2/Users", body: #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"kept@example.com"}"#, headers: Self.json)
                users[shard] = try #require(again.object["id"]?.stringValue)
            }
            // Isolation: no directory sees another's users.
            for shard in 0..<3 {
                for other in 0..<3 where other != shard {
                    #expect(try await clients[shard].send("GET", "/scim/v2/Users/\(users[other]!)").status == 404)
                }
                #expect(try await clients[shard].send("GET", "/scim/v2/Users").object["totalResults"] == .int(1))
            }

            // Shard 1 dies: the other directories keep answering at once, shard 1's comes back.
            let victims = try Self.pids(data.appendingPathComponent("users-1.sqlite").path)
            try #require(victims.count == 1, "users-1: \(victims)")
            kill(victims[0], SIGKILL)
            let killed = ContinuousClock.now
            var during: [Duration] = []
            for shard in [0, 2] {
                let started = ContinuousClock.now
                var slowest = Duration.zero
                for i in 0..<10 {
                    let one = ContinuousClock.now
                    let reply = try await clients[shard].send("POST", "/scim/v2/Users", body: #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"during\#(i)@example.com"}"#,
                                                              headers: Self.json)
                    slowest = max(slowest, ContinuousClock.now - one)
                    #expect(reply.status == 201, "shard \(shard) while shard 1 is down: \(reply.status)")
                }
                let elapsed = ContinuousClock.now - started
                during.append(elapsed)
                // Each under the worker timeout (5 s): none of them waited on the dead shard. (Each,
                // not their sum: on a machine busy with the rest of the suite ten creates can take
                // seconds without any of them waiting on anything.)
                #expect(slowest < .milliseconds(4500), "shard \(shard): a create took \(slowest) while shard 1 was down (10 took \(elapsed))")
            }
            let back = await eventually(timeout: .seconds(20)) { (try? await clients[1].send("GET", "/scim/v2/Users/\(users[1]!)").status) == 200 }
            print("sharding: 3 users and 3 groups shards, \(n) directories created to cover them; with users-1 SIGKILLed, 10 creates on shard 0 took \(during[0]), on shard 2 \(during[1]); shard 1 answered again after \(ContinuousClock.now - killed)")
            #expect(back, "shard 1's directory did not come back: \(FirstHourTests.text(log).suffix(2000))")
        }
    }

    @Test func aDataDirectoryDoesNotStartOnFewerShardsThanItsDirectoriesAreOn() async throws {
        let directory = try TestProcesses.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = directory.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        try Data("users=3 groups=3\n".utf8).write(to: data.appendingPathComponent("shards"))
        let (status, output) = try await FirstHourTests.roster(["up", "--data-dir", data.path, "--http-port", String(TestProcesses.port()),
                                                                 "--zmq-base-port", String(TestProcesses.consecutivePorts(4))], in: directory)
        #expect(status != 0 && output.contains("has directories on 3 users and 3 groups shards") && output.contains("roster reshard --users-shards 1 --groups-shards 1"), "\(output)")
    }

    @Test func theLayoutPutsShardsOnConsecutivePortsAndKeepsASingleShardsFiles() {
        func layout(_ base: Int, _ users: Int, _ groups: Int) -> [String] {
            ShardLayout(basePort: base, users: users, groups: groups).workers.map { "\($0.name) \($0.port) \($0.storeFile)" }
        }
        #expect(layout(5551, 1, 1) == ["users 5551 users.sqlite", "groups 5552 groups.sqlite", "sync 5553 sync.sqlite", "audit 5554 audit.sqlite"])
        let three = layout(100, 3, 2)
        #expect(three == ["users-0 100 users.sqlite", "users-1 101 users-1.sqlite", "users-2 102 users-2.sqlite", "groups-0 103 groups.sqlite", "groups-1 104 groups-1.sqlite",
                          "sync 105 sync.sqlite", "audit 106 audit.sqlite"])
    }
}
