import Foundation
import RosterTestSupport
import SCIMCore
import Synchronization
import Testing

/// docs/design.md §9: a worker asked to stop finishes and acknowledges what it committed. Under write
/// load each kind of worker gets SIGTERM and is started again; afterwards every write that was
/// answered 2xx is in the store, and every write answered with an error (503 refused while
/// stopping, 504 lost in transit) is not: an applied write is never reported as failed.
@Suite(.serialized)
struct GracefulShutdownEndToEndTests {
    /// What one worker kind writes and how a write is found again.
    struct Kind: Sendable, CustomStringConvertible {
        var name: String
        var create: @Sendable (TestHTTP, TestHTTP, String) async throws -> Int
        /// How many of the names are stored, by name.
        var stored: @Sendable (TestHTTP, TestHTTP, [String]) async throws -> [String: Int]
        var description: String { name }
    }

    static let kinds: [Kind] = [
        Kind(name: "users", create: { scim, _, name in
            try await scim.send("POST", "/scim/v2/Users", json: TestHTTP.user(name)).status
        }, stored: { scim, _, names in
            try await counts(names) { try await total(scim, "/scim/v2/Users", filter: #"userName eq "\#($0)""#) }
        }),
        Kind(name: "groups", create: { scim, _, name in
            try await scim.send("POST", "/scim/v2/Groups", json: .object([
                "schemas": .array([.string(CoreSchemas.groupURN)]), "displayName": .string(name),
            ])).status
        }, stored: { scim, _, names in
            try await counts(names) { try await total(scim, "/scim/v2/Groups", filter: #"displayName eq "\#($0)""#) }
        }),
        Kind(name: "sync", create: { _, admin, name in
            try await admin.send("POST", "/admin/api/v1/directories", json: .object(["name": .string(name)])).status
        }, stored: { _, admin, _ in
            let all = try await admin.send("GET", "/admin/api/v1/directories").object["directories"]?.arrayValue ?? []
            return Dictionary(all.compactMap { $0.objectValue?["name"]?.stringValue }.map { ($0, 1) }, uniquingKeysWith: +)
        }),
    ]

    final class Outcomes: Sendable {
        private let writes = Mutex<[(name: String, status: Int)]>([])
        func add(_ name: String, _ status: Int) { writes.withLock { $0.append((name, status)) } }
        var all: [(name: String, status: Int)] { writes.withLock { $0 } }
        var acknowledged: Int { writes.withLock { $0.filter { (200..<300).contains($0.status) }.count } }
    }

    static func counts(_ names: [String], _ count: (String) async throws -> Int) async throws -> [String: Int] {
        var out: [String: Int] = [:]
        for name in names { out[name] = try await count(name) }
        return out
    }

    static func total(_ http: TestHTTP, _ path: String, filter: String) async throws -> Int {
        let query = filter.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let reply = try await http.send("GET", "\(path)?filter=\(query)&count=0")
        guard reply.status == 200, case .int(let n)? = reply.object["totalResults"] else { return -1 }
        return Int(n)
    }

    @Test(arguments: kinds)
    func everyAcknowledgedWriteIsKeptAndNoAppliedWriteIsReportedFailedWhenAWorkerIsTerminated(_ kind: Kind) async throws {
        // A deadline well beyond a commit on a machine busy with other tests: a commit slower than
        // the worker's expiry margin is the one case a deadline cannot cover.
        try await withRunningSystem(configure: { $0.workerTimeoutMilliseconds = 10_000 }) { system in
            try #require(await system.ready(), "\(system.logText)")
            let scim = system.http
            let admin = TestHTTP(base: scim.base, token: e2eAdminToken)
            let outcomes = Outcomes()
            // At least 2 s, and until 10 writes were acknowledged (at most 30 s): with the rest of
            // the suite beside, a busy machine may acknowledge only a few writes a second.
            let started = ContinuousClock.now
            let restarted = Shared(false)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addLoad(clients: 4, while: {
                    let elapsed = ContinuousClock.now - started
                    let enough = outcomes.acknowledged >= 10 && restarted.value.withLock { $0 }
                    return elapsed < .seconds(2) || (!enough && elapsed < .seconds(30))
                }) { client, n in
                    let name = "gs-\(kind.name)-\(client)-\(n)"
                    let status = (try? await kind.create(scim, admin, name)) ?? 0
                    outcomes.add(name, status)
                    if status >= 500 { try await Task.sleep(for: .milliseconds(20)) }
                }
                group.addTask {
                    // Terminated under load: once some writes went through (at least 600 ms in).
                    try await Task.sleep(for: .milliseconds(600))
                    while outcomes.acknowledged < 3, ContinuousClock.now - started < .seconds(20) { try await Task.sleep(for: .milliseconds(50)) }
                    let process = try #require(kind.name == "users" ? system.users : kind.name == "groups" ? system.groups : system.sync)
                    #expect(await TestProcesses.stop(process, signal: SIGTERM) == 0, "\(kind.name) did not exit cleanly on SIGTERM")
                    switch kind.name {
                    case "users": try system.startUsers()
                    case "groups": try system.startGroups()
                    default: try system.startSync()
                    }
                    restarted.value.withLock { $0 = true }
                }
                try await group.waitForAll()
            }
            try #require(await system.ready(), "\(system.logText)")
            let all = outcomes.all
            let acknowledged = all.filter { (200..<300).contains($0.status) }
            let failed = all.filter { !(200..<300).contains($0.status) }
            #expect(acknowledged.count >= 10, "too little load to mean anything: \(all.count) writes")
            #expect(failed.allSatisfy { [503, 504].contains($0.status) }, "unexpected answers: \(Set(failed.map(\.status)))")
            let stored = try await kind.stored(scim, admin, all.map(\.name))
            for write in acknowledged {
                #expect(stored[write.name] == 1, "\(write.name) was answered \(write.status) but is not stored")
            }
            // A refusal (503) is never applied. A 504 ("may or may not have been applied") is
            // counted, not asserted: a write whose reply was lost while its worker stopped can still
            // be applied (a worker killed outright is KillDuringWritesHeavyEndToEndTests' case).
            for write in failed where write.status == 503 {
                #expect(stored[write.name, default: 0] == 0, "\(write.name) was answered 503 but was applied")
            }
            let appliedTimeouts = failed.filter { $0.status == 504 && stored[$0.name, default: 0] == 1 }.count
            print("graceful \(kind.name): \(acknowledged.count) acknowledged, \(failed.count) refused (\(failed.filter { $0.status == 503 }.count) × 503, \(failed.filter { $0.status == 504 }.count) × 504, of which \(appliedTimeouts) applied)")
        }
    }
}
