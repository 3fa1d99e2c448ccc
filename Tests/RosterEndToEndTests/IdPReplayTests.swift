import Foundation
import RosterTestSupport
import SCIMCore
import Testing

/// What Okta and Entra ID send (their published provisioning request shapes), replayed against the real processes.
@Suite(.serialized)
struct IdPReplayTests {
    func withSystem(_ body: (TestHTTP) async throws -> Void) async throws {
        try await withRunningSystem { system in
            #expect(await system.ready(), "\(system.logText)")
            try await body(system.http)
        }
    }

    @Test func oktaProvisioningFlow() async throws {
        try await withSystem { http in
            let okta = ["User-Agent": "Okta SCIM Client 1.0.0", "Accept": "application/scim+json", "Content-Type": "application/scim+json; charset=utf-8"]
            // 1. Lookup on the unique attribute: an empty ListResponse with integer counts.
            let lookup = try await http.send("GET", "/scim/v2/Users?filter=userName%20eq%20%22test.user%40okta.local%22&startIndex=1&count=100", headers: okta)
            #expect(lookup.body == Data(#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"itemsPerPage":0,"startIndex":1,"totalResults":0,"Resources":[]}"#.utf8))
            // 2. Create, with the placeholder password Okta always sends.
            let create = try await http.send("POST", "/scim/v2/Users", body: #"""
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"test.user@okta.local",
                 "name":{"givenName":"Test","familyName":"User"},"emails":[{"primary":true,"value":"test.user@okta.local","type":"work"}],
                 "displayName":"Test User","locale":"en-US","externalId":"00ujl29u0le5T6Aj10h7","groups":[],"password":"1mz050nq","active":true}
                """#, headers: okta)
            #expect(create.status == 201)
            let id = try #require(create.object["id"]?.stringValue)
            // 3. A duplicate: 409 uniqueness.
            let again = try await http.send("POST", "/scim/v2/Users", body: #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"TEST.USER@okta.local"}"#, headers: okta)
            #expect(again.status == 409 && again.object["scimType"] == .string("uniqueness"))
            // 4. Profile update: GET, then PUT of the whole object with id, groups and meta.
            var full = try #require(try await http.send("GET", "/scim/v2/Users/\(id)", headers: okta).object as [String: JSONValue]?)
            full["displayName"] = .string("Test U. User")
            full["groups"] = .array([])
            let put = try await http.send("PUT", "/scim/v2/Users/\(id)", json: .object(full), headers: okta)
            #expect(put.status == 200 && put.object["displayName"] == .string("Test U. User") && put.object["id"] == .string(id))
            // 5. Deactivate: path-less replace.
            let deactivate = try await http.send("PATCH", "/scim/v2/Users/\(id)", body: #"""
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]}
                """#, headers: okta)
            #expect(deactivate.status == 200 && deactivate.object["active"] == .bool(false))
            #expect(deactivate.header("ETag") == "W/\"3\"")
        }
    }

    @Test func entraProvisioningFlow() async throws {
        try await withSystem { http in
            // Test Connection: a random GUID as externalId gives an empty list.
            let probe = try await http.send("GET", "/scim/v2/Users?filter=externalId%20eq%20%22\(UUID().uuidString)%22")
            #expect(probe.status == 200 && probe.object["totalResults"] == .int(0))
            let create = try await http.send("POST", "/scim/v2/Users", body: #"""
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
                 "externalId":"0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef","userName":"Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1","active":true,
                 "emails":[{"primary":true,"type":"work","value":"Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com"}],
                 "meta":{"resourceType":"User"},"name":{"formatted":"givenName familyName","familyName":"familyName","givenName":"givenName"},"roles":[]}
                """#, headers: ["Content-Type": "application/scim+json"])
            #expect(create.status == 201, "\(create.object)")
            let id = try #require(create.object["id"]?.stringValue)
            // Capitalised ops, a filtered value path, the enterprise colon path, and "False" as a string.
            let update = try await http.send("PATCH", "/scim/v2/Users/\(id)", body: #"""
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
                 {"op":"Replace","path":"emails[type eq \"work\"].value","value":"updatedEmail@microsoft.com"},
                 {"op":"Replace","path":"name.familyName","value":"updatedFamilyName"},
                 {"op":"Add","path":"nickName","value":"Babs"},
                 {"op":"Add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber","value":"701984"},
                 {"op":"Add","path":"phoneNumbers[type eq \"mobile\"].value","value":"+1 555 0100"}]}
                """#, headers: ["Content-Type": "application/scim+json"])
            #expect(update.status == 200, "\(update.object)")
            #expect(update.object["emails"] == json(#"[{"primary":true,"type":"work","value":"updatedEmail@microsoft.com"}]"#))
            #expect(update.object["phoneNumbers"] == json(#"[{"type":"mobile","value":"+1 555 0100"}]"#))
            #expect(update.object[CoreSchemas.enterpriseUserURN]?.objectValue?["employeeNumber"] == .string("701984"))
            // Uniqueness through the filter Entra uses for email matching.
            let byEmail = try await http.send("GET", "/scim/v2/Users?filter=emails%5Btype%20eq%20%22work%22%5D.value%20eq%20%22updatedemail%40microsoft.com%22")
            #expect(byEmail.object["totalResults"] == .int(1))
            let disable = try await http.send("PATCH", "/scim/v2/Users/\(id)", body: #"""
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"active","value":"False"}]}
                """#, headers: ["Content-Type": "application/scim+json"])
            #expect(disable.object["active"] == .bool(false))
            let inactive = try await http.send("GET", "/scim/v2/Users?filter=active%20eq%20false&excludedAttributes=emails,name")
            #expect(inactive.object["totalResults"] == .int(1))
            #expect(inactive.object["Resources"]?.arrayValue?.first?.objectValue?["emails"] == nil)
            #expect(try await http.send("DELETE", "/scim/v2/Users/\(id)").status == 204)
            #expect(try await http.send("GET", "/scim/v2/Users/\(id)").status == 404)
        }
    }

    /// Entra's paths as it sends them: a lower-case endpoint, a trailing slash; ids keep their case.
    @Test func entraLowerCaseEndpointsAndTrailingSlashesReachTheSameResources() async throws {
        try await withSystem { http in
            let entra = ["User-Agent": "Microsoft.Identity.ProvisioningService"]
            let created = try await http.send("POST", "/scim/v2/users", json: TestHTTP.user("case.paths@contoso.com"), headers: entra)
            #expect(created.status == 201)
            let id = try #require(created.object["id"]?.stringValue)
            #expect(try await http.send("GET", "/scim/v2/users/\(id)", headers: entra).status == 200)
            #expect(try await http.send("GET", "/scim/v2/Users/\(id)/", headers: entra).status == 200, "a trailing slash")
            #expect(try await http.send("GET", "/scim/v2/USERS?filter=userName%20eq%20%22case.paths%40contoso.com%22", headers: entra).object["totalResults"] == .int(1))
            #expect(try await http.send("GET", "/scim/v2/serviceproviderconfig", headers: entra).status == 200)
            let upper = try await http.send("GET", "/scim/v2/Users/\(id.uppercased())", headers: entra)
            // Roster's ids are UUIDs, read case-insensitively on input (RFC 4122 §3), always written in lower case.
            #expect(upper.status == 200 && upper.object["id"] == .string(id))
            // Entra's group: the ADSCIM marker schema, and a manager sent as a bare id.
            let group = try await http.send("POST", "/scim/v2/groups", body: #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group","http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],"externalId":"8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159","displayName":"Group1","members":[]}"#, headers: entra.merging(["Content-Type": "application/scim+json"]) { $1 })
            #expect(group.status == 201, "\(group.object)")
            let manager = try await http.send("PATCH", "/scim/v2/Users/\(id)", body: #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":"\#(id)"}]}"#, headers: entra.merging(["Content-Type": "application/scim+json"]) { $1 })
            #expect(manager.status == 200, "\(manager.object)")
            #expect(manager.object["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]?.objectValue?["manager"]?.objectValue?["value"] == .string(id))
        }
    }

    /// A membership PATCH answers 204, in constant size, unless the client asks for the group.
    @Test func membershipPatchesAnswer204UnlessTheClientAsksForTheGroup() async throws {
        try await withSystem { http in
            let user = try #require(try await http.send("POST", "/scim/v2/Users", json: TestHTTP.user("member.204@contoso.com")).object["id"]?.stringValue)
            let group = try #require(try await http.send("POST", "/scim/v2/Groups", json: .object([
                "schemas": .array([.string(CoreSchemas.groupURN)]), "displayName": .string("Constant size"),
            ])).object["id"]?.stringValue)
            func patch(_ operations: String, query: String = "", headers: [String: String] = [:]) async throws -> TestHTTP.Reply {
                try await http.send("PATCH", "/scim/v2/Groups/\(group)\(query)", body: #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":\#(operations)}"#,
                                    headers: headers.merging(["Content-Type": "application/scim+json"]) { $1 })
            }
            let add = #"[{"op":"Add","path":"members","value":[{"value":"\#(user)"}]}]"#
            let added = try await patch(add)
            #expect(added.status == 204 && added.body.isEmpty && added.header("ETag") != nil, "Entra's member add: \(added.status)")
            let remove = #"[{"op":"Remove","path":"members[value eq \"\#(user)\"]"}]"#
            #expect(try await patch(remove).status == 204, "Entra's member remove")
            let shown = try await patch(add, query: "?attributes=members")
            #expect(shown.status == 200 && shown.object["members"]?.arrayValue?.count == 1, "asked for with attributes=")
            #expect(try await patch(#"[{"op":"remove","path":"members"}]"#, headers: ["Prefer": "return=representation"]).status == 200)
            let renamed = try await patch(#"[{"op":"replace","path":"displayName","value":"Renamed"}]"#)
            #expect(renamed.status == 200 && renamed.object["displayName"] == .string("Renamed"), "other PATCHes keep 200 with the resource")
        }
    }
}
