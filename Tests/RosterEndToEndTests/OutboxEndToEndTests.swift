import Foundation
import RosterTestSupport
import SCIMCore
import Testing

/// docs/design.md §3 with real processes: effects of user changes on groups survive a groups worker that is down.
@Suite(.serialized)
struct OutboxEndToEndTests {
    @Test func deletionsWhileTheGroupsWorkerIsDownReachTheGroupsAfterItsRestart() async throws {
        try await withRunningSystem { system in
            #expect(await system.ready(), "\(system.logText)")
            let http = system.http

            var ids: [String] = []
            for i in 0..<20 {
                let created = try await http.send("POST", "/scim/v2/Users", json: TestHTTP.user("member\(i)@example.com"))
                ids.append(try #require(created.object["id"]?.stringValue))
            }
            let group = try await http.send("POST", "/scim/v2/Groups", json: .object([
                "schemas": .array([.string(CoreSchemas.groupURN)]), "displayName": .string("Everyone"),
                "members": .array(ids.map { .object(["value": .string($0)]) }),
            ]))
            #expect(group.status == 201, "\(group.object)")
            let groupID = try #require(group.object["id"]?.stringValue)
            // Streamed in pages of 7 (this system's setting): 20 members arrive whole, valid JSON, each once.
            let streamed = try await http.send("GET", "/scim/v2/Groups/\(groupID)")
            #expect(streamed.header("Content-Length") == nil)
            #expect(Set(streamed.object["members"]?.arrayValue?.compactMap { $0.objectValue?["value"]?.stringValue } ?? []) == Set(ids))
            #expect(streamed.object["members"]?.arrayValue?.count == 20 && streamed.object["displayName"] == .string("Everyone"))
            let lean = try await http.send("GET", "/scim/v2/Groups/\(groupID)?excludedAttributes=members")
            #expect(lean.object["members"] == nil && lean.object["displayName"] == .string("Everyone"))
            let projected = try await http.send("GET", "/scim/v2/Groups/\(groupID)?attributes=members.value")
            #expect(projected.object["members"]?.arrayValue?.count == 20 && projected.object["displayName"] == nil)
            #expect(projected.object["members"]?.arrayValue?.allSatisfy { $0.objectValue?.keys.sorted() == ["value"] } == true)
            let member = try await http.send("GET", "/scim/v2/Users/\(ids[0])")
            #expect(member.object["groups"]?.arrayValue?.first?.objectValue?["value"] == .string(groupID))
            let unknown = try await http.send("PATCH", "/scim/v2/Groups/\(groupID)", json: json(#"""
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":"no-such-user"}]}]}
                """#))
            #expect(unknown.status == 400 && unknown.object["detail"]?.stringValue?.contains("no-such-user") == true)

            // The groups worker dies; users are deleted and one renamed meanwhile.
            await TestProcesses.stop(system.groups!, signal: SIGKILL)
            for id in ids[..<10] {
                #expect(try await http.send("DELETE", "/scim/v2/Users/\(id)").status == 204)
            }
            let rename = try await http.send("PATCH", "/scim/v2/Users/\(ids[10])", json: json(#"""
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"Renamed Member"}]}
                """#))
            #expect(rename.status == 200 && rename.object["groups"] == nil, "a committed change answers 200, without the groups it cannot read now")
            #expect(try await http.send("GET", "/scim/v2/Groups/\(groupID)").status == 503)

            // Back up: every deletion and the rename arrive, once.
            try system.startGroups()
            let settled = await eventually(timeout: .seconds(30)) {
                guard let reply = try? await http.send("GET", "/scim/v2/Groups/\(groupID)"), reply.status == 200 else { return false }
                return reply.object["members"]?.arrayValue?.count == 10
            }
            #expect(settled, "\(system.logText)")
            let final = try await http.send("GET", "/scim/v2/Groups/\(groupID)")
            let values = Set(final.object["members"]?.arrayValue?.compactMap { $0.objectValue?["value"]?.stringValue } ?? [])
            #expect(values == Set(ids[10...]))
            let renamed = final.object["members"]?.arrayValue?.first { $0.objectValue?["value"] == .string(ids[10]) }
            #expect(renamed?.objectValue?["display"] == .string("Renamed Member"))
            #expect(try await http.send("GET", "/scim/v2/Groups?filter=members.value%20eq%20%22\(ids[0])%22").object["totalResults"] == .int(0))

            // The producer dies between its write and the consumer's acknowledgement: the consumer is
            // frozen (SIGSTOP) so the event cannot be acknowledged, then the users worker is killed.
            kill(system.groups!.processIdentifier, SIGSTOP)
            #expect(try await http.send("DELETE", "/scim/v2/Users/\(ids[11])").status == 204)
            await TestProcesses.stop(system.users!, signal: SIGKILL)
            kill(system.groups!.processIdentifier, SIGCONT)
            try system.startUsers()
            let delivered = await eventually(timeout: .seconds(30)) {
                guard let reply = try? await http.send("GET", "/scim/v2/Groups/\(groupID)"), reply.status == 200 else { return false }
                return reply.object["members"]?.arrayValue?.count == 9
            }
            #expect(delivered, "the committed deletion was relayed after the users worker restarted")
        }
    }
}
