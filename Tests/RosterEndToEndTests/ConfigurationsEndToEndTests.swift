import Foundation
import RosterTestSupport
import SCIMCore
import Testing

/// Several IdP configurations end to end: three configurations over two directories (one shared by two IdPs), the
/// isolation matrix, rotation, Basic auth, both delete modes, default and application groups, and
/// no secret in clear in any store or log.
@Suite(.serialized)
struct ConfigurationsEndToEndTests {
    func basic(_ user: String, _ password: String) -> String { "Basic " + Data("\(user):\(password)".utf8).base64EncodedString() }

    @Test func severalIdPsSideBySide() async throws {
        try await withRunningSystem { system in
            #expect(await system.ready(), "\(system.logText)")
            let admin = TestHTTP(base: system.http.base, token: e2eAdminToken)
            func adminCall(_ method: String, _ path: String, _ body: String? = nil) async throws -> TestHTTP.Reply {
                try await admin.send(method, "/admin/api/v1/\(path)", body: body, headers: ["Content-Type": "application/json"])
            }
            #expect(try await TestHTTP(base: system.http.base, token: e2eToken).send("GET", "/admin/api/v1/configurations").status == 401,
                    "a configuration token is not the admin token")
            // Audited, so that the search for secrets below covers the audit store and spool too.
            #expect(try await adminCall("PATCH", "audit", #"{"enabled":true}"#).object["enabled"] == .bool(true))

            // Okta and Entra feed "Employees"; Ping (Basic) feeds "Contractors".
            let okta = try await adminCall("POST", "configurations", #"{"name":"okta","newDirectoryName":"Employees","defaultGroups":["Everyone"],"applicationGroups":["App Users"]}"#)
            #expect(okta.status == 201, "\(okta.object)")
            let oktaToken = try #require(okta.object["token"]?.stringValue)
            let employees = try #require(okta.object["directoryId"]?.stringValue)
            #expect(okta.object["scimBaseUrls"]?.objectValue?["v2"] == .string("\(system.http.base)/scim/v2"))
            let entra = try await adminCall("POST", "configurations", #"{"name":"entra","directoryId":"\#(employees)","deleteMode":"disable"}"#)
            let entraToken = try #require(entra.object["token"]?.stringValue)
            let ping = try await adminCall("POST", "configurations", #"{"name":"ping","newDirectoryName":"Contractors","authMethod":"basic","basicUsername":"ping-idp","basicPassword":"contractor-pass-123"}"#)
            #expect(ping.status == 201 && ping.object["basicPassword"] == .string("contractor-pass-123"))
            #expect(try await adminCall("GET", "directories").object["directories"]?.arrayValue?.count == 3)
            #expect(try await adminCall("GET", "openapi.json").status == 200)
            let names = try await adminCall("GET", "configurations").object["configurations"]?.arrayValue?.compactMap { $0.objectValue?["name"]?.stringValue }
            #expect(names == ["default", "entra", "okta", "ping"], "the bootstrap token is the default configuration")
            #expect(try await adminCall("GET", "configurations/okta").object["tokenSHA256"] == nil, "the admin API never shows a digest or a hash")

            // The CLI talks to the same API.
            let cliLog = system.directory.appendingPathComponent("cli.log")
            let cli = try system.adopt(TestProcesses.launch("roster", ["config", "list", "--url", system.http.base, "--admin-token", e2eAdminToken], log: cliLog))
            cli.waitUntilExit()
            let listing = (try? String(contentsOf: cliLog, encoding: .utf8)) ?? ""
            #expect(cli.terminationStatus == 0 && listing.contains("okta") && listing.contains("SCIM 2.0 URL"), "\(listing)")
            try? FileManager.default.removeItem(at: cliLog)

            let a = TestHTTP(base: system.http.base, token: oktaToken)
            let b = TestHTTP(base: system.http.base, token: entraToken)
            let cHeaders = ["Authorization": basic("ping-idp", "contractor-pass-123")]
            let c = TestHTTP(base: system.http.base, token: nil)
            #expect(await eventually(timeout: .seconds(6)) { (try? await a.send("GET", "/scim/v2/Users"))?.status == 200 }, "a new token works within 2 s")
            #expect(await eventually(timeout: .seconds(6)) { (try? await c.send("GET", "/scim/v2/Users", headers: cHeaders))?.status == 200 })
            #expect(try await c.send("GET", "/scim/v2/Users", headers: ["Authorization": basic("ping-idp", "wrong-password-1")]).status == 401)
            // Discovery tells each directory how its own configurations sign in.
            func schemes(_ client: TestHTTP, _ path: String, headers: [String: String] = [:]) async throws -> [String] {
                try await client.send("GET", path, headers: headers).object["authenticationSchemes"]?.arrayValue?.compactMap { $0.objectValue?["type"]?.stringValue } ?? []
            }
            #expect(try await schemes(c, "/scim/v2/ServiceProviderConfig", headers: cHeaders) == ["oauthbearertoken", "httpbasic"], "Contractors has a Basic configuration")
            #expect(try await schemes(a, "/scim/v2/ServiceProviderConfig") == ["oauthbearertoken"], "Employees has none")
            #expect(try await schemes(c, "/scim/v1/ServiceProviderConfigs", headers: cHeaders) == ["oauthbearertoken", "httpbasic"])

            // Resources on both sides.
            let userA = try #require(try await a.send("POST", "/scim/v2/Users", json: TestHTTP.user("alice@employees")).object["id"]?.stringValue)
            let userC = try #require(try await c.send("POST", "/scim/v2/Users", json: TestHTTP.user("carol@contractors"), headers: cHeaders).object["id"]?.stringValue)
            let groupA = try #require(try await a.send("POST", "/scim/v2/Groups", json: json(#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Team","members":[{"value":"\#(userA)"}]}"#)).object["id"]?.stringValue)
            let groupC = try #require(try await c.send("POST", "/scim/v2/Groups", json: json(#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Team"}"#), headers: cHeaders).object["id"]?.stringValue)

            // The isolation matrix: another directory's ids answer 404 on every verb; lists and filters never show them.
            let patchBody = #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"x"}]}"#
            for (client, headers, foreignUser, foreignGroup, foreignName) in [(a, [String: String](), userC, groupC, "carol@contractors"), (c, cHeaders, userA, groupA, "alice@employees")] {
                for (method, path, body) in [
                    ("GET", "/scim/v2/Users/\(foreignUser)", nil), ("PUT", "/scim/v2/Users/\(foreignUser)", TestHTTP.user("x").serializedString()),
                    ("PATCH", "/scim/v2/Users/\(foreignUser)", patchBody), ("DELETE", "/scim/v2/Users/\(foreignUser)", nil),
                    ("GET", "/scim/v2/Groups/\(foreignGroup)", nil), ("PATCH", "/scim/v2/Groups/\(foreignGroup)", patchBody),
                    ("PUT", "/scim/v2/Groups/\(foreignGroup)", #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"x"}"#),
                    ("DELETE", "/scim/v2/Groups/\(foreignGroup)", nil),
                ] as [(String, String, String?)] {
                    var h = headers
                    h["Content-Type"] = "application/scim+json"
                    let reply = try await client.send(method, path, body: body, headers: h)
                    #expect(reply.status == 404, "\(method) \(path) from another directory answered \(reply.status)")
                }
                let filtered = try await client.send("GET", "/scim/v2/Users?filter=userName%20eq%20%22\(foreignName)%22", headers: headers)
                #expect(filtered.object["totalResults"] == .int(0))
                let search = try await client.send("POST", "/scim/v2/.search", body: #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":"id eq \"\#(foreignUser)\""}"#, headers: headers.merging(["Content-Type": "application/scim+json"]) { $1 })
                #expect(search.object["totalResults"] == .int(0))
                let member = try await client.send("POST", "/scim/v2/Groups", body: #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Cross","members":[{"value":"\#(foreignUser)"}]}"#, headers: headers.merging(["Content-Type": "application/scim+json"]) { $1 })
                #expect(member.status == 400 && member.object["scimType"] == .string("invalidValue"), "a user of another directory is never a member")
            }
            // Entra shares Okta's directory: it sees the same resources.
            #expect(try await b.send("GET", "/scim/v2/Users/\(userA)").status == 200)
            #expect(try await b.send("GET", "/scim/v2/Groups/\(groupA)").status == 200)

            // Default and application groups, joined through the outbox, in Okta's directory only.
            let joined = await eventually(timeout: .seconds(10)) {
                let groups = (try? await a.send("GET", "/scim/v2/Users/\(userA)"))?.object["groups"]?.arrayValue ?? []
                return Set(groups.compactMap { $0.objectValue?["display"]?.stringValue }) == ["App Users", "Everyone", "Team"]
            }
            #expect(joined)
            #expect(try await c.send("GET", "/scim/v2/Groups?filter=displayName%20eq%20%22Everyone%22", headers: cHeaders).object["totalResults"] == .int(0))

            // Delete modes: through Entra (disable) the user stays inactive; through Okta (delete) it is gone.
            let kept = try #require(try await a.send("POST", "/scim/v2/Users", json: TestHTTP.user("kept@employees")).object["id"]?.stringValue)
            #expect(try await b.send("DELETE", "/scim/v2/Users/\(kept)").status == 204)
            let disabled = try await a.send("GET", "/scim/v2/Users/\(kept)")
            #expect(disabled.status == 200 && disabled.object["active"] == .bool(false))
            #expect(try await a.send("DELETE", "/scim/v2/Users/\(kept)").status == 204)
            #expect(try await a.send("GET", "/scim/v2/Users/\(kept)").status == 404)

            // Rotation: the old token stops, the new one works, within 2 s.
            let rotated = try await adminCall("POST", "configurations/okta/rotate", "{}")
            let newToken = try #require(rotated.object["token"]?.stringValue)
            let aNew = TestHTTP(base: system.http.base, token: newToken)
            #expect(await eventually(timeout: .seconds(6)) { (try? await a.send("GET", "/scim/v2/Users"))?.status == 401 })
            #expect(try await aNew.send("GET", "/scim/v2/Users").status == 200)
            // Disable: Basic stops within 2 s.
            #expect(try await adminCall("POST", "configurations/ping/disable", "{}").object["enabled"] == .bool(false))
            #expect(await eventually(timeout: .seconds(6)) { (try? await c.send("GET", "/scim/v2/Users", headers: cHeaders))?.status == 401 })

            // Secrets: nowhere in clear, in any store or log (once the audit worker has every record).
            #expect(await eventually { (try? await adminCall("GET", "audit/records?q=disable&method=POST"))?.object["records"]?.arrayValue?.count == 1 })
            let created = try await adminCall("GET", "audit/records?resourceType=Configuration&method=POST&status=201").object["records"]?.arrayValue ?? []
            #expect(created.count >= 3 && created.allSatisfy { $0.objectValue?["responseBody"]?.stringValue?.contains("[redacted]") == true },
                    "the records of created configurations keep their bodies without the secret")
            await system.stop(keepFiles: true)
            let files = (try FileManager.default.contentsOfDirectory(atPath: system.directory.path)).map { system.directory.appendingPathComponent($0) }
            var haystack = Data()
            for file in files { haystack += (try? Data(contentsOf: file)) ?? Data() }
            for secret in [e2eToken, e2eAdminToken, oktaToken, entraToken, newToken, "contractor-pass-123"] {
                #expect(haystack.range(of: Data(secret.utf8)) == nil, "a secret appears in clear in \(system.directory.path)")
            }
            #expect(files.contains { $0.lastPathComponent == "sync.sqlite" } && files.contains { $0.lastPathComponent == "processes.log" })
            try? FileManager.default.removeItem(at: system.directory)
        }
    }
}
