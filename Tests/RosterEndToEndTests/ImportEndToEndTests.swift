import Foundation
import RosterTestSupport
import SCIMCore
import Testing

/// Importing existing accounts (`roster sync import`): a CSV and an NDJSON file streamed through
/// the admin API into a running system; existing accounts are matched, never changed; bad rows
/// fail alone, named by line; a second run changes nothing; cleared accounts wait, reserved, to
/// be mapped under new ids.
@Suite(.serialized)
struct ImportEndToEndTests {
    static let environment = ["ROSTER_BOOTSTRAP_TOKEN": e2eToken, "ROSTER_ADMIN_TOKEN": e2eAdminToken]

    static func statistics(_ job: [String: JSONValue]) -> [String: JSONValue] { job["statistics"]?.objectValue ?? [:] }

    static func finished(_ admin: TestHTTP, _ id: String, timeout: Duration = .seconds(60)) async throws -> [String: JSONValue] {
        _ = await eventually(timeout: timeout) {
            let state = (try? await admin.send("GET", "/admin/api/v1/jobs/\(id)"))?.object["state"]?.stringValue ?? ""
            return ["done", "failed", "cancelled"].contains(state)
        }
        return try await admin.send("GET", "/admin/api/v1/jobs/\(id)").object
    }

    @Test func aFileOfExistingAccountsIsMatchedNotChangedAndASecondRunChangesNothing() async throws {
        let directory = try TestProcesses.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = directory.appendingPathComponent("data")
        let csv = directory.appendingPathComponent("accounts.csv")
        try Data(#"""
            userName,givenName,familyName,email,active,groups
            bjensen@example.com,Barbara,Jensen,bjensen@example.com,true,Staff;Admins
            JSMITH@example.com,Imported,Name,other@example.com,true,Staff
            ,No,Name,x@example.com,true,
            mpepper@example.com,Mary,"Pepper, ""MP""",,maybe,
            "tlee@example.com",Tom,Lee,,false,

            """#.utf8).write(to: csv)
        let ndjson = directory.appendingPathComponent("accounts.ndjson")
        try Data(#"""
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"nd1@example.com","externalId":"e-1"}
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"nd2@example.com","password":"Secret-123"}
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Engineering","members":[{"value":"nd1@example.com"},{"value":"bjensen@example.com"}]}
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Ghosts","members":[{"value":"nobody@example.com"}]}

            """#.utf8).write(to: ndjson)
        try await ReshardEndToEndTests.running(data, in: directory, environment: Self.environment, users: 1, groups: 1) { base, _ in
            let scim = TestHTTP(base: base, token: e2eToken)
            let existing = try await scim.send("POST", "/scim/v2/Users", json: TestHTTP.user("jsmith@example.com", extra: ["displayName": .string("Kept")]))
            #expect(existing.status == 201)
            func importFile(_ file: URL) async throws -> String {
                let (status, output) = try await FirstHourTests.roster(["sync", "import", "--url", base, "--directory", "Default", "--file", file.path],
                                                                       environment: ["ROSTER_ADMIN_TOKEN": e2eAdminToken], in: directory, timeout: .seconds(60))
                #expect(status == 0, "\(output)")
                return output
            }
            let first = try await importFile(csv)
            #expect(first.contains("created 2, unchanged 1, failed 2"), "\(first)")
            #expect(first.contains("line 4: 'userName' is required") && first.contains("line 5: 'active' is true or false"), "\(first)")
            let matched = try await scim.send("GET", "/scim/v2/Users?filter=" + "userName eq \"jsmith@example.com\"".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!).object
            #expect(matched["totalResults"] == .int(1))
            let kept = matched["Resources"]?.arrayValue?.first?.objectValue
            #expect(kept?["displayName"] == .string("Kept") && kept?["name"] == nil, "an existing account is matched, never changed: \(String(describing: kept))")

            let groups = try await scim.send("GET", "/scim/v2/Groups").object["Resources"]?.arrayValue ?? []
            var members: [String: Int] = [:]
            for g in groups { members[g.objectValue?["displayName"]?.stringValue ?? "?"] = g.objectValue?["members"]?.arrayValue?.count ?? 0 }
            #expect(members == ["Staff": 2, "Admins": 1], "the CSV's groups, with the matched user in Staff: \(members)")

            let again = try await importFile(csv)
            #expect(again.contains("created 0, unchanged 3, failed 2"), "a second run changes nothing: \(again)")
            #expect(try await scim.send("GET", "/scim/v2/Users").object["totalResults"] == .int(3))

            let nd = try await importFile(ndjson)
            #expect(nd.contains("created 2, unchanged 0, failed 2") && nd.contains("line 2: Passwords are not imported") && nd.contains("line 4: No user 'nobody@example.com'"), "\(nd)")
            let engineering = try await scim.send("GET", "/scim/v2/Groups?filter=" + "displayName eq \"Engineering\"".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!).object
            #expect(engineering["Resources"]?.arrayValue?.first?.objectValue?["members"]?.arrayValue?.count == 2, "\(engineering)")

            let admin = TestHTTP(base: base, token: e2eAdminToken)
            let wrongFormat = try await admin.send("POST", "/admin/api/v1/directories/Default/import?format=xlsx", body: "userName\nx\n")
            #expect(wrongFormat.status == 400 && wrongFormat.object["scimType"] == .string("invalidValue"))
            let empty = try await admin.send("POST", "/admin/api/v1/directories/Default/import?format=csv", body: "")
            #expect(empty.status == 400 && empty.object["scimType"] == .string("invalidValue"))
            let unknown = try await admin.send("POST", "/admin/api/v1/directories/Nope/import?format=csv", body: "userName\nx\n")
            #expect(unknown.status == 400 && unknown.object["scimType"] == .string("invalidValue"), "\(unknown.status)")
            let badHeader = try await admin.send("POST", "/admin/api/v1/directories/Default/import?format=csv", body: "userName,shoeSize\nx,44\n")
            let failed = try await Self.finished(admin, try #require(badHeader.object["id"]?.stringValue))
            #expect(failed["state"] == .string("failed") && (failed["error"]?.stringValue ?? "").contains("shoeSize"), "\(failed)")
            let uploads = (try? FileManager.default.contentsOfDirectory(atPath: data.appendingPathComponent("imports").path)) ?? []
            #expect(uploads.count <= 1, "finished imports leave no file behind (the failed one may): \(uploads)")
        }
    }

    @Test func clearedAccountsAreReservedUntilMappedUnderNewIdsWithTheirGroups() async throws {
        let directory = try TestProcesses.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = directory.appendingPathComponent("data")
        try await ReshardEndToEndTests.running(data, in: directory, environment: Self.environment, users: 1, groups: 1) { base, _ in
            let scim = TestHTTP(base: base, token: e2eToken)
            var ids: [String] = []
            for name in ["ann", "bob", "cid"] {
                ids.append(try #require(try await scim.send("POST", "/scim/v2/Users", json: TestHTTP.user(name, extra: ["externalId": .string("okta-\(name)")])).object["id"]?.stringValue))
            }
            let members = ids.prefix(2).map { #"{"value":"\#($0)"}"# }.joined(separator: ",")
            let group = try await scim.send("POST", "/scim/v2/Groups", body: #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Team","members":[\#(members)]}"#,
                                            headers: ReshardEndToEndTests.json)
            let groupID = try #require(group.object["id"]?.stringValue)
            func cli(_ arguments: [String]) async throws -> (Int32, String) {
                try await FirstHourTests.roster(arguments + ["--url", base], environment: ["ROSTER_ADMIN_TOKEN": e2eAdminToken], in: directory, timeout: .seconds(60))
            }
            let (wrong, why) = try await cli(["directory", "clear-scim", "Default", "--confirm", "default"])
            #expect(wrong != 0 && why.contains("400") && why.contains("confirm"), "\(why)")
            let (cleared, clearedOutput) = try await cli(["directory", "clear-scim", "Default", "--confirm", "Default"])
            #expect(cleared == 0 && clearedOutput.contains("done") && clearedOutput.contains("4/4"), "3 users and a group: \(clearedOutput)")
            #expect(try await scim.send("GET", "/scim/v2/Users/\(ids[0])").status == 404)
            #expect(try await scim.send("GET", "/scim/v2/Users").object["totalResults"] == .int(0))
            let duplicate = try await scim.send("POST", "/scim/v2/Users", json: TestHTTP.user("ANN"))
            #expect(duplicate.status == 409 && duplicate.object["scimType"] == .string("uniqueness"), "no duplicate while it waits to be mapped: \(duplicate.object)")
            #expect(try await scim.send("GET", "/scim/v2/Groups/\(groupID)").status == 404, "groups are cleared too")
            let groupAgain = try await scim.send("POST", "/scim/v2/Groups", body: #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"team"}"#, headers: ReshardEndToEndTests.json)
            #expect(groupAgain.status == 409 && groupAgain.object["scimType"] == .string("uniqueness"), "\(groupAgain.object)")

            let (mapped, mappedOutput) = try await cli(["sync", "run", "--directory", "Default"])
            #expect(mapped == 0 && mappedOutput.contains("done") && mappedOutput.contains("4/4"), "3 users and a group: \(mappedOutput)")
            let team = try await scim.send("GET", "/scim/v2/Groups?filter=" + "displayName eq \"Team\"".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!).object
            let newGroupID = try #require(team["Resources"]?.arrayValue?.first?.objectValue?["id"]?.stringValue, "\(team)")
            #expect(newGroupID != groupID, "the group has a new SCIM id")
            let found = try await scim.send("GET", "/scim/v2/Users?filter=" + "userName eq \"ann\"".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!).object
            let ann = try #require(found["Resources"]?.arrayValue?.first?.objectValue, "\(found)")
            let newID = try #require(ann["id"]?.stringValue)
            #expect(newID != ids[0] && ann["externalId"] == nil, "a new SCIM id and no externalId: \(ann)")
            #expect(await eventually(timeout: .seconds(10)) {
                let values = ((try? await scim.send("GET", "/scim/v2/Groups/\(newGroupID)"))?.object["members"]?.arrayValue ?? []).compactMap { $0.objectValue?["value"]?.stringValue }
                return values.contains(newID) && !values.contains(ids[0]) && values.count == 2
            }, "the group's members follow their new ids")
            let job = try await TestHTTP(base: base, token: e2eAdminToken).send("GET", "/admin/api/v1/jobs").object["jobs"]?.arrayValue?.first?.objectValue
            #expect(job?["kind"] == .string("map") && job?["statistics"]?.objectValue?["mapped"] == .int(4), "\(String(describing: job))")

            // Imported without a SCIM id: reserved until mapped, with the CSV's groups waiting for them.
            let file = directory.appendingPathComponent("unmapped.csv")
            try Data("userName,groups\ndee,Team\nann,Team\n".utf8).write(to: file)
            let (imported, importedOutput) = try await cli(["sync", "import", "--directory", "Default", "--file", file.path, "--unmapped"])
            #expect(imported == 0 && importedOutput.contains("created 1, unchanged 1, failed 0"), "ann exists already: \(importedOutput)")
            let hidden = try await scim.send("GET", "/scim/v2/Users?filter=" + "userName eq \"dee\"".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!).object
            #expect(hidden["totalResults"] == .int(0))
            #expect(try await scim.send("POST", "/scim/v2/Users", json: TestHTTP.user("DEE")).status == 409)
            let (again, againOutput) = try await cli(["sync", "run", "--directory", "Default"])
            #expect(again == 0 && againOutput.contains("done"), "\(againOutput)")
            let dee = try await scim.send("GET", "/scim/v2/Users?filter=" + "userName eq \"dee\"".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!).object
            let deeID = try #require(dee["Resources"]?.arrayValue?.first?.objectValue?["id"]?.stringValue, "\(dee)")
            #expect(await eventually(timeout: .seconds(10)) {
                ((try? await scim.send("GET", "/scim/v2/Groups/\(newGroupID)"))?.object["members"]?.arrayValue ?? []).contains { $0.objectValue?["value"] == .string(deeID) }
            }, "the imported membership follows the mapped id")
        }
    }
}

/// An import whose sync worker is SIGKILLed in the middle of 50,000 rows resumes and ends with
/// exact counts and no duplicate (run after the rest of the suite: scripts/test).
@Suite(.serialized)
struct ImportHeavyEndToEndTests {
    static let environment = ImportEndToEndTests.environment
    static func statistics(_ job: [String: JSONValue]) -> [String: JSONValue] { ImportEndToEndTests.statistics(job) }
    static func finished(_ admin: TestHTTP, _ id: String, timeout: Duration) async throws -> [String: JSONValue] { try await ImportEndToEndTests.finished(admin, id, timeout: timeout) }

    @Test func anImportWhoseSyncWorkerIsKilledMidwayResumesWithExactCountsAndNoDuplicate() async throws {
        let directory = try TestProcesses.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = directory.appendingPathComponent("data")
        let rows = 50_000
        var text = "userName,givenName,email,groups\n"
        text.reserveCapacity(rows * 60)
        for i in 0..<rows { text += "user\(i)@example.com,Given \(i),user\(i)@example.com,Group \(i % 50)\n" }
        try await ReshardEndToEndTests.running(data, in: directory, environment: Self.environment, users: 1, groups: 1) { base, _ in
            let scim = TestHTTP(base: base, token: e2eToken)
            for i in stride(from: 0, to: 100, by: 10) {
                #expect(try await scim.send("POST", "/scim/v2/Users", json: TestHTTP.user("USER\(i)@example.com")).status == 201)
            }
            let admin = TestHTTP(base: base, token: e2eAdminToken)
            let queued = try await admin.send("POST", "/admin/api/v1/directories/Default/import?format=csv", body: text)
            #expect(queued.status == 202, "\(queued.object)")
            let id = try #require(queued.object["id"]?.stringValue)
            var atKill: Int64 = 0
            #expect(await eventually(timeout: .seconds(120)) {
                let processed = (try? await admin.send("GET", "/admin/api/v1/jobs/\(id)")).map { Self.statistics($0.object)["processed"] } ?? nil
                if case .int(let n)? = processed { atKill = n }
                return atKill >= 10_000
            })
            let pids = try ShardingEndToEndTests.pids("roster-sync.*\(data.path)")
            try #require(pids.count == 1, "\(pids)")
            kill(pids[0], SIGKILL)
            let job = try await Self.finished(admin, id, timeout: .seconds(240))
            let s = Self.statistics(job)
            print("import of \(rows) rows with roster-sync SIGKILLed after \(atKill) of them, resumed: \(job["state"] ?? .null), \(s)")
            #expect(job["state"] == .string("done"), "\(job)")
            #expect(s["processed"] == .int(Int64(rows)) && s["created"] == .int(Int64(rows - 10)) && s["unchanged"] == .int(10) && s["failed"] == .int(0), "exact counts: \(s)")
            #expect(try await scim.send("GET", "/scim/v2/Users?count=1").object["totalResults"] == .int(Int64(rows)), "no user twice")
            let group = try await scim.send("GET", "/scim/v2/Groups?filter=" + "displayName eq \"Group 7\"".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!).object
            #expect(group["Resources"]?.arrayValue?.first?.objectValue?["members"]?.arrayValue?.count == rows / 50, "every membership once")
        }
    }
}
