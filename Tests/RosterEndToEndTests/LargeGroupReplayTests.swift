import Foundation
import RosterTestSupport
import SCIMCore
import Testing

/// Groups of 150 and 2,000 members, pushed and then changed one member at a time in the shapes
/// Okta and Entra send (the Okta and Entra fixtures' group flows, at the sizes admins run): each
/// single-member change answers 204 with no body, whatever the group's size, and the group ends
/// with exactly the members the changes leave.
@Suite(.serialized)
struct LargeGroupReplayTests {
    static let okta = ["User-Agent": "Okta SCIM Client 1.0.0", "Content-Type": "application/scim+json; charset=utf-8"]
    static let entra = ["User-Agent": "Microsoft.Identity.ProvisioningService", "Content-Type": "application/scim+json"]

    @Test(arguments: [150, 2000])
    func singleMemberChangesOnAGroupOfThisSizeAnswerInConstantSize(_ size: Int) async throws {
        try await withRunningSystem { system in
            try #require(await system.ready(), "\(system.logText)")
            let http = system.http
            // The users, created as Okta creates them, eight at a time.
            let ids = try await withThrowingTaskGroup(of: (Int, String).self) { group in
                var ids = [String](repeating: "", count: size + 2)
                var next = 0
                func add(_ n: Int) {
                    group.addTask {
                        let reply = try await http.send("POST", "/scim/v2/Users", body: """
                            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"member\(n)@example.com",\
                            "name":{"givenName":"Member","familyName":"\(n)"},"active":true}
                            """, headers: Self.okta)
                        guard reply.status == 201, let id = reply.object["id"]?.stringValue else { throw Failure("create \(n): \(reply.status)") }
                        return (n, id)
                    }
                }
                while next < min(8, size + 2) { add(next); next += 1 }
                while let (n, id) = try await group.next() {
                    ids[n] = id
                    if next < size + 2 { add(next); next += 1 }
                }
                return ids
            }
            let members = ids.prefix(size).map { #"{"value":"\#($0)","display":"member"}"# }.joined(separator: ",")
            // Okta's group push: the group with every member.
            let created = try await http.send("POST", "/scim/v2/Groups", body: """
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Large \(size)","members":[\(members)]}
                """, headers: Self.okta)
            try #require(created.status == 201, "\(created.status)")
            let group = try #require(created.object["id"]?.stringValue)
            let (extra, another) = (ids[size], ids[size + 1])
            let changes: [(String, [String: String], String)] = [
                ("Entra adds one member", Self.entra, #"{"op":"Add","path":"members","value":[{"value":"\#(extra)"}]}"#),
                ("Entra removes one member by value list", Self.entra, #"{"op":"Remove","path":"members","value":[{"value":"\#(ids[0])"}]}"#),
                ("Okta removes one and adds one", Self.okta,
                 #"{"op":"remove","path":"members[value eq \"\#(ids[1])\"]"},{"op":"add","path":"members","value":[{"value":"\#(another)","display":"x"}]}"#),
            ]
            for (name, headers, operations) in changes {
                let reply = try await http.send("PATCH", "/scim/v2/Groups/\(group)", body: """
                    {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[\(operations)]}
                    """, headers: headers)
                #expect(reply.status == 204, "\(name): \(reply.status)")
                #expect(reply.body.isEmpty, "\(name): \(reply.body.count) bytes for a group of \(size)")
                #expect(reply.header("ETag") != nil, "\(name): no ETag")
            }
            // Entra's membership check: one group, without its members.
            let check = try await http.send(
                "GET", "/scim/v2/Groups?filter=id%20eq%20%22\(group)%22%20and%20members%5Bvalue%20eq%20%22\(extra)%22%5D&excludedAttributes=members", headers: Self.entra)
            #expect(check.object["totalResults"] == .int(1))
            #expect(check.body.count < 1_000, "the check reads \(check.body.count) bytes")
            let read = try await http.send("GET", "/scim/v2/Groups/\(group)")
            let values = Set((read.object["members"]?.arrayValue ?? []).compactMap { $0.objectValue?["value"]?.stringValue })
            #expect(values == Set(ids.dropFirst(2).prefix(size - 2) + [extra, another]), "the group has \(values.count) members, not \(size)")
            print("large-group \(size): created with \(created.body.count) bytes; 3 single-member changes answered 204 with 0 bytes; final read \(read.body.count) bytes")
        }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
