import Foundation
import RosterTestSupport
import SCIMCore
import Testing

/// The Bitbucket connector end to end: real processes (Roster's and the Bitbucket stand-in, a
/// contract test double of Bitbucket Data Center 8.x's admin REST API), an Okta-shaped flow
/// through SCIM, and the stand-in's state compared with what the flow must leave there.
@Suite(.serialized)
struct BitbucketHeavyEndToEndTests {
    static let syncArguments = ["--apps-allow-plain-http", "true", "--apps-retry-base-ms", "100", "--apps-retry-max-ms", "1000"]
    static let patchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp"

    /// An Okta-shaped user (IDP-NOTES: Okta's POST /Users).
    static func oktaUser(_ userName: String, _ given: String, _ family: String) -> JSONValue {
        TestHTTP.user(userName, extra: [
            "name": .object(["givenName": .string(given), "familyName": .string(family)]),
            "emails": .array([.object(["primary": .bool(true), "value": .string(userName), "type": .string("work")])]),
            "displayName": .string("\(given) \(family)"), "locale": .string("en-US"), "externalId": .string("00u\(given.lowercased())"),
            "groups": .array([]), "active": .bool(true),
        ])
    }

    static func patch(_ operations: String) -> JSONValue { json(#"{"schemas":["\#(patchOp)"],"Operations":\#(operations)}"#) }

    /// Makes the link of the default directory to the stand-in; its id.
    static func link(_ admin: TestHTTP, _ bitbucket: BitbucketStandInProcess, password: String = BitbucketStandInProcess.password) async throws -> String {
        let body = #"{"kind":"bitbucket","url":"\#(bitbucket.url)","username":"svc-roster","password":"\#(password)","groupMap":{"Bitbucket Users":"stash-users"},"addToDefaultGroup":false}"#
        let created = try await admin.send("POST", "/admin/api/v1/directories/default/apps", body: body, headers: ["Content-Type": "application/json"])
        #expect(created.status == 201, "\(created.object)")
        #expect(created.object["password"] == nil && !String(decoding: created.body, as: UTF8.self).contains(password), "never answered")
        return try #require(created.object["id"]?.stringValue)
    }

    /// The link, once it has applied everything the feed has (or nil).
    static func caughtUp(_ admin: TestHTTP, _ id: String, timeout: Duration = .seconds(60)) async -> [String: JSONValue]? {
        // Caught up at two polls in a row (100 ms apart) at the same head: the relay delivers a commit's
        // events to the feed within milliseconds, so a head that stays put has them all.
        var app: [String: JSONValue] = [:], settled: JSONValue?
        let done = await eventually(timeout: timeout) {
            app = (try? await admin.send("GET", "/admin/api/v1/apps/\(id)"))?.object ?? [:]
            guard case .int(let lag)? = app["lag"], case .int(let head)? = app["head"], lag == 0, head > 0 else { settled = nil; return false }
            defer { settled = app["head"] }
            return settled == app["head"]
        }
        return done ? app : nil
    }

    /// The Okta flow: create, update, group push, member add and remove, deactivate, reactivate,
    /// delete, group rename. `between` runs after each step (to kill or stop something).
    static func oktaFlow(_ scim: TestHTTP, between: (Int) async throws -> Void = { _ in }) async throws {
        var ids: [String: String] = [:]
        for (name, given, family) in [("alice@example.com", "Alice", "Smith"), ("bob@example.com", "Bob", "Jones"), ("carol@example.com", "Carol", "White"),
                                      ("dave@example.com", "Dave", "Brown")] {
            let created = try await scim.send("POST", "/scim/v2/Users", json: oktaUser(name, given, family))
            #expect(created.status == 201, "\(created.object)")
            ids[name] = try #require(created.object["id"]?.stringValue)
        }
        try await between(1)
        // Okta's profile push: PUT of the whole user.
        var alice = oktaUser("alice@example.com", "Alice", "Smith-Jones").objectValue!
        alice["emails"] = .array([.object(["primary": .bool(true), "value": .string("alice.sj@example.com"), "type": .string("work")])])
        #expect(try await scim.send("PUT", "/scim/v2/Users/\(ids["alice@example.com"]!)", json: .object(alice)).status == 200)
        // Group push: the group, then its members in a PATCH (with Okta's displayName replace).
        let engineering = try await scim.send("POST", "/scim/v2/Groups", json: json(#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Engineering","members":[]}"#))
        let engineeringID = try #require(engineering.object["id"]?.stringValue)
        let licence = try await scim.send("POST", "/scim/v2/Groups", json: json(#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Bitbucket Users","members":[]}"#))
        let licenceID = try #require(licence.object["id"]?.stringValue)
        try await between(2)
        func members(_ names: [String]) -> String { names.map { #"{"value":"\#(ids[$0]!)","display":"\#($0)"}"# }.joined(separator: ",") }
        #expect(try await scim.send("PATCH", "/scim/v2/Groups/\(engineeringID)", json: patch(#"[{"op":"replace","value":{"id":"\#(engineeringID)","displayName":"Engineering"}},{"op":"add","path":"members","value":[\#(members(["alice@example.com", "bob@example.com", "dave@example.com"]))]}]"#)).status < 300)
        #expect(try await scim.send("PATCH", "/scim/v2/Groups/\(licenceID)", json: patch(#"[{"op":"add","path":"members","value":[\#(members(["alice@example.com", "bob@example.com", "carol@example.com", "dave@example.com"]))]}]"#)).status < 300)
        try await between(3)
        // Member removal, Okta's form.
        #expect(try await scim.send("PATCH", "/scim/v2/Groups/\(engineeringID)", json: patch(#"[{"op":"remove","path":"members[value eq \"\#(ids["bob@example.com"]!)\"]"}]"#)).status < 300)
        // Deactivate carol, then reactivate her; deactivate bob for good.
        for (user, active) in [("carol@example.com", false), ("bob@example.com", false), ("carol@example.com", true)] {
            #expect(try await scim.send("PATCH", "/scim/v2/Users/\(ids[user]!)", json: patch(#"[{"op":"replace","value":{"active":\#(active)}}]"#)).status == 200)
        }
        try await between(4)
        #expect(try await scim.send("DELETE", "/scim/v2/Users/\(ids["dave@example.com"]!)").status == 204)
        // Bitbucket cannot rename groups: the link notes it, the group keeps its name there.
        #expect(try await scim.send("PATCH", "/scim/v2/Groups/\(engineeringID)", json: patch(#"[{"op":"replace","path":"displayName","value":"Platform Engineering"}]"#)).status < 300)
    }

    /// What the Okta flow leaves in Bitbucket.
    static func expectFlowResult(_ bitbucket: BitbucketStandInProcess, _ app: [String: JSONValue]) async throws {
        let (users, groups) = try await bitbucket.state()
        #expect(Set(users.keys) == ["alice@example.com", "bob@example.com", "carol@example.com"], "dave deleted: \(users.keys.sorted())")
        #expect(users["alice@example.com"]?["displayName"] == .string("Alice Smith-Jones"))
        #expect(users["alice@example.com"]?["emailAddress"] == .string("alice.sj@example.com"))
        #expect(users["alice@example.com"]?["groups"] == .array([.string("Engineering"), .string("stash-users")]))
        // Bob is disabled: out of the licence group, so holding no seat; out of Engineering too (removed before).
        #expect(users["bob@example.com"]?["groups"] == .array([]), "\(users["bob@example.com"] ?? [:])")
        #expect(users["bob@example.com"]?["licensed"] == .bool(false))
        // Carol was disabled then enabled: back in the licence group exactly.
        #expect(users["carol@example.com"]?["groups"] == .array([.string("stash-users")]))
        #expect(users["carol@example.com"]?["licensed"] == .bool(true))
        #expect(groups["Engineering"] == ["alice@example.com"])
        #expect(groups["stash-users"] == ["alice@example.com", "carol@example.com"])
        #expect(groups["Platform Engineering"] == nil && groups["Bitbucket Users"] == nil)
        #expect(app["notes"]?.arrayValue?.contains { $0.stringValue?.contains("cannot rename groups") == true } == true, "\(app["notes"] ?? .null)")
    }

    /// The system with the feed, the stand-in, and the default directory linked to it; both stopped after.
    static func withLinkedSystem(_ body: (RunningSystem, BitbucketStandInProcess, TestHTTP, String) async throws -> Void) async throws {
        try await withRunningSystem(configure: { $0.feed = true; $0.syncArguments = Self.syncArguments }) { system in
            try #require(await system.ready(), "\(system.logText)")
            let bitbucket = BitbucketStandInProcess(directory: system.directory)
            try await bitbucket.start()
            do {
                let admin = TestHTTP(base: system.http.base, token: e2eAdminToken)
                try await body(system, bitbucket, admin, try await Self.link(admin, bitbucket))
            } catch {
                await bitbucket.stop()
                throw error
            }
            await bitbucket.stop()
        }
    }

    @Test func anOktaFlowEndsWithBitbucketInExactlyTheExpectedState() async throws {
        try await Self.withLinkedSystem { system, bitbucket, admin, id in
            try await Self.oktaFlow(system.http)
            let app = try #require(await Self.caughtUp(admin, id), "\(system.logText)")
            #expect(app["state"] == .string("active") && app["lastError"] == .string(""), "\(app)")
            try await Self.expectFlowResult(bitbucket, app)
            // The password: sealed in the store, never logged.
            let store = try Data(contentsOf: system.directory.appendingPathComponent("sync.sqlite"))
            #expect(store.range(of: Data(BitbucketStandInProcess.password.utf8)) == nil)
            #expect(!system.logText.contains(BitbucketStandInProcess.password))

            // Wrong credentials: the link stops on the event with the reason; new ones resume it.
            let credentials = try await admin.send("PUT", "/admin/api/v1/apps/\(id)/credentials", body: #"{"password":"wrong-password-123"}"#, headers: ["Content-Type": "application/json"])
            #expect(credentials.status == 200)
            #expect(try await system.http.send("POST", "/scim/v2/Users", json: Self.oktaUser("erin@example.com", "Erin", "Green")).status == 201)
            var stopped: [String: JSONValue] = [:]
            #expect(await eventually(timeout: .seconds(30)) {
                stopped = (try? await admin.send("GET", "/admin/api/v1/apps/\(id)"))?.object ?? [:]
                return stopped["state"] == .string("stopped")
            }, "\(stopped)")
            #expect(stopped["reason"]?.stringValue?.contains("401") == true && stopped["reason"]?.stringValue?.contains("roster app credentials") == true, "\(stopped)")
            #expect(try await bitbucket.state().users["erin@example.com"] == nil)
            _ = try await admin.send("PUT", "/admin/api/v1/apps/\(id)/credentials", body: #"{"password":"\#(BitbucketStandInProcess.password)"}"#, headers: ["Content-Type": "application/json"])
            #expect(await Self.caughtUp(admin, id) != nil)
            #expect(try await bitbucket.state().users["erin@example.com"] != nil, "applied once resumed")

            // A configuration whose delete mode is disable: its SCIM DELETE disables the account in
            // Bitbucket (out of the licence group), and the account stays.
            let entra = try await admin.send("POST", "/admin/api/v1/configurations", body: #"{"name":"entra","directoryId":"default","deleteMode":"disable"}"#,
                                             headers: ["Content-Type": "application/json"])
            let scim = TestHTTP(base: system.http.base, token: try #require(entra.object["token"]?.stringValue, "\(entra.object)"))
            var frank: TestHTTP.Reply?
            #expect(await eventually { frank = try? await scim.send("POST", "/scim/v2/Users", json: Self.oktaUser("frank@example.com", "Frank", "Moss")); return frank?.status == 201 })
            let frankID = try #require(frank?.object["id"]?.stringValue)
            let licence = try #require(try await scim.send("GET", "/scim/v2/Groups?filter=displayName%20eq%20%22Bitbucket%20Users%22").object["Resources"]?.arrayValue?.first?.objectValue?["id"]?.stringValue)
            #expect(try await scim.send("PATCH", "/scim/v2/Groups/\(licence)", json: Self.patch(#"[{"op":"add","path":"members","value":[{"value":"\#(frankID)"}]}]"#)).status < 300)
            #expect(await eventually { (try? await bitbucket.state().users["frank@example.com"]?["groups"]) == .array([.string("stash-users")]) })
            #expect(try await scim.send("DELETE", "/scim/v2/Users/\(frankID)").status == 204)
            #expect(await eventually { (try? await bitbucket.state().users["frank@example.com"]?["licensed"]) == .bool(false) }, "disabled")
            let disabled = try #require(try await bitbucket.state().users["frank@example.com"], "disabled, not deleted")
            #expect(disabled["groups"] == .array([]), "\(disabled)")
        }
    }

    @Test func theAdminAPIRefusesABadLinkWithASCIMErrorAndTheCLINeverShowsThePassword() async throws {
        try await Self.withLinkedSystem { system, bitbucket, admin, id in
            let json = ["Content-Type": "application/json"]
            func refused(_ method: String, _ path: String, _ body: String?, _ status: Int, _ scimType: String?) async throws {
                let reply = try await admin.send(method, "/admin/api/v1/\(path)", body: body, headers: json)
                #expect(reply.status == status && reply.object["status"] == .string(String(status)), "\(method) \(path): \(reply.object)")
                #expect(reply.object["scimType"]?.stringValue == scimType, "\(method) \(path): \(reply.object)")
                #expect(reply.object["detail"]?.stringValue?.isEmpty == false)
            }
            try await refused("POST", "directories/default/apps", #"{"kind":"bitbucket","url":"\#(bitbucket.url)","username":"svc-roster"}"#, 400, "invalidValue")
            try await refused("POST", "directories/default/apps", #"{"kind":"bitbucket","url":"\#(bitbucket.url)","password":"x","token":"y","username":"u"}"#, 400, "invalidValue")
            try await refused("POST", "directories/default/apps", #"{"kind":"bitbucket","url":"\#(bitbucket.url)","token":"t","colour":"red"}"#, 400, "invalidValue")
            try await refused("POST", "directories/default/apps", #"{"kind":"jira","url":"\#(bitbucket.url)","token":"t"}"#, 400, "invalidValue")
            try await refused("POST", "directories/default/apps", #"{"kind":"bitbucket","url":"\#(bitbucket.url)","token":"t","groupMap":["x"]}"#, 400, "invalidValue")
            try await refused("POST", "directories/default/apps", #"{"kind":"bitbucket","url":"\#(bitbucket.url)","token":"t","loginsEverySeconds":"often"}"#, 400, "invalidValue")
            try await refused("POST", "directories/default/apps", "{not json", 400, "invalidSyntax")
            // As everywhere in the admin API, an unknown directory is a bad value of the request.
            try await refused("POST", "directories/nowhere/apps", #"{"kind":"bitbucket","url":"\#(bitbucket.url)","token":"t"}"#, 400, "invalidValue")
            try await refused("GET", "apps/no-such-link", nil, 404, nil)
            try await refused("POST", "apps/\(id)/skip", nil, 409, nil)
            try await refused("PUT", "apps/\(id)/credentials", #"{"token":"a-token-is-not-a-password"}"#, 400, "invalidValue")
            try await refused("POST", "apps/\(id)/reconcile?repair=maybe", nil, 400, "invalidValue")

            // The CLI reads the password from the environment; nothing it prints, and no log, shows it.
            let out = system.directory.appendingPathComponent("app-cli.log")
            let cli = try system.adopt(TestProcesses.launch("roster", [
                "app", "add", "bitbucket", "--directory", "default", "--url", bitbucket.url, "--username", "svc-roster", "--password-env", "BB_PASSWORD",
                "--group-map", "Everyone=stash-users", "--roster-url", system.http.base, "--admin-token", e2eAdminToken,
            ], log: out, environment: ["BB_PASSWORD": "Cli-Pa55word-91d2"]))
            cli.waitUntilExit()
            let printed = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
            #expect(cli.terminationStatus == 0, "\(printed)")
            #expect(printed.contains("application link") && !printed.contains("Cli-Pa55word"), "\(printed)")
            #expect(!system.logText.contains("Cli-Pa55word"))
            let listed = try await admin.send("GET", "/admin/api/v1/apps")
            #expect(listed.object["apps"]?.arrayValue?.count == 2 && !String(decoding: listed.body, as: UTF8.self).contains("Cli-Pa55word"))
        }
    }

    @Test func theFlowArrivesWholeThroughASyncKillAndABitbucketOutage() async throws {
        try await Self.withLinkedSystem { system, bitbucket, admin, id in
            try await Self.oktaFlow(system.http) { step in
                switch step {
                case 2:
                    // roster-sync killed mid-flow, and started again.
                    if let sync = system.sync { await TestProcesses.stop(sync, signal: SIGKILL) }
                    try system.startSync()
                case 3:
                    // Bitbucket goes down for a while.
                    await bitbucket.stop()
                default: break
                }
            }
            // While it is down the link retries, active, saying why.
            var app: [String: JSONValue] = [:]
            #expect(await eventually(timeout: .seconds(30)) {
                app = (try? await admin.send("GET", "/admin/api/v1/apps/\(id)"))?.object ?? [:]
                guard case .int(let streak)? = app["failureStreak"] else { return false }
                return streak >= 2
            }, "\(app)")
            #expect(app["state"] == .string("active") && app["lastError"]?.stringValue?.contains("no answer") == true, "\(app)")
            try await bitbucket.start()
            let done = try #require(await Self.caughtUp(admin, id), "\(system.logText)")
            try await Self.expectFlowResult(bitbucket, done)
            // Once: each account was made by one create (a repeat after the kill is a 409 mapped, not a second account).
            #expect(try await bitbucket.requests().byRoute["POST /admin/users", default: 0] <= 5)
        }
    }
}

/// Existing accounts: a Bitbucket of 10,000 users, 200 groups and 50,000 memberships mapped into
/// an empty directory as a job, changing nothing in Bitbucket; then a reconcile that finds
/// exactly the drift planted behind Roster's back, and repairs it; then the last logins.
@Suite(.serialized)
struct BitbucketMappingHeavyEndToEndTests {
    static let json = ["Content-Type": "application/json"]

    static func job(_ admin: TestHTTP, _ path: String) async throws -> [String: JSONValue] {
        let queued = try await admin.send("POST", path)
        #expect(queued.status == 202, "\(queued.object)")
        let id = try #require(queued.object["id"]?.stringValue)
        var job: [String: JSONValue] = [:]
        #expect(await eventually(timeout: .seconds(600)) {
            job = (try? await admin.send("GET", "/admin/api/v1/jobs/\(id)"))?.object ?? [:]
            return ["done", "failed", "cancelled"].contains(job["state"]?.stringValue ?? "")
        }, "\(job)")
        #expect(job["state"] == .string("done"), "\(job)")
        return job
    }

    static func stat(_ job: [String: JSONValue], _ key: String) -> Int64 {
        if case .int(let n)? = job["statistics"]?.objectValue?[key] { n } else { -1 }
    }

    static func drift(_ admin: TestHTTP, _ job: [String: JSONValue]) async throws -> [String] {
        let id = job["id"]?.stringValue ?? ""
        return try await admin.send("GET", "/admin/api/v1/jobs/\(id)/drift").object["drift"]?.arrayValue?.compactMap(\.objectValue).map {
            "\($0["kind"]?.stringValue ?? "") \($0["subject"]?.stringValue ?? "")\($0["repaired"] == .bool(true) ? " repaired" : "")"
        } ?? []
    }

    @Test func tenThousandAccountsAreMappedWithoutAWriteAndAPlantedDriftIsFoundExactly() async throws {
        try await withRunningSystem(configure: { $0.feed = true; $0.syncArguments = BitbucketHeavyEndToEndTests.syncArguments }) { system in
            try #require(await system.ready(), "\(system.logText)")
            let bitbucket = BitbucketStandInProcess(directory: system.directory, arguments: ["--seed-users", "10000", "--seed-groups", "200", "--seed-memberships", "50000"],
                                                    persistent: false)
            try await bitbucket.start()
            // Stopped when the test ends, however it ends: the system's stop does not know it.
            system.adopt(try #require(bitbucket.process))
            let admin = TestHTTP(base: system.http.base, token: e2eAdminToken)
            let body = #"{"kind":"bitbucket","url":"\#(bitbucket.url)","username":"svc-roster","password":"\#(BitbucketStandInProcess.password)","loginsEverySeconds":0}"#
            let link = try await admin.send("POST", "/admin/api/v1/directories/default/apps", body: body, headers: Self.json)
            let id = try #require(link.object["id"]?.stringValue, "\(link.object)")
            _ = try await bitbucket.admin.send("POST", "/_standin/requests/reset")

            let started = ContinuousClock.now
            let map = try await Self.job(admin, "/admin/api/v1/apps/\(id)/map")
            // 10,000 users and 201 groups (stash-users too), each created in the directory and mapped.
            #expect(Self.stat(map, "created") == 10_201 && Self.stat(map, "mapped") == 10_201 && Self.stat(map, "failed") == 0, "\(map)")
            #expect(Self.stat(map, "processed") == 10_201, "\(map)")
            print("map of 10,000 users, 200 groups, 50,000 memberships: \(ContinuousClock.now - started)")
            // The feed's events of what the map made reach the link, and it sends nothing: the mirror has them.
            #expect(await BitbucketHeavyEndToEndTests.caughtUp(admin, id, timeout: .seconds(300)) != nil)
            let afterMap = try await bitbucket.requests()
            #expect(afterMap.writes == 0, "the map and the feed after it changed nothing in Bitbucket: \(afterMap.byRoute)")
            #expect(try await system.http.send("GET", "/scim/v2/Users?count=1").object["totalResults"] == .int(10_000))

            // Nothing differs; then drift is planted in Bitbucket, behind Roster's back.
            let clean = try await Self.job(admin, "/admin/api/v1/apps/\(id)/reconcile")
            #expect(try await Self.drift(admin, clean) == [], "\(clean)")
            #expect(try await bitbucket.send("PUT", "/rest/api/latest/admin/users", body: #"{"name":"user00010","displayName":"Drifted Name","email":"user00010@example.com"}"#).status == 200)
            #expect(try await bitbucket.send("POST", "/rest/api/latest/admin/users/remove-group", body: #"{"context":"user00020","itemName":"group-001"}"#).status == 204)
            #expect(try await bitbucket.send("POST", "/rest/api/latest/admin/groups/add-users", body: #"{"group":"group-007","users":["user00040"]}"#).status == 204)
            _ = try await bitbucket.admin.send("POST", "/_standin/requests/reset")
            let found = try await Self.job(admin, "/admin/api/v1/apps/\(id)/reconcile")
            #expect(try await Self.drift(admin, found) == ["user-details user00010", "missing-member group-001/user00020", "extra-member group-007/user00040"])
            #expect(Self.stat(found, "failed") == 3 && Self.stat(found, "processed") == 10_201, "\(found)")
            #expect(try await bitbucket.requests().writes == 0, "a reconcile without repair only reads")
            let repaired = try await Self.job(admin, "/admin/api/v1/apps/\(id)/reconcile?repair=true")
            #expect(try await Self.drift(admin, repaired) == ["user-details user00010 repaired", "missing-member group-001/user00020 repaired", "extra-member group-007/user00040 repaired"])
            #expect(try await bitbucket.requests().writes == 3)
            #expect(try await Self.drift(admin, try await Self.job(admin, "/admin/api/v1/apps/\(id)/reconcile")) == [])

            // Last logins: every third seeded account signed in.
            let logins = try await Self.job(admin, "/admin/api/v1/apps/\(id)/logins")
            #expect(Self.stat(logins, "created") == 3_333 && Self.stat(logins, "processed") == 10_000, "\(logins)")
            _ = try await admin.send("PATCH", "/admin/api/v1/directories/default", body: #"{"settings":{"lastLogin":true}}"#, headers: Self.json)
            #expect(await eventually {
                let user = (try? await system.http.send("GET", "/scim/v2/Users?filter=userName%20eq%20%22user00003%22"))?.object["Resources"]?.arrayValue?.first?.objectValue
                return user?["meta"]?.objectValue?["lastLogin"] == .string("2023-11-14T22:13:23.000Z")
            })
            await bitbucket.stop()
        }
    }
}
