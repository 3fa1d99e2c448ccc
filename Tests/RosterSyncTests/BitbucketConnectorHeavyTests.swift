import Foundation
import GRDB
import Logging
import RosterApps
import RosterPersistence
import RosterProtocol
@testable import RosterSync
import RosterTestSupport
import SCIMCore
import Testing

/// The Bitbucket client and the connector's applier against the Bitbucket stand-in (a contract
/// test double of Bitbucket Data Center 8.x's admin REST API, run as a process), with a real
/// sync store for the mirror. "Heavy": it starts processes, so it runs in the serial phase with the
/// end-to-end suites (beside the parallel unit tests it made BridgeTests' in-process echo worker
/// unreachable on this 2-core machine; see docs/decisions.md).
@Suite(.serialized)
struct BitbucketConnectorHeavyTests {
    /// A worker that is never reached: every event here names users the mirror or the snapshot knows.
    struct Unreachable: CommandTransport {
        func send(name: String, payload: [UInt8], shardKey: String) async throws(SCIMError) -> [UInt8] { throw SCIMError(status: 503, detail: "not in this test") }
    }

    func withStandIn(_ arguments: [String] = [], _ body: (BitbucketStandInProcess, BitbucketClient) async throws -> Void) async throws {
        let directory = try TestProcesses.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let standIn = BitbucketStandInProcess(directory: directory, arguments: arguments, persistent: false)
        try await standIn.start()
        do {
            let client = BitbucketClient(baseURL: URL(string: standIn.url)!, credentials: .basic(username: BitbucketStandInProcess.username, password: BitbucketStandInProcess.password),
                                         timeout: .seconds(10))
            try await body(standIn, client)
        } catch {
            await standIn.stop()
            throw error
        }
        await standIn.stop()
    }

    func event(_ type: String, _ id: String, _ data: [String: JSONValue], seq: Int64 = 1) -> ChangeEvent {
        ChangeEvent(eventID: UUID().uuidString, directoryID: "d", type: type, resourceType: type.hasPrefix("user") ? "User" : "Group", resourceID: id, version: 1,
                    at: "2026-12-02T00:00:00.000Z", data: WireJSON.bytes(data), seq: seq)
    }

    func user(_ name: String, display: String, active: Bool = true) -> [String: JSONValue] {
        ["userName": .string(name), "displayName": .string(display), "active": .bool(active), "emails": .array([.object(["value": .string(name), "primary": .bool(true)])])]
    }

    @Test func aCreateIsReadBackAndASecondCreateOfTheNameIsMappedNotFailed() async throws {
        try await withStandIn { _, client in
            #expect(try await client.createUser(name: "Jane@Example.com", displayName: "Jane", email: "jane@example.com", addToDefaultGroup: true))
            #expect(try await client.createUser(name: "jane@example.com", displayName: "Jane", email: "jane@example.com", addToDefaultGroup: true) == false)
            let read = try #require(try await client.user(named: "JANE@example.com"))
            #expect(read.name == "Jane@Example.com" && read.slug == "jane_example.com" && read.emailAddress == "jane@example.com")
            #expect(try await client.groups(of: read.name) == ["stash-users"])
            #expect(try await client.deleteUser(name: read.name))
            #expect(try await client.deleteUser(name: read.name) == false, "a 404 on delete is done")
        }
    }

    @Test func refusalsAreClassifiedForRetryOrForAnOperator() async throws {
        try await withStandIn { standIn, client in
            let wrong = BitbucketClient(baseURL: client.baseURL, credentials: .basic(username: "svc-roster", password: "wrong"), timeout: .seconds(5))
            let unauthorised = await Self.failure { () async throws(BitbucketError) in _ = try await wrong.groups(start: 0, limit: 10) }
            #expect(unauthorised?.status == 401 && unauthorised?.needsOperator == true && unauthorised?.isTransient == false, "\(String(describing: unauthorised))")
            _ = try await standIn.admin.send("POST", "/_standin/fail", body: #"{"status":503,"count":1}"#)
            let unavailable = await Self.failure { () async throws(BitbucketError) in _ = try await client.groups(start: 0, limit: 10) }
            #expect(unavailable?.status == 503 && unavailable?.isTransient == true)
            _ = try await standIn.admin.send("POST", "/_standin/fail", body: #"{"status":429,"count":1}"#)
            let throttled = await Self.failure { () async throws(BitbucketError) in _ = try await client.groups(start: 0, limit: 10) }
            #expect(throttled?.status == 429 && throttled?.isTransient == true && throttled?.retryAfter == .seconds(1))
            // The stand-in works again.
            #expect(try await client.groups(start: 0, limit: 10).values.map(\.name) == ["stash-users"])
            await standIn.stop()
            let down = await Self.failure { () async throws(BitbucketError) in _ = try await client.groups(start: 0, limit: 10) }
            #expect(down?.status == 0 && down?.isTransient == true)
        }
    }

    @Test func aLicenceLimitIsAForbiddenThatNamesTheLicence() async throws {
        try await withStandIn(["--licence-limit", "1"]) { _, client throws in
            #expect(try await client.createUser(name: "one", displayName: "One", email: "one@example.com", addToDefaultGroup: true))
            let refusal = await Self.failure { () async throws(BitbucketError) in _ = try await client.createUser(name: "two", displayName: "Two", email: "two@example.com", addToDefaultGroup: true) }
            #expect(refusal?.status == 403 && refusal?.needsOperator == true, "\(String(describing: refusal))")
            guard let refusal, case .stop(let reason) = AppConnector.verdict(refusal, event: event("user.created", "u2", [:]), appID: "a1") else { Issue.record("not stopped"); return }
            #expect(reason.contains("licence limit") && reason.contains("roster app resume a1"), "\(reason)")
        }
    }

    /// The error a call fails with (nil: it did not fail).
    static func failure(_ body: () async throws(BitbucketError) -> Void) async -> BitbucketError? {
        do { try await body(); return nil } catch { return error }
    }

    func withApplier(_ client: BitbucketClient, groupMap: [String: String] = [:], _ body: (BitbucketApplier, DatabasePool) async throws -> Void) async throws {
        let directory = try TestProcesses.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let pool = try StoreDatabase.open(path: directory.appendingPathComponent("sync.sqlite").path, migrator: SyncStore.migrator, logger: Logger(label: "test"))
        var app = App()
        app.id = "a1"
        app.directoryID = "d"
        app.groupMap = groupMap
        app.addToDefaultGroup = false
        try await body(BitbucketApplier(app: app, client: client, pool: pool, users: Unreachable(), groups: Unreachable()), pool)
    }

    @Test func disablingTakesAwayTheLicenceAndEnablingRestoresExactlyIt() async throws {
        try await withStandIn { standIn, client in
            try await withApplier(client, groupMap: ["Bitbucket Users": "stash-users"]) { applier, _ in
                _ = try await applier.apply(event("user.created", "u1", user("kim", display: "Kim")))
                _ = try await applier.apply(event("group.created", "g1", ["displayName": .string("Bitbucket Users")]))
                _ = try await applier.apply(event("group.created", "g2", ["displayName": .string("Design")]))
                for g in ["g1", "g2"] { _ = try await applier.apply(event("group.member.added", g, ["value": .string("u1")])) }
                _ = try await standIn.send("PUT", "/rest/api/latest/admin/permissions/users?name=kim&permission=PROJECT_CREATE")
                _ = try await applier.apply(event("user.disabled", "u1", user("kim", display: "Kim", active: false)))
                var kim = try #require(try await standIn.state().users["kim"])
                #expect(kim["groups"] == .array([.string("Design")]) && kim["permission"] == .null && kim["licensed"] == .bool(false), "\(kim)")
                // A repeat of the event sends nothing.
                let before = try await standIn.requests().total
                _ = try await applier.apply(event("user.disabled", "u1", user("kim", display: "Kim", active: false)))
                #expect(try await standIn.requests().total == before)
                _ = try await applier.apply(event("user.enabled", "u1", user("kim", display: "Kim")))
                kim = try #require(try await standIn.state().users["kim"])
                #expect(kim["groups"] == .array([.string("Design"), .string("stash-users")]) && kim["permission"] == .string("PROJECT_CREATE"), "\(kim)")
            }
        }
    }

    @Test func aRepeatedFlowSendsNothingAndAGroupRenameIsANote() async throws {
        try await withStandIn { standIn, client in
            try await withApplier(client) { applier, _ in
                let flow = [event("user.created", "u1", user("lee", display: "Lee")), event("group.created", "g1", ["displayName": .string("Ops")]),
                            event("group.member.added", "g1", ["value": .string("u1")]), event("user.updated", "u1", user("lee", display: "Lee Park")),
                            event("user.renamed", "u1", user("lee.park", display: "Lee Park"))]
                // Each event delivered again (its cursor was not recorded before a kill) finds its effect there.
                for e in flow {
                    _ = try await applier.apply(e)
                    let requests = try await standIn.requests().total
                    _ = try await applier.apply(e)
                    #expect(try await standIn.requests().total == requests, "\(e.type) sent again")
                }
                let (users, groups) = try await standIn.state()
                #expect(users["lee.park"]?["displayName"] == .string("Lee Park") && users["lee"] == nil)
                #expect(groups["Ops"] == ["lee.park"])
                let notes = try await applier.apply(event("group.renamed", "g1", ["displayName": .string("Operations")]))
                #expect(notes.count == 1 && notes[0].contains("cannot rename"))
                #expect(try await standIn.state().groups["Ops"] != nil)
                _ = try await applier.apply(event("group.member.removed", "g1", ["value": .string("u1")]))
                _ = try await applier.apply(event("group.deleted", "g1", ["id": .string("g1")]))
                _ = try await applier.apply(event("user.deleted", "u1", ["id": .string("u1")]))
                let after = try await standIn.state()
                #expect(after.users["lee.park"] == nil && after.groups["Ops"] == nil)
            }
        }
    }
    @Test func anAccountOfAReadOnlyDirectoryKeepsItsDetailsAndGroups() async throws {
        try await withStandIn { standIn, client in
            try await withApplier(client) { applier, _ in
                _ = try await applier.apply(event("user.created", "u1", user("ldap.user", display: "LDAP User")))
                _ = try await applier.apply(event("group.created", "g1", ["displayName": .string("Readers")]))
                // The account is now in a read-only directory (LDAP, Crowd): the connector must not try to edit it.
                _ = try await standIn.admin.send("POST", "/_standin/flags", body: #"{"name":"ldap.user","mutableDetails":false,"mutableGroups":false}"#)
                // Its mirror learns that at the next read of the account: a 409 create maps it again.
                _ = try await applier.write { try AppMirror(appID: "a1").removeUser($0, "u1") }
                _ = try await applier.apply(event("user.updated", "u1", user("ldap.user", display: "LDAP User")))
                let before = try await standIn.requests()
                _ = try await applier.apply(event("user.updated", "u1", user("ldap.user", display: "Renamed In SCIM")))
                let notes = try await applier.apply(event("group.member.added", "g1", ["value": .string("u1")]))
                let after = try await standIn.requests()
                #expect(after.writes == before.writes, "no write to a read-only account: \(after.byRoute)")
                #expect(notes.count == 1 && notes[0].contains("read-only"), "\(notes)")
                let account = try #require(try await standIn.state().users["ldap.user"])
                #expect(account["displayName"] == .string("LDAP User") && account["groups"] == .array([]), "\(account)")
            }
        }
    }
}
