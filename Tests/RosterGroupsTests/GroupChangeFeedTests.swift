import Foundation
import GRDB
@testable import RosterGroups
import RosterPersistence
import RosterProtocol
import RosterTestSupport
import SCIMCore
import Testing

/// What the groups store writes to its change outbox: group events, and one event per member
/// that joined or left, with the group's version after the write.
struct GroupChangeFeedTests {
    func withGroups(_ body: (GroupCommitHandler, DatabasePool) throws -> Void) throws {
        try withStore(migrator: GroupStore.migrator, commands: GroupStore.commands) { store, pool, _ in try body(store, pool) }
    }

    func members(_ events: [ChangeEvent]) -> [String] {
        events.map { e in
            let value = (try? JSONValue.parse(Array(e.data)).objectValue?["value"]?.stringValue) ?? nil
            return value.map { "\(e.type) \($0) v\(e.version)" } ?? "\(e.summary) v\(e.version)"
        }
    }

    @Test func membershipChangesAreOneEventPerMemberAndNetWithinAWrite() throws {
        try withGroups { store, pool throws in
            let g = try store.run(CreateGroup(directoryID: "d", attributes: groupAttributes("Tour Guides"), members: [GroupMember(value: "u1"), GroupMember(value: "u2")]))
            // Okta's add, Entra's remove with a value, and an add-then-remove in one PATCH (no net change).
            _ = try store.patch(g.resource.id, #"[{"op":"add","path":"members","value":[{"value":"u3"},{"value":"u1"}]}]"#)
            _ = try store.patch(g.resource.id, #"[{"op":"remove","path":"members","value":[{"value":"u2"}]}]"#)
            _ = try store.patch(g.resource.id, #"[{"op":"add","path":"members","value":[{"value":"u9"}]},{"op":"remove","path":"members[value eq \"u9\"]"}]"#)
            // A rename and a PUT that swaps u1 for u4.
            _ = try store.patch(g.resource.id, #"[{"op":"replace","path":"displayName","value":"Guides"}]"#)
            _ = try store.run(ReplaceGroup(directoryID: "d", id: g.resource.id, attributes: groupAttributes("Guides"), members: [GroupMember(value: "u3"), GroupMember(value: "u4")], ifMatch: nil))
            _ = try store.run(DeleteGroup(directoryID: "d", id: g.resource.id, ifMatch: nil))
            #expect(members(try changeOutbox(pool)) == [
                "group.created v1", "group.member.added u1 v1", "group.member.added u2 v1",
                "group.member.added u3 v2",
                "group.member.removed u2 v3",
                "group.renamed[displayname] v5",
                "group.member.removed u1 v6", "group.member.added u4 v6",
                "group.deleted v0",
            ])
        }
    }

    @Test func defaultGroupJoinsAndADeletedUsersMembershipsAreEvents() throws {
        try withGroups { store, pool throws in
            _ = try store.run(JoinGroups(eventID: "e1", directoryID: "d", userID: "u1", display: "One", groupNames: ["Everyone"]))
            _ = try store.run(JoinGroups(eventID: "e1", directoryID: "d", userID: "u1", display: "One", groupNames: ["Everyone"]))  // redelivered: nothing
            _ = try store.run(ApplyUserEvent(eventID: "e2", kind: .deleted, directoryID: "d", userID: "u1", display: nil))
            #expect(members(try changeOutbox(pool)) == ["group.created v1", "group.member.added u1 v2", "group.member.removed u1 v3"])
        }
    }
}
