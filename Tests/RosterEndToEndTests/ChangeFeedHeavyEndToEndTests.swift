import Foundation
import RosterTestSupport
import SCIMCore
import Testing

/// The change feed with real processes (docs/change-feed.md): every effect once, in order per
/// directory, also when each worker is SIGKILLed while events are on their way.
@Suite(.serialized)
struct ChangeFeedHeavyEndToEndTests {
    static let patchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp"

    static func patch(_ operations: String) -> JSONValue { json(#"{"schemas":["\#(patchOp)"],"Operations":\#(operations)}"#) }

    /// The whole feed of a directory, page by page.
    static func feed(_ admin: TestHTTP, _ directory: String) async throws -> [[String: JSONValue]] {
        var events: [[String: JSONValue]] = [], after: Int64 = 0
        while true {
            let page = try await admin.send("GET", "/admin/api/v1/directories/\(directory)/changes?after=\(after)&limit=1000")
            guard page.status == 200 else { throw SCIMError(status: page.status, detail: String(decoding: page.body, as: UTF8.self)) }
            let batch = page.object["events"]?.arrayValue?.compactMap(\.objectValue) ?? []
            if batch.isEmpty { return events }
            events += batch
            after = page.object["next"].flatMap { if case .int(let n) = $0 { n } else { nil } } ?? after
        }
    }

    static func count(_ events: [[String: JSONValue]], _ type: String, _ resource: String? = nil) -> Int {
        events.filter { $0["type"]?.stringValue == type && (resource == nil || $0["resourceId"]?.stringValue == resource) }.count
    }

    @Test func everyEffectAppearsOnceInOrderWhileEachWorkerIsKilledMidFlow() async throws {
        try await withRunningSystem(configure: { $0.feed = true }) { system in
            try #require(await system.ready(), "\(system.logText)")
            let admin = TestHTTP(base: system.http.base, token: e2eAdminToken)
            let okta = try await admin.send("POST", "/admin/api/v1/configurations", body: #"{"name":"okta","directoryId":"default","defaultGroups":["Everyone"]}"#,
                                            headers: ["Content-Type": "application/json"])
            let scim = TestHTTP(base: system.http.base, token: try #require(okta.object["token"]?.stringValue))
            let oktaID = try #require(okta.object["id"]?.stringValue)
            #expect(await eventually(timeout: .seconds(6)) { (try? await scim.send("GET", "/scim/v2/Users"))?.status == 200 })
            var ids: [String] = []
            for i in 0..<12 {
                let created = try await scim.send("POST", "/scim/v2/Users", json: TestHTTP.user("u\(i)@example.com", extra: ["displayName": .string("User \(i)")]))
                #expect(created.status == 201, "\(created.object)")
                ids.append(try #require(created.object["id"]?.stringValue))
            }
            // The sync worker dies: every later event waits in the users and groups outboxes.
            await TestProcesses.stop(system.sync!, signal: SIGKILL)
            for id in ids[0..<4] {
                #expect(try await scim.send("PATCH", "/scim/v2/Users/\(id)", json: Self.patch(#"[{"op":"replace","path":"active","value":false}]"#)).status == 200)
            }
            #expect(try await scim.send("PATCH", "/scim/v2/Users/\(ids[0])", json: Self.patch(#"[{"op":"replace","path":"active","value":true}]"#)).status == 200)
            for id in ids[4..<6] {
                #expect(try await scim.send("PATCH", "/scim/v2/Users/\(id)", json: Self.patch(#"[{"op":"replace","path":"userName","value":"renamed-\#(id)@example.com"}]"#)).status == 200)
            }
            #expect(try await scim.send("PATCH", "/scim/v2/Users/\(ids[6])", json: Self.patch(#"[{"op":"replace","path":"title","value":"Guide"}]"#)).status == 200)
            let group = try await scim.send("POST", "/scim/v2/Groups", json: .object([
                "schemas": .array([.string(CoreSchemas.groupURN)]), "displayName": .string("Admins"),
                "members": .array(ids[0..<3].map { .object(["value": .string($0)]) }),
            ]))
            let groupID = try #require(group.object["id"]?.stringValue)
            #expect(try await scim.send("PATCH", "/scim/v2/Groups/\(groupID)", json: Self.patch(#"[{"op":"replace","path":"displayName","value":"Administrators"}]"#)).status == 200)
            let membership = try await scim.send("PATCH", "/scim/v2/Groups/\(groupID)", json: Self.patch(#"[{"op":"add","path":"members","value":[{"value":"\#(ids[7])"}]},{"op":"remove","path":"members[value eq \"\#(ids[1])\"]"}]"#))
            #expect([200, 204].contains(membership.status), "\(membership.status) \(membership.object)")
            // With events pending in its outbox, the users worker is killed, and so is the groups worker.
            await TestProcesses.stop(system.users!, signal: SIGKILL)
            try system.startUsers()
            #expect(await eventually(timeout: .seconds(20)) { (try? await scim.send("DELETE", "/scim/v2/Users/\(ids[2])"))?.status == 204 })
            await TestProcesses.stop(system.groups!, signal: SIGKILL)
            try system.startGroups()
            try system.startSync()
            #expect(await eventually(timeout: .seconds(20)) {
                (try? await admin.send("POST", "/admin/api/v1/directories/default/logins", body: #"{"logins":[{"userName":"u8@example.com","at":"2026-11-30T09:00:00Z"}]}"#,
                                       headers: ["Content-Type": "application/json"]))?.status == 200
            })
            // A burst of writes, and the sync worker killed again while it appends them.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<40 {
                    group.addTask { _ = try await scim.send("POST", "/scim/v2/Users", json: TestHTTP.user("burst\(i)@example.com")) }
                }
                group.addTask {
                    try await Task.sleep(for: .milliseconds(150))
                    await TestProcesses.stop(system.sync!, signal: SIGKILL)
                }
                try await group.waitForAll()
            }
            try system.startSync()
            // The deleted user's memberships go (the users outbox reaches the restarted groups worker), then the group.
            #expect(await eventually(timeout: .seconds(20)) {
                guard let reply = try? await scim.send("GET", "/scim/v2/Groups/\(groupID)"), reply.status == 200 else { return false }
                return reply.object["members"]?.arrayValue?.count == 2
            })
            #expect(try await scim.send("DELETE", "/scim/v2/Groups/\(groupID)").status == 204)

            let users = try await scim.send("GET", "/scim/v2/Users?count=500").object["Resources"]?.arrayValue?.compactMap { $0.objectValue?["id"]?.stringValue } ?? []
            #expect(users.count == 51, "12 + 40 created, one deleted")
            // Everything arrives: one user.created per user, one group.deleted at the end.
            var events: [[String: JSONValue]] = []
            let settled = await eventually(timeout: .seconds(40)) {
                events = (try? await Self.feed(admin, "default")) ?? []
                return Self.count(events, "group.deleted") == 1 && Self.count(events, "user.created") == 52
                    && Self.count(events, "group.member.added", nil) >= 52 + 3 + 1 && Self.count(events, "group.member.removed") >= 3
            }
            #expect(settled, "\(events.count) events; \(system.logText.suffix(3000))")
            // Exactly once: numbered 1…n without a gap, no event id twice.
            #expect(events.compactMap { $0["seq"] } == (1...events.count).map { JSONValue.int(Int64($0)) })
            #expect(Set(events.compactMap { $0["id"]?.stringValue }).count == events.count)
            for id in users + [ids[2]] { #expect(Self.count(events, "user.created", id) == 1, "\(id)") }
            #expect(Self.count(events, "user.disabled") == 4 && Self.count(events, "user.enabled") == 1)
            #expect(Self.count(events, "user.renamed") == 2 && Self.count(events, "user.updated") == 1)
            #expect(Self.count(events, "user.deleted", ids[2]) == 1 && Self.count(events, "user.login") == 1)
            #expect(Self.count(events, "group.created") == 2, "Everyone (a default group) and Admins")
            #expect(Self.count(events, "group.renamed", groupID) == 1)
            // Default-group joins: every user joined Everyone once; the deleted user left both groups.
            let everyone = try #require(events.first { $0["type"]?.stringValue == "group.created" && $0["data"]?.objectValue?["displayName"] == .string("Everyone") })
            let everyoneID = try #require(everyone["resourceId"]?.stringValue)
            #expect(Self.count(events, "group.member.added", everyoneID) == 52)
            #expect(Self.count(events, "group.member.added", groupID) == 4 && Self.count(events, "group.member.removed", groupID) == 2, "u0–u2, then u7; u1 out, then u2 deleted")
            #expect(Self.count(events, "group.member.removed", everyoneID) == 1)
            // In order per resource: versions never go back, and a deletion is its resource's last event.
            var byResource: [String: [[String: JSONValue]]] = [:]
            for e in events { byResource[e["resourceId"]?.stringValue ?? "", default: []].append(e) }
            for (resource, list) in byResource {
                let versions = list.compactMap { e -> Int64? in if case .int(let v)? = e["version"] { v } else { nil } }.filter { $0 > 0 }
                #expect(versions == versions.sorted(), "\(resource): \(versions)")
                if let deleted = list.firstIndex(where: { $0["type"]?.stringValue?.hasSuffix(".deleted") == true }) { #expect(deleted == list.count - 1, "\(resource)") }
            }
            // The IdP that caused each SCIM effect is named; the operator's sign-in report names none.
            #expect(events.filter { $0["type"]?.stringValue == "user.created" }.allSatisfy { $0["configurationId"] == .string(oktaID) })
            #expect(events.first { $0["type"]?.stringValue == "user.login" }?["configurationId"] == nil)

            // Cursors: a page after the head is empty, a long-poll waits for the next event, a cursor beyond the head is a 410.
            let head = Int64(events.count)
            let started = ContinuousClock.now
            async let waited = admin.send("GET", "/admin/api/v1/directories/default/changes?after=\(head)&wait=10")
            try await Task.sleep(for: .milliseconds(500))
            #expect(try await scim.send("PATCH", "/scim/v2/Users/\(ids[9])", json: Self.patch(#"[{"op":"replace","path":"title","value":"Late"}]"#)).status == 200)
            let late = try await waited
            #expect(late.object["events"]?.arrayValue?.first?.objectValue?["type"] == .string("user.updated"), "\(late.object)")
            #expect(ContinuousClock.now - started < .seconds(9), "answered when the event came, not at the end of the wait")
            let beyond = try await admin.send("GET", "/admin/api/v1/directories/default/changes?after=\(head + 100)")
            #expect(beyond.status == 410 && beyond.object["detail"]?.stringValue?.contains("Read the directory anew") == true, "\(beyond.object)")
            for query in ["after=-1", "limit=1001", "wait=26", "after=abc"] {
                let bad = try await admin.send("GET", "/admin/api/v1/directories/default/changes?\(query)")
                #expect(bad.status == 400 && bad.object["scimType"] == .string("invalidValue"), "\(query): \(bad.object)")
            }
            #expect(try await scim.send("GET", "/admin/api/v1/directories/default/changes").status == 401, "an IdP token does not read the feed")
            // Webhooks may not reach into Roster's own network unless the operator allows it.
            for url in ["http://127.0.0.1:9/hook", "http://localhost:9/hook", "http://169.254.169.254/latest/meta-data", "file:///etc/passwd"] {
                let refused = try await admin.send("POST", "/admin/api/v1/directories/default/webhooks", body: #"{"url":"\#(url)"}"#, headers: ["Content-Type": "application/json"])
                #expect(refused.status == 400 && refused.object["scimType"] == .string("invalidValue"), "\(url): \(refused.object)")
            }
        }
    }
}
