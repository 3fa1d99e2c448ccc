import Foundation
import RosterTestSupport
import SCIMCore
import Testing

/// SCIM 1.1 at /scim/v1 against the real processes: Okta's 1.1 flows (its SCIM 1.1 reference),
/// and one user seen through both versions.
@Suite(.serialized)
struct SCIM11EndToEndTests {
    static let core = SCIM11.coreURN

    @Test func oktasSCIM11FlowsRunAgainstTheRealStack() async throws {
        try await withRunningSystem { system in
            try #require(await system.ready(), "\(system.logText)")
            let http = system.http
            // Connection test.
            let users = try await http.send("GET", "/scim/v1/Users?startIndex=1&count=2")
            #expect(users.status == 200 && users.object["schemas"] == .array([.string(Self.core)]), "\(users.object)")
            #expect(users.object["totalResults"] == .int(0) && users.object["startIndex"] == .int(1) && users.object["itemsPerPage"] == .int(0))
            #expect(users.header("Content-Type")?.hasPrefix("application/json") == true)
            #expect(try await http.send("GET", "/scim/v1/Groups?startIndex=1&count=100").status == 200)
            let config = try await http.send("GET", "/scim/v1/ServiceProviderConfigs")
            #expect(config.object["schemas"]?.arrayValue?.contains(.string("urn:okta:schemas:scim:providerconfig:1.0")) == true)

            // Create with lookup by userName, as Okta does.
            let lookup = try await http.send("GET", "/scim/v1/Users?filter=userName%20eq%20%22dade.murphy@example.com%22&startIndex=1&count=100")
            #expect(lookup.status == 200 && lookup.object["totalResults"] == .int(0))
            let create = json(#"""
                {"schemas":["urn:scim:schemas:core:1.0","urn:scim:schemas:extension:enterprise:1.0"],"userName":"dade.murphy@example.com",
                 "name":{"givenName":"Dade","familyName":"Murphy"},"emails":[{"primary":true,"value":"dade.murphy@example.com","type":"work"}],
                 "displayName":"Dade Murphy","locale":"en-US","externalId":"00ujl29u0le5T6Aj10h7","groups":[],"password":"1mz050nq","active":true,
                 "urn:scim:schemas:extension:enterprise:1.0":{"department":"Hacking"}}
                """#)
            let created = try await http.send("POST", "/scim/v1/Users", json: create)
            #expect(created.status == 201, "\(created.object)")
            let id = try #require(created.object["id"]?.stringValue)
            #expect(created.object["schemas"] == .array([.string(Self.core), .string(SCIM11.enterpriseURN)]))
            #expect(created.object[SCIM11.enterpriseURN]?.objectValue?["department"] == .string("Hacking"))
            #expect(created.object["password"] == nil && created.object["meta"]?.objectValue?["resourceType"] == nil)
            #expect(created.header("Location")?.hasSuffix("/scim/v1/Users/\(id)") == true)
            #expect(created.object["meta"]?.objectValue?["location"]?.stringValue?.hasSuffix("/scim/v1/Users/\(id)") == true)

            // The same user through 2.0, with identical content.
            let v2 = try await http.send("GET", "/scim/v2/Users/\(id)")
            #expect(v2.status == 200 && v2.object["userName"] == .string("dade.murphy@example.com"))
            #expect(v2.object[CoreSchemas.enterpriseUserURN]?.objectValue?["department"] == .string("Hacking"))
            #expect(v2.header("ETag") == created.header("ETag"))

            // Duplicate: 409 in the 1.1 error shape.
            let duplicate = try await http.send("POST", "/scim/v1/Users", json: create)
            #expect(duplicate.status == 409)
            #expect(duplicate.object["Errors"]?.arrayValue?.first?.objectValue?["code"] == .string("409"), "\(duplicate.object)")

            // Update with PUT.
            let put = try await http.send("PUT", "/scim/v1/Users/\(id)", json: json(#"""
                {"schemas":["urn:scim:schemas:core:1.0"],"id":"\#(id)","userName":"dade.murphy@example.com","name":{"givenName":"Dade","familyName":"Zero"},
                 "active":true}
                """#))
            #expect(put.status == 200 && put.object["name"]?.objectValue?["familyName"] == .string("Zero"), "\(put.object)")

            // Deactivate and reactivate, and a password change, with PATCH.
            let deactivated = try await http.send("PATCH", "/scim/v1/Users/\(id)", json: json(#"{"schemas":["urn:scim:schemas:core:1.0"],"id":"\#(id)","active":false}"#))
            #expect(deactivated.status == 200 && deactivated.object["active"] == .bool(false), "\(deactivated.object)")
            let reactivated = try await http.send("PATCH", "/scim/v1/Users/\(id)", json: json(#"{"schemas":["urn:scim:schemas:core:1.0"],"id":"\#(id)","active":true}"#))
            #expect(reactivated.status == 200 && reactivated.object["active"] == .bool(true))
            let password = try await http.send("PATCH", "/scim/v1/Users/\(id)", json: json(#"{"schemas":["urn:scim:schemas:core:1.0"],"id":"\#(id)","password":"t1meMa$heen"}"#))
            #expect(password.status == 200 && password.object["password"] == nil, "\(password.object)")

            // Group push, member add, member remove, rename.
            let described = try await http.send("POST", "/scim/v1/Groups", json: json(#"""
                {"schemas":["urn:scim:schemas:core:1.0","urn:okta:custom:group:1.0"],"displayName":"Described",
                 "urn:okta:custom:group:1.0":{"description":"The crew"}}
                """#))
            // Nobody declared Okta's group extension: the default policy keeps it as given.
            #expect(described.status == 201 && described.object["urn:okta:custom:group:1.0"] == .object(["description": .string("The crew")]), "\(described.object)")
            let group = try await http.send("POST", "/scim/v1/Groups", json: json(#"{"schemas":["urn:scim:schemas:core:1.0"],"displayName":"Hackers","members":[]}"#))
            #expect(group.status == 201, "\(group.object)")
            let groupID = try #require(group.object["id"]?.stringValue)
            let add = try await http.send("PATCH", "/scim/v1/Groups/\(groupID)", json: json(#"""
                {"schemas":["urn:scim:schemas:core:1.0"],"displayName":"Hackers","members":[{"value":"\#(id)","display":"dade.murphy@example.com"}]}
                """#))
            #expect(add.status == 200 && add.object["members"]?.arrayValue?.count == 1, "\(add.object)")
            #expect(add.object["members"]?.arrayValue?.first?.objectValue?["$ref"] == nil)
            let remove = try await http.send("PATCH", "/scim/v1/Groups/\(groupID)", json: json(#"""
                {"schemas":["urn:scim:schemas:core:1.0"],"displayName":"Hackers","members":[{"value":"\#(id)","display":"dade.murphy@example.com","operation":"delete"}]}
                """#))
            #expect(remove.status == 200 && (remove.object["members"]?.arrayValue ?? []).isEmpty, "\(remove.object)")
            let rename = try await http.send("PATCH", "/scim/v1/Groups/\(groupID)", json: json(#"{"schemas":["urn:scim:schemas:core:1.0"],"displayName":"Crew"}"#))
            #expect(rename.status == 200 && rename.object["displayName"] == .string("Crew"))
            // meta.attributes clears an attribute first.
            _ = try await http.send("PATCH", "/scim/v1/Groups/\(groupID)", json: json(#"{"schemas":["urn:scim:schemas:core:1.0"],"members":[{"value":"\#(id)"}]}"#))
            let cleared = try await http.send("PATCH", "/scim/v1/Groups/\(groupID)", json: json(#"{"schemas":["urn:scim:schemas:core:1.0"],"meta":{"attributes":["members"]}}"#))
            // Only members changed: 204 (Okta's 1.1 client takes it), and the group has none left.
            #expect(cleared.status == 204, "\(cleared.object)")
            #expect((try await http.send("GET", "/scim/v1/Groups/\(groupID)").object["members"]?.arrayValue ?? []).isEmpty)

            // A 1.1 filter with `ne`: 400 in the 1.1 shape.
            let ne = try await http.send("GET", "/scim/v1/Users?filter=userName%20ne%20%22x%22")
            #expect(ne.status == 400 && ne.object["Errors"]?.arrayValue?.first?.objectValue?["code"] == .string("400"), "\(ne.object)")
            // 401 in the 1.1 shape, with its challenge.
            let anonymous = try await TestHTTP(base: http.base).send("GET", "/scim/v1/Users")
            #expect(anonymous.status == 401 && anonymous.object["Errors"] != nil && anonymous.header("WWW-Authenticate") != nil)
            #expect(try await http.send("GET", "/scim/v1/Users/no-such-id").object["Errors"]?.arrayValue?.first?.objectValue?["code"] == .string("404"))

            // The audit log records 1.1 requests like 2.0 ones, with their version.
            let admin = TestHTTP(base: http.base, token: e2eAdminToken)
            #expect(try await admin.send("PATCH", "/admin/api/v1/audit", body: #"{"enabled":true}"#, headers: ["Content-Type": "application/json"]).status == 200)
            #expect(try await http.send("GET", "/scim/v1/Users/\(id)").status == 200)
            #expect(await eventually {
                let records = (try? await admin.send("GET", "/admin/api/v1/audit/records?resourceId=\(id)"))?.object["records"]?.arrayValue ?? []
                return records.contains { $0.objectValue?["scimVersion"] == .string("1.1") && $0.objectValue?["resourceType"] == .string("User") }
            })
        }
    }

    /// Created in 2.0, patched in 1.1, read in 2.0 (and the reverse): one user, one version.
    @Test func oneUserThroughBothVersions() async throws {
        try await withRunningSystem { system in
            try #require(await system.ready(), "\(system.logText)")
            let http = system.http
            let created = try await http.send("POST", "/scim/v2/Users", json: TestHTTP.user("kate.libby@example.com"))
            let id = try #require(created.object["id"]?.stringValue)
            let patched = try await http.send("PATCH", "/scim/v1/Users/\(id)", json: json(#"{"schemas":["urn:scim:schemas:core:1.0"],"title":"Acid Burn"}"#),
                                              headers: ["If-Match": "W/\"1\""])
            #expect(patched.status == 200 && patched.header("ETag") == "W/\"2\"", "\(patched.object)")
            let read = try await http.send("GET", "/scim/v2/Users/\(id)")
            #expect(read.object["title"] == .string("Acid Burn") && read.header("ETag") == "W/\"2\"")
            let v2patch = try await http.send("PATCH", "/scim/v2/Users/\(id)", json: json(#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"title","value":"Crash"}]}"#))
            #expect(v2patch.header("ETag") == "W/\"3\"")
            let v1read = try await http.send("GET", "/scim/v1/Users/\(id)")
            #expect(v1read.object["title"] == .string("Crash") && v1read.header("ETag") == "W/\"3\"")
            let stale = try await http.send("PUT", "/scim/v1/Users/\(id)", json: json(#"{"schemas":["urn:scim:schemas:core:1.0"],"userName":"kate.libby@example.com"}"#),
                                            headers: ["If-Match": "W/\"1\""])
            #expect(stale.status == 412 && stale.object["Errors"] != nil)
        }
    }
}
