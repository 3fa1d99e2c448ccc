import Foundation
import RosterTestSupport
import SCIMCore
import Synchronization
import Testing

/// DESIGN §2's idempotency keys, tried the hard way: the users worker is SIGKILLed again and again
/// while creates and PATCHes run. A write whose worker died with it in hand is resent once with the
/// same key; the restarted worker answers the first result if it had committed it. So every answer
/// an IdP sees matches the store, a create is never answered 409 for a user the same request
/// created, and a PATCH is never applied twice. "Heavy": four restarts of a worker under load, in the
/// serial phase of scripts/test, where the rest of the suite cannot starve its load of the cores.
@Suite(.serialized)
struct KillDuringWritesHeavyEndToEndTests {
    final class Log: Sendable {
        let creates = Mutex<[(name: String, status: Int, id: String?)]>([])
        let patches = Mutex<[String: [Int]]>([:])
    }

    @Test func workersKilledMidWriteNeverApplyTwiceAndEveryAnswerMatchesTheStore() async throws {
        try await withRunningSystem(configure: { $0.workerTimeoutMilliseconds = 8000 }) { system in
            try #require(await system.ready(), "\(system.logText)")
            let scim = system.http
            // One user per PATCH client, created before the kills start.
            var patchTargets: [String] = []
            for i in 0..<3 {
                let created = try await scim.send("POST", "/scim/v2/Users", json: TestHTTP.user("kill.patch.\(i)"))
                try #require(created.status == 201)
                patchTargets.append(try #require(created.object["id"]?.stringValue))
            }
            let log = Log()
            // The kills end by 4.8 s; writes go on after them, so that a machine busy with the rest
            // of the suite still acknowledges enough of them to mean something.
            let loadEnds = ContinuousClock.now + .seconds(10)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addLoad(clients: 3, until: loadEnds) { client, n in
                    let name = "kill.create.\(client).\(n)"
                    let reply = try? await scim.send("POST", "/scim/v2/Users", json: TestHTTP.user(name))
                    log.creates.withLock { $0.append((name, reply?.status ?? 0, reply?.object["id"]?.stringValue)) }
                }
                for target in patchTargets {
                    group.addTask {
                        while ContinuousClock.now < loadEnds {
                            let patch: JSONValue = .object([
                                "schemas": .array([.string("urn:ietf:params:scim:api:messages:2.0:PatchOp")]),
                                "Operations": .array([.object(["op": .string("replace"), "path": .string("displayName"), "value": .string(UUID().uuidString)])]),
                            ])
                            let status = (try? await scim.send("PATCH", "/scim/v2/Users/\(target)", json: patch).status) ?? 0
                            log.patches.withLock { $0[target, default: []].append(status) }
                        }
                    }
                }
                group.addTask {
                    for _ in 0..<4 {
                        try await Task.sleep(for: .milliseconds(1200))
                        let users = try #require(system.users)
                        _ = await TestProcesses.stop(users, signal: SIGKILL)
                        try system.startUsers()
                    }
                }
                try await group.waitForAll()
            }
            try #require(await system.ready(), "\(system.logText)")

            let creates = log.creates.withLock { $0 }
            let acknowledged = creates.filter { $0.status == 201 }
            #expect(acknowledged.count >= 10, "too little load to mean anything: \(creates.count) creates")
            #expect(!creates.contains { $0.status == 409 }, "a create was answered 409: its own first delivery had created the user")
            #expect(creates.allSatisfy { [201, 503, 504].contains($0.status) }, "unexpected answers: \(Set(creates.map(\.status)))")
            for create in creates {
                let query = "userName eq \"\(create.name)\"".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                let found = try await scim.send("GET", "/scim/v2/Users?filter=\(query)")
                let ids = (found.object["Resources"]?.arrayValue ?? []).compactMap { $0.objectValue?["id"]?.stringValue }
                if create.status == 201 {
                    #expect(ids == [create.id].compactMap { $0 }, "\(create.name) was answered 201 with \(create.id ?? "?") but the store has \(ids)")
                } else if create.status == 503 {
                    #expect(ids.isEmpty, "\(create.name) was refused (503) but is stored")
                }
            }
            // A PATCH applied twice would leave the version above 1 + the PATCHes that applied.
            var patchCounts: [Int] = []
            for target in patchTargets {
                let statuses = log.patches.withLock { $0[target] ?? [] }
                let ok = statuses.filter { $0 == 200 }.count
                let unknown = statuses.filter { $0 == 504 }.count
                patchCounts.append(statuses.count)
                let version = try await scim.send("GET", "/scim/v2/Users/\(target)").header("ETag") ?? ""
                let applied = Int(version.filter(\.isNumber)).map { $0 - 1 } ?? -1
                #expect(applied >= ok && applied <= ok + unknown, "\(target): \(ok) PATCHes answered 200, \(unknown) 504, but \(applied) applied (ETag \(version))")
                #expect(statuses.allSatisfy { [200, 503, 504].contains($0) }, "unexpected PATCH answers: \(Set(statuses))")
            }
            let lost = creates.filter { $0.status == 504 }.count + log.patches.withLock { $0.values.joined().filter { $0 == 504 }.count }
            // The worker died with these in hand and was back well within the deadline: each was
            // resent and answered for real (without the resend, about 15 of them are 504s here).
            #expect(lost == 0, "\(lost) writes were answered 504 although their worker came back in time")
            print("kill-during-writes: creates \(creates.count) (201: \(acknowledged.count), 503: \(creates.filter { $0.status == 503 }.count), 504: \(creates.filter { $0.status == 504 }.count)); patches \(patchCounts.reduce(0, +)); 504s in all: \(lost); 4 SIGKILLs")
        }
    }
}
