import Foundation
import RosterTestSupport
import SCIMCore
import Testing

/// Last sign-ins: reported by an application (latest wins, repeats and older ones change nothing),
/// shown on user reads only once the directory's setting is on, filterable and sortable for
/// dormant accounts, and never changed by SCIM.
@Suite(.serialized)
struct LastLoginEndToEndTests {
    static let json = ["Content-Type": "application/json"]
    static let lastLoginURN = "urn:roster:params:scim:schemas:extension:lastlogin:2.0:User"

    @Test func signInsAreRecordedLatestFirstShownOnlyWhenOnAndFindDormantAccounts() async throws {
        try await withRunningSystem { system in
            try #require(await system.ready(), "\(system.logText)")
            let scim = system.http
            let admin = TestHTTP(base: scim.base, token: e2eAdminToken)
            var ids: [String: String] = [:]
            for name in ["ann", "bob", "cid"] {
                ids[name] = try #require(try await scim.send("POST", "/scim/v2/Users", json: TestHTTP.user(name)).object["id"]?.stringValue)
            }
            let logins = "/admin/api/v1/directories/default/logins"
            let first = try await admin.send("POST", logins, body: #"{"logins":[{"userName":"ANN","at":"2026-01-05T08:00:00Z"},{"userName":"bob","at":"2025-06-01T10:00:00+02:00"},{"userName":"ann","at":"2025-12-01T00:00:00Z"},{"userName":"zed","at":"2025-01-01T00:00:00Z"}]}"#, headers: Self.json)
            #expect(first.status == 200 && first.object["updated"] == .int(2) && first.object["unchanged"] == .int(1) && first.object["unknown"] == .array([.string("zed")]), "\(first.object)")
            let again = try await admin.send("POST", logins, body: #"{"userName":"ann","at":"2026-01-05T08:00:00.000Z"}"#, headers: Self.json)
            #expect(again.object["updated"] == .int(0) && again.object["unchanged"] == .int(1), "a repeat changes nothing: \(again.object)")
            for (body, detail) in [(#"{"logins":[{"userName":"ann","at":"yesterday"}]}"#, "Sign-in 1"), (#"{"logins":[{"at":"2026-01-01T00:00:00Z"}]}"#, "userName"), ("{}", "logins")] {
                let bad = try await admin.send("POST", logins, body: body, headers: Self.json)
                #expect(bad.status == 400 && bad.object["scimType"] == .string("invalidValue") && bad.object["detail"]?.stringValue?.contains(detail) == true, "\(bad.object)")
            }

            // Off by default: nothing of it on reads, nor in discovery.
            let hidden = try await scim.send("GET", "/scim/v2/Users/\(ids["ann"]!)").object
            #expect(hidden["meta"]?.objectValue?["lastLogin"] == nil && hidden[Self.lastLoginURN] == nil, "\(hidden)")
            #expect(!String(decoding: try await scim.send("GET", "/scim/v2/Schemas").body, as: UTF8.self).contains(Self.lastLoginURN))

            let on = try await admin.send("PATCH", "/admin/api/v1/directories/default", body: #"{"settings":{"lastLogin":true}}"#, headers: Self.json)
            #expect(on.status == 200 && on.object["settings"]?.objectValue?["lastLogin"] == .bool(true), "\(on.object)")
            let shown = await eventually(timeout: .seconds(6)) {
                (try? await scim.send("GET", "/scim/v2/Users/\(ids["ann"]!)"))?.object["meta"]?.objectValue?["lastLogin"] == .string("2026-01-05T08:00:00.000Z")
            }
            #expect(shown, "shown once the setting reached the ingress")
            let ann = try await scim.send("GET", "/scim/v2/Users/\(ids["ann"]!)").object
            #expect(ann[Self.lastLoginURN]?.objectValue?["lastLogin"] == .string("2026-01-05T08:00:00.000Z"))
            #expect(ann["schemas"]?.arrayValue?.contains(.string(Self.lastLoginURN)) == true)
            #expect(String(decoding: try await scim.send("GET", "/scim/v2/Schemas").body, as: UTF8.self).contains(Self.lastLoginURN))
            let cid = try await scim.send("GET", "/scim/v2/Users/\(ids["cid"]!)").object
            #expect(cid["meta"]?.objectValue?["lastLogin"] == nil, "no sign-in reported, none shown")

            // Dormant accounts, and the order of sign-ins.
            func names(_ query: String) async throws -> [String] {
                let list = try await scim.send("GET", "/scim/v2/Users?\(query)").object["Resources"]?.arrayValue ?? []
                return list.compactMap { $0.objectValue?["userName"]?.stringValue }
            }
            let before = #"meta.lastLogin lt "2026-01-01T00:00:00Z""#.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            #expect(try await names("filter=\(before)") == ["bob"])
            let byExtension = #"urn:roster:params:scim:schemas:extension:lastlogin:2.0:User:lastLogin lt "2026-01-01T00:00:00Z""#.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            #expect(try await names("filter=\(byExtension)") == ["bob"], "the extension's own path filters the same column")
            let never = #"not (meta.lastLogin pr)"#.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            #expect(try await names("filter=\(never)") == ["cid"])
            #expect(try await names("filter=\("meta.lastLogin pr".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)&sortBy=meta.lastLogin&sortOrder=descending") == ["ann", "bob"])

            // The dormant-account report, as JSON and as the CLI's CSV.
            let report = try await admin.send("GET", "/admin/api/v1/directories/default/dormant?before=2026-01-01T00:00:00Z").object
            let reported = (report["users"]?.arrayValue ?? []).compactMap { $0.objectValue?["userName"]?.stringValue }
            #expect(Set(reported) == ["bob", "cid"] && reported.count == 2, "signed in before 2026, or never: \(report)")
            let signedIn = try await admin.send("GET", "/admin/api/v1/directories/default/dormant?before=2026-01-01T00:00:00Z&never=false").object
            #expect((signedIn["users"]?.arrayValue ?? []).compactMap { $0.objectValue?["userName"]?.stringValue } == ["bob"])
            let badTime = try await admin.send("GET", "/admin/api/v1/directories/default/dormant?before=last-year")
            #expect(badTime.status == 400 && badTime.object["scimType"] == .string("invalidValue"))
            let (reportStatus, csv) = try await FirstHourTests.roster(["lastlogin", "report", "--directory", "default", "--before", "2026-01-01T00:00:00Z", "--csv",
                                                                       "--url", scim.base, "--admin-token", e2eAdminToken], in: system.directory)
            #expect(reportStatus == 0 && csv.contains("userName,id,lastLogin,active") && csv.contains("bob,\(ids["bob"]!),2025-06-01T08:00:00.000Z,true"), "\(csv)")

            // SCIM writes never change it, whatever they send.
            var replacement = TestHTTP.user("ann").objectValue ?? [:]
            replacement["meta"] = .object(["lastLogin": .string("2030-01-01T00:00:00Z")])
            replacement[Self.lastLoginURN] = .object(["lastLogin": .string("2030-01-01T00:00:00Z")])
            let put = try await scim.send("PUT", "/scim/v2/Users/\(ids["ann"]!)", json: .object(replacement))
            #expect(put.status == 200 && put.object["meta"]?.objectValue?["lastLogin"] == .string("2026-01-05T08:00:00.000Z"), "\(put.object)")

            // The CLI imports a file of sign-ins.
            let file = system.directory.appendingPathComponent("logins.csv")
            try "userName,at\ncid,2026-02-01T12:00:00Z\nbob,2025-01-01T00:00:00Z\nnobody,2026-01-01T00:00:00Z\n".write(to: file, atomically: true, encoding: .utf8)
            let (status, output) = try await FirstHourTests.roster(["lastlogin", "import", "--directory", "default", "--file", file.path, "--url", scim.base,
                                                                    "--admin-token", e2eAdminToken], in: system.directory)
            #expect(status == 0 && output.contains("3/3: updated 1, unchanged 1, failed 1") && output.contains("line 4: No user 'nobody'"), "a job (sync last-login info): \(output)")
            let (off, offOutput) = try await FirstHourTests.roster(["settings", "lastlogin", "off", "--directory", "default", "--url", scim.base,
                                                                    "--admin-token", e2eAdminToken], in: system.directory)
            #expect(off == 0, "\(offOutput)")
            #expect(await eventually(timeout: .seconds(6)) {
                (try? await scim.send("GET", "/scim/v2/Users/\(ids["cid"]!)"))?.object["meta"]?.objectValue?["lastLogin"] == nil
            }, "hidden again once off")
        }
    }
}
