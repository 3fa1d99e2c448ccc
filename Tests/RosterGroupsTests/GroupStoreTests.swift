import Foundation
import GRDB
import Logging
@testable import RosterGroups
import RosterMessaging
import RosterPersistence
import RosterProtocol
import RosterTestSupport
import SCIMCore
import Testing

/// A groups store on a real SQLite file in its own temporary directory.
func withGroupStore(_ body: (GroupCommitHandler) throws -> Void) throws {
    try withStore(migrator: GroupStore.migrator, commands: GroupStore.commands) { store, _, _ in try body(store) }
}

extension GroupCommitHandler {
    func patch(_ id: String, _ operations: String, includeMembers: Bool = true) throws -> StoredGroup {
        try run(PatchGroup(directoryID: "d", id: id, operations: json(operations), ifMatch: nil, includeMembers: includeMembers))
    }
}

func groupAttributes(_ name: String) -> [String: JSONValue] {
    ["schemas": .array([.string(CoreSchemas.groupURN)]), "displayName": .string(name)]
}

struct GroupStoreTests {
    @Test func createStoresMembersAsRowsAndDisplayNameIsUniqueIgnoringCase() throws {
        try withGroupStore { store throws in
            let created = try store.run(CreateGroup(directoryID: "d", attributes: groupAttributes("Tour Guides"), members: [GroupMember(value: "u1"), GroupMember(value: "U2", display: "Two")]))
            #expect(created.members?.map(\.value) == ["u1", "u2"])
            expectSCIMError(status: 409, scimType: .uniqueness) { try store.run(CreateGroup(directoryID: "d", attributes: groupAttributes("tour guides"), members: [])) }
            _ = try store.run(CreateGroup(directoryID: "other", attributes: groupAttributes("tour guides"), members: []))
            let lean = try store.run(GetGroup(directoryID: "d", id: created.resource.id, includeMembers: false))
            #expect(lean.members == nil)
            #expect(throws: SCIMError.resourceNotFound("Group", id: created.resource.id)) {
                try store.run(GetGroup(directoryID: "other", id: created.resource.id, includeMembers: true))
            }
        }
    }

    /// Okta's membership push: remove by filter and add in one request; and its rename with `id` in the value.
    @Test func oktaMembershipPatchAndRename() throws {
        try withGroupStore { store throws in
            let g = try store.run(CreateGroup(directoryID: "d", attributes: groupAttributes("Test SCIMv2"), members: [GroupMember(value: "a"), GroupMember(value: "b")]))
            let id = g.resource.id
            let out = try store.patch(id, #"""
                [{"op":"remove","path":"members[value eq \"a\"]"},{"op":"add","path":"members","value":[{"value":"c","display":"test.user@okta.local"}]}]
                """#)
            #expect(out.members?.map(\.value) == ["b", "c"])
            #expect(out.resource.version == 2)
            let renamed = try store.patch(id, #"[{"op":"replace","value":{"id":"\#(id)","displayName":"Test SCIMv2 renamed"}}]"#)
            #expect(renamed.resource.attributes["displayName"] == .string("Test SCIMv2 renamed"))
            let same = try store.patch(id, #"[{"op":"add","path":"members","value":[{"value":"b"}]}]"#)
            #expect(same.resource.version == renamed.resource.version, "adding an existing member changes nothing")
        }
    }

    /// Entra ID: `Remove` of `members` with a value list; `Add` with capitalised op; full replace.
    @Test func entraMembershipPatchForms() throws {
        try withGroupStore { store throws in
            let g = try store.run(CreateGroup(directoryID: "d", attributes: groupAttributes("G"), members: ["a", "b", "c"].map { GroupMember(value: $0) }))
            let id = g.resource.id
            #expect(try store.patch(id, #"[{"op":"Remove","path":"members","value":[{"value":"a"},{"value":"c"}]}]"#).members?.map(\.value) == ["b"])
            #expect(try store.patch(id, #"[{"op":"Add","path":"members","value":[{"value":"d"}]}]"#).members?.map(\.value) == ["b", "d"])
            #expect(try store.patch(id, #"[{"op":"replace","path":"members","value":[{"value":"e"}]}]"#).members?.map(\.value) == ["e"])
            #expect(try store.patch(id, #"[{"op":"remove","path":"members"}]"#).members == [])
            expectSCIMError(status: 400, scimType: .invalidValue) { try store.patch(id, #"[{"op":"add","path":"members","value":[{"value":"g","type":"Group"}]}]"#) }
        }
    }

    @Test func filtersOnNameExternalIdAndMembers() throws {
        try withGroupStore { store throws in
            _ = try store.run(CreateGroup(directoryID: "d", attributes: groupAttributes("Admins"), members: [GroupMember(value: "u1")]))
            var ext = groupAttributes("Readers")
            ext["externalId"] = .string("R-1")
            _ = try store.run(CreateGroup(directoryID: "d", attributes: ext, members: [GroupMember(value: "u1"), GroupMember(value: "u2")]))
            func names(_ filter: String) throws -> [String] {
                let query = ResourceQuery(directoryID: "d", filter: filter, startIndex: 1, count: 10, sortBy: "displayName", descending: false,
                                          locationPrefix: "https://scim.example.com/scim/v2/Groups/")
                return try store.run(QueryGroups(query: query, includeMembers: false))
                    .groups.compactMap { $0.resource.attributes["displayName"]?.stringValue }
            }
            #expect(try names(#"displayName eq "admins""#) == ["Admins"])
            #expect(try names(#"externalId eq "R-1""#) == ["Readers"])
            #expect(try names(#"members.value eq "u1""#) == ["Admins", "Readers"])
            #expect(try names(#"members[value eq "u2"]"#) == ["Readers"])
            #expect(try names(#"members eq "u2" or displayName sw "ad""#) == ["Admins", "Readers"])
            expectSCIMError(status: 400, scimType: .invalidFilter) { try names(#"nosuch eq "x""#) }
            // Every valid filter works on groups too: derived meta attributes, JSON-only attributes, not.
            #expect(try names(#"meta.resourceType eq "Group""#) == ["Admins", "Readers"])
            #expect(try names(#"meta.resourceType eq "User""#) == [])
            #expect(try names(#"meta.version eq "W/\"1\"""#) == ["Admins", "Readers"])
            #expect(try names(#"meta.location sw "https://scim.example.com/scim/v2/Groups/""#) == ["Admins", "Readers"])
            #expect(try names(#"not (displayName eq "admins") and meta.created pr"#) == ["Readers"])
            #expect(try names(#"members pr and externalId pr"#) == ["Readers"])
            expectSCIMError(status: 400, scimType: .invalidFilter) { try names(#"members.$ref eq "x""#) }
        }
    }

    /// docs/design.md §3: a user's deletion reaches its memberships exactly once, and the user cannot come back as a member.
    @Test func userEventsApplyOnceAndDeletedUsersStayOut() throws {
        try withGroupStore { store throws in
            let g = try store.run(CreateGroup(directoryID: "d", attributes: groupAttributes("G"), members: [GroupMember(value: "u1", display: "old"), GroupMember(value: "u2")]))
            let rename = ApplyUserEvent(eventID: "e1", kind: .renamed, directoryID: "d", userID: "u1", display: "New Name")
            _ = try store.run(rename)
            _ = try store.run(rename)
            let afterRename = try store.run(GetGroup(directoryID: "d", id: g.resource.id, includeMembers: true))
            #expect(afterRename.members?.first { $0.value == "u1" }?.display == "New Name")
            #expect(afterRename.resource.version == 2, "applied once, not twice")
            let delete = ApplyUserEvent(eventID: "e2", kind: .deleted, directoryID: "d", userID: "u1", display: nil)
            _ = try store.run(delete)
            _ = try store.run(delete)
            #expect(try store.run(GetGroup(directoryID: "d", id: g.resource.id, includeMembers: true)).members?.map(\.value) == ["u2"])
            expectSCIMError(status: 400, scimType: .invalidValue) { try store.patch(g.resource.id, #"[{"op":"add","path":"members","value":[{"value":"u1"}]}]"#) }
            let of = try store.run(GroupsOfMembers(directoryID: "d", memberIDs: ["u2", "u1"]))
            #expect(of.groups["u2"]?.map(\.displayName) == ["G"] && of.groups["u1"] == [])
        }
    }
}

struct AppliedEventPrunerTests {
    @Test func oldEventIdsAreForgottenRecentOnesKept() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("roster-prune-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let pool = try StoreDatabase.open(path: directory.appendingPathComponent("groups.sqlite").path, migrator: GroupStore.migrator, logger: Logger(label: "test"))
        try await pool.write { db in
            try db.execute(sql: "INSERT INTO appliedEvent (eventId, applied) VALUES ('old', '2026-01-01T00:00:00.000Z'), ('new', '2026-11-28T00:00:00.000Z')")
        }
        let pruner = GroupStore.appliedEventPruner(pool: pool, logger: Logger(label: "test"))
        let now = try #require(ISO8601DateFormatter().date(from: "2026-11-29T00:00:00Z"))
        #expect(try await pruner.prune(now: now) == 1)
        #expect(try await pool.read { db in try String.fetchAll(db, sql: "SELECT eventId FROM appliedEvent") } == ["new"])
    }
}
