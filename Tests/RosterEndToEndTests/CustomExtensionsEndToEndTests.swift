import Foundation
import RosterTestSupport
import SCIMCore
import Testing

/// Extension schemas declared with `roster schema add`, the undeclared-extension policy, and the
/// compatibility report of `roster config show`, with the real processes and the real CLI.
@Suite(.serialized)
struct CustomExtensionsEndToEndTests {
    static let entraURN = "urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User"
    static let scim = ["Content-Type": "application/scim+json"]

    func cli(_ system: RunningSystem, _ arguments: [String]) async throws -> (Int32, String) {
        let log = system.directory.appendingPathComponent("cli-\(UUID().uuidString).log")
        let process = try system.adopt(TestProcesses.launch("roster", arguments + ["--url", system.http.base, "--admin-token", e2eAdminToken], log: log))
        let deadline = ContinuousClock.now + .seconds(30)
        while process.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        return (process.terminationStatus, (try? String(contentsOf: log, encoding: .utf8)) ?? "")
    }

    /// Polls until every ingress serves `urn` (the credential refresh runs every second).
    func served(_ urn: String, _ http: TestHTTP) async -> Bool {
        await eventually(timeout: .seconds(5)) { (try? await http.send("GET", "/scim/v2/Schemas/\(urn)").status) == 200 }
    }

    @Test func aSchemaDeclaredWithTheCLIIsServedValidatedFilteredSortedAndRemovable() async throws {
        try await withRunningSystem { system in
            try #require(await system.ready(), "\(system.logText)")
            let file = system.directory.appendingPathComponent("ext.json")
            try Data(#"""
                {"id":"\#(Self.entraURN)","name":"CustomExtension","attributes":[
                  {"name":"tag","type":"string","uniqueness":"server"},{"name":"level","type":"integer"}]}
                """#.utf8).write(to: file)
            let (status, output) = try await cli(system, ["schema", "add", "--directory", "default", "--file", file.path])
            #expect(status == 0 && output.contains("declared \(Self.entraURN) for User in default: tag, level"), "\(output)")
            let bad = system.directory.appendingPathComponent("bad.json")
            try Data(#"{"id":"urn:x:y","attributes":[{"name":"a","type":"text"}]}"#.utf8).write(to: bad)
            let (badStatus, badOutput) = try await cli(system, ["schema", "add", "--directory", "default", "--file", bad.path])
            #expect(badStatus != 0 && badOutput.contains("400") && badOutput.contains("'type'"), "\(badOutput)")
            #expect(try await cli(system, ["schema", "list", "--directory", "default"]).1.contains("tag, level"))

            let http = system.http
            try #require(await served(Self.entraURN, http))
            let types = try await http.send("GET", "/scim/v2/ResourceTypes/User")
            #expect(types.object["schemaExtensions"]?.arrayValue?.contains(.object(["schema": .string(Self.entraURN), "required": .bool(false)])) == true)
            let v1 = try await http.send("GET", "/scim/v1/Schemas/User")
            #expect(v1.object["attributes"]?.arrayValue?.contains { $0.objectValue?["schema"] == .string(Self.entraURN) } == true, "listed in SCIM 1.1 too")

            func create(_ name: String, _ tag: String, _ level: Int) async throws -> TestHTTP.Reply {
                try await http.send("POST", "/scim/v2/Users", body: #"""
                    {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","\#(Self.entraURN)"],"userName":"\#(name)","\#(Self.entraURN)":{"tag":"\#(tag)","level":\#(level)}}
                    """#, headers: ["Content-Type": "application/scim+json"])
            }
            #expect(try await create("ext.a", "T-1", 3).status == 201)
            #expect(try await create("ext.b", "T-2", 1).status == 201)
            let duplicate = try await create("ext.c", "t-1", 2)
            #expect(duplicate.status == 409 && duplicate.object["scimType"] == .string("uniqueness"), "\(duplicate.object)")
            let found = try await http.send("GET", "/scim/v2/Users?filter=\(Self.entraURN):level%20gt%202")
            #expect(found.object["totalResults"] == .int(1))
            let sorted = try await http.send("GET", "/scim/v2/Users?filter=userName%20sw%20%22ext.%22&sortBy=\(Self.entraURN):level&attributes=userName")
            #expect(sorted.object["Resources"]?.arrayValue?.compactMap { $0.objectValue?["userName"]?.stringValue } == ["ext.b", "ext.a"])
            let wrong = try await http.send("POST", "/scim/v2/Users", body: #"""
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ext.d","\#(Self.entraURN)":{"level":"high"}}
                """#, headers: ["Content-Type": "application/scim+json"])
            #expect(wrong.status == 400 && wrong.object["scimType"] == .string("invalidValue") && wrong.object["detail"]?.stringValue?.contains("level") == true)

            // Removed: the values stay, returned as stored, and no longer filter.
            let (removed, removedOutput) = try await cli(system, ["schema", "remove", "--directory", "default", Self.entraURN])
            #expect(removed == 0, "\(removedOutput)")
            #expect(await eventually(timeout: .seconds(5)) { (try? await http.send("GET", "/scim/v2/Schemas/\(Self.entraURN)").status) == 404 })
            let kept = try await http.send("GET", "/scim/v2/Users?filter=userName%20eq%20%22ext.a%22")
            #expect(kept.object["Resources"]?.arrayValue?.first?.objectValue?[Self.entraURN] == .object(["tag": .string("T-1"), "level": .int(3)]))
            let unfiltered = try await http.send("GET", "/scim/v2/Users?filter=\(Self.entraURN):level%20gt%202")
            #expect(unfiltered.status == 400 && unfiltered.object["scimType"] == .string("invalidFilter"))
        }
    }

    @Test func theUndeclaredExtensionPolicyDecidesPerConfigurationAndTheReportShowsWhatCame() async throws {
        try await withRunningSystem { system in
            try #require(await system.ready(), "\(system.logText)")
            let admin = TestHTTP(base: system.http.base, token: e2eAdminToken)
            let strict = try await admin.send("POST", "/admin/api/v1/configurations", body: #"{"name":"strict","directoryId":"default","undeclaredExtensions":"reject"}"#,
                                               headers: ["Content-Type": "application/json"])
            #expect(strict.status == 201 && strict.object["undeclaredExtensions"] == .string("reject"), "\(strict.object)")
            let strictHTTP = TestHTTP(base: system.http.base, token: try #require(strict.object["token"]?.stringValue))
            let body = #"""
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","\#(Self.entraURN)"],"userName":"%@","active":"True","\#(Self.entraURN)":{"tag":"701984"}}
                """#
            let headers = ["Content-Type": "application/scim+json", "User-Agent": "Microsoft.Identity.ProvisioningService"]
            #expect(await eventually(timeout: .seconds(5)) { (try? await strictHTTP.send("GET", "/scim/v2/Users").status) == 200 })
            let refused = try await strictHTTP.send("POST", "/scim/v2/Users", body: body.replacingOccurrences(of: "%@", with: "strict.u"), headers: headers)
            #expect(refused.status == 400 && refused.object["scimType"] == .string("invalidSyntax"), "\(refused.object)")
            let kept = try await system.http.send("POST", "/scim/v2/Users", body: body.replacingOccurrences(of: "%@", with: "lenient.u"), headers: headers)
            #expect(kept.status == 201 && kept.object[Self.entraURN] == .object(["tag": .string("701984")]), "\(kept.object)")
            let id = try #require(kept.object["id"]?.stringValue)
            let patched = try await system.http.send("PATCH", "/scim/v2/users/\(id)", body: #"""
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"\#(Self.entraURN):tag","value":"701985"}]}
                """#, headers: headers)
            #expect(patched.status == 200 && patched.object[Self.entraURN] == .object(["tag": .string("701985")]), "\(patched.object)")

            // The report: every ingress reports within 2 s.
            var report: [String: JSONValue] = [:]
            let reported = await eventually(timeout: .seconds(8)) {
                report = (try? await admin.send("GET", "/admin/api/v1/configurations/default/compatibility").object) ?? [:]
                return report["tolerances"]?.arrayValue?.count == 4
            }
            #expect(reported, "\(report)")
            #expect(report["identityProvider"]?.objectValue?["name"] == .string("Microsoft Entra ID"))
            let rules = Set(report["tolerances"]?.arrayValue?.compactMap { $0.objectValue?["rule"]?.stringValue } ?? [])
            #expect(rules == ["stringBoolean", "undeclaredExtension", "capitalisedOp", "endpointPathSpelling"])
            #expect(report["undeclaredExtensionsSeen"]?.arrayValue?.first?.objectValue?["attributes"] == .array([.string("tag")]))
            #expect(report["undeclaredExtensionsSeen"]?.arrayValue?.first?.objectValue?["count"] == .int(2))
            let strictReport = try await admin.send("GET", "/admin/api/v1/configurations/strict/compatibility").object
            #expect(strictReport["undeclaredExtensionsSeen"]?.arrayValue?.first?.objectValue?["urn"] == .string(Self.entraURN), "a refused request is reported too")

            let (status, shown) = try await cli(system, ["config", "show", "default"])
            #expect(status == 0, "\(shown)")
            #expect(shown.contains("Identity provider: Microsoft Entra ID"), "\(shown)")
            #expect(shown.contains("stringBoolean") && shown.contains(Self.entraURN) && shown.contains("roster schema add"), "\(shown)")
        }
    }

    @Test func declaringASchemaOverStoredValuesNeverBlocksDeprovisioning() async throws {
        try await withRunningSystem { system in
            try #require(await system.ready(), "\(system.logText)")
            let http = system.http
            let urn = "urn:acme:hr:2.0:User"
            var ids: [String] = []
            for name in ["stored.a", "stored.b"] {
                let reply = try await http.send("POST", "/scim/v2/Users", body: #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"\#(name)","\#(urn)":{"badge":"B-1","level":"high","tags":["x","y"]}}"#,
                                                headers: ["Content-Type": "application/scim+json"])
                #expect(reply.status == 201, "\(reply.object)")
                ids.append(try #require(reply.object["id"]?.stringValue))
            }
            let declared = try await TestHTTP(base: http.base, token: e2eAdminToken).send("POST", "/admin/api/v1/directories/default/schemas", body: #"""
                {"resourceType":"User","schema":{"id":"\#(urn)","attributes":[{"name":"badge","uniqueness":"server"},{"name":"level","type":"integer"},{"name":"tags","multiValued":true}]}}
                """#, headers: ["Content-Type": "application/json"])
            #expect(declared.status == 201, "\(declared.object)")
            try #require(await served(urn, http))
            let deactivated = try await http.send("PATCH", "/scim/v2/Users/\(ids[0])", body: #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":false}]}"#,
                                                  headers: ["Content-Type": "application/scim+json"])
            #expect(deactivated.status == 200 && deactivated.object["active"] == .bool(false), "\(deactivated.object)")
            let changed = try await http.send("PATCH", "/scim/v2/Users/\(ids[1])", body: #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"\#(urn):level","value":"top"}]}"#,
                                              headers: ["Content-Type": "application/scim+json"])
            #expect(changed.status == 400 && changed.object["scimType"] == .string("invalidValue"), "a changed value must fit: \(changed.object)")
            let numeric = try await http.send("GET", "/scim/v2/Users?filter=\(urn):level%20gt%201")
            #expect(numeric.object["totalResults"] == .int(0), "a level stored as text is not a number greater than 1: \(numeric.object)")
            let plus = try await http.send("GET", "/scim/v2/Users?filter=userName+eq+%22stored.a%22")
            #expect(plus.object["totalResults"] == .int(1), "+ is a space in a form-encoded query: \(plus.object)")
            let sorted = try await http.send("GET", "/scim/v2/Users?sortBy=\(urn):tags&filter=userName%20sw%20%22stored.%22")
            #expect(sorted.status == 200 && sorted.object["totalResults"] == .int(2), "\(sorted.object)")
            let search = try await http.send("POST", "/scim/v2/.search", body: #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":"\#(urn):badge eq \"b-1\""}"#,
                                             headers: ["Content-Type": "application/scim+json"])
            #expect(search.status == 200 && search.object["totalResults"] == .int(2), "root search takes declared attributes: \(search.object)")

            // immutable: a PUT must send it unchanged; one that leaves it out keeps it.
            let fixed = "urn:acme:fixed:2.0:User"
            let declaredFixed = try await TestHTTP(base: http.base, token: e2eAdminToken).send("POST", "/admin/api/v1/directories/default/schemas", body: #"""
                {"resourceType":"User","schema":{"id":"\#(fixed)","attributes":[{"name":"hireId","mutability":"immutable"}]}}
                """#, headers: ["Content-Type": "application/json"])
            #expect(declaredFixed.status == 201)
            try #require(await served(fixed, http))
            let hired = try await http.send("POST", "/scim/v2/Users", body: #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"hired","\#(fixed)":{"hireId":"H-1"}}"#, headers: Self.scim)
            let hiredID = try #require(hired.object["id"]?.stringValue, "\(hired.object)")
            let changedPut = try await http.send("PUT", "/scim/v2/Users/\(hiredID)", body: #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"hired","\#(fixed)":{"hireId":"H-2"}}"#, headers: Self.scim)
            #expect(changedPut.status == 400 && changedPut.object["scimType"] == .string("mutability"), "\(changedPut.object)")
            let omittedPut = try await http.send("PUT", "/scim/v2/Users/\(hiredID)", body: #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"hired","title":"T"}"#, headers: Self.scim)
            #expect(omittedPut.status == 200 && omittedPut.object[fixed] == .object(["hireId": .string("H-1")]), "\(omittedPut.object)")
        }
    }

    @Test func aSCIM11PathWithNoRouteAnswersInSCIM11sErrorShape() async throws {
        try await withRunningSystem { system in
            try #require(await system.ready(), "\(system.logText)")
            let missing = try await system.http.send("GET", "/scim/v1/Nothing")
            #expect(missing.status == 404 && missing.object["Errors"]?.arrayValue?.first?.objectValue?["code"] == .string("404"), "\(missing.object)")
            let types = try await system.http.send("GET", "/scim/v1/ResourceTypes")
            #expect(types.status == 200 && types.object["totalResults"] == .int(2))
            #expect(try await system.http.send("POST", "/scim/v1/ResourceTypes", body: "{}", headers: ["Content-Type": "application/json"]).status == 405)
        }
    }
}
