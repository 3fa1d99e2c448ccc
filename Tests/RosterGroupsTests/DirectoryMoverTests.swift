import Foundation
import GRDB
@testable import RosterGroups
import RosterPersistence
import RosterProtocol
import RosterTestSupport
import SCIMCore
import Testing

/// `roster reshard`'s two steps on two real groups stores: the copy keeps members with their
/// group (re-pointed at the new `seq`), brings the applied-event ids, can be repeated, and the
/// delete leaves nothing of the directory behind.
struct DirectoryMoverTests {
    @Test func aDirectoryCopiesWholeTwiceWithoutDuplicatesAndDeletesCleanly() throws {
        try withStore(migrator: GroupStore.migrator, commands: GroupStore.commands) { source, sourcePool, sourcePath in
            try withStore(migrator: GroupStore.migrator, commands: GroupStore.commands) { target, targetPool, targetPath in
                // The target already holds another directory: its rows and seqs must not move.
                _ = try target.run(CreateGroup(directoryID: "stay", attributes: groupAttributes("Stay"), members: [GroupMember(value: "s1")]))
                let team = try source.run(CreateGroup(directoryID: "d", attributes: groupAttributes("Team"), members: [GroupMember(value: "u1"), GroupMember(value: "u2")]))
                _ = try source.run(CreateGroup(directoryID: "d", attributes: groupAttributes("Empty"), members: []))
                _ = try source.run(CreateGroup(directoryID: "other", attributes: groupAttributes("Other"), members: [GroupMember(value: "o1")]))
                try sourcePool.write { try $0.execute(sql: "INSERT INTO appliedEvent (eventId, applied) VALUES ('e1', '2026-12-01T00:00:00Z')") }

                let tables = GroupStore.directoryTables
                let queue = try DatabaseQueue(path: targetPath)
                let first = try DirectoryMover.copy(directory: "d", from: sourcePath, into: queue, tables: tables)
                #expect(first.rows["scimGroup"] == 2 && first.rows["groupMember"] == 2 && first.rows["groupDirectoryCount"] == 1, "\(first)")
                let again = try DirectoryMover.copy(directory: "d", from: sourcePath, into: queue, tables: tables)
                #expect(again == first, "a repeated copy replaces the first")
                let copied = try target.run(GetGroup(directoryID: "d", id: team.resource.id, includeMembers: true))
                #expect(copied.members?.map(\.value).sorted() == ["u1", "u2"] && copied.resource.version == team.resource.version && copied.resource.created == team.resource.created)
                #expect(try target.run(GetGroup(directoryID: "stay", id: try targetPool.read { try String.fetchOne($0, sql: "SELECT id FROM scimGroup WHERE directoryId = 'stay'")! },
                                                includeMembers: true)).members?.map(\.value) == ["s1"])
                #expect(try targetPool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM scimGroup WHERE directoryId = 'd'") } == 2)
                #expect(try targetPool.read { try String.fetchAll($0, sql: "SELECT eventId FROM appliedEvent") } == ["e1"], "applied events go along")
                #expect(try targetPool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM scimGroup WHERE directoryId = 'other'") } == 0)

                try DirectoryMover.delete(directory: "d", from: try DatabaseQueue(path: sourcePath), tables: tables)
                let left = try sourcePool.read { try DirectoryMover.directories($0, tables: tables) }
                #expect(left == ["other"])
                #expect(try sourcePool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM groupMember") } == 1, "only the other directory's member is left")
                try sourcePool.read { try DirectoryMover.checkKnown($0, tables: tables) }
            }
        }
    }

    @Test func aStoreWithATableReshardingDoesNotKnowIsRefused() throws {
        try withStore(migrator: GroupStore.migrator, commands: GroupStore.commands) { _, pool, _ in
            try pool.write { try $0.execute(sql: "CREATE TABLE groupNote (directoryId TEXT, note TEXT)") }
            #expect {
                try pool.read { try DirectoryMover.checkKnown($0, tables: GroupStore.directoryTables) }
            } throws: { "\($0)".contains("groupNote") }
        }
    }
}

/// The groups store as a shard of an online reshard (the users store's are in DirectoryGateTests).
struct GroupsDirectoryGateTests {
    /// Every groups command on one directory is checked by the gate, the outbox's events included:
    /// an event for a directory that is leaving waits (503) and reaches it on its new shard.
    @Test func everyGroupsCommandOnADirectoryIsCheckedByTheGate() {
        let unscoped = GroupStore.commands.names.subtracting(GroupStore.commands.scoped)
        #expect(unscoped == [RemoveDirectoryBatch.name], "\(unscoped.sorted())")
    }

    @Test func anEventForAMovingDirectoryWaitsAndIsNotApplied() throws {
        try withStore(migrator: GroupStore.migrator, commands: GroupStore.commands, directoryTables: GroupStore.directoryTables) { store, _, _ in
            _ = try store.run(SetDirectoryMove(directoryID: "a", state: .moving))
            let refused = expectSCIMError(status: 503, scimType: nil) {
                try store.run(JoinGroups(eventID: "e1", directoryID: "a", userID: "u1", display: "U", groupNames: ["Staff"]))
            }
            #expect(refused?.isDirectoryMove == true)
        }
    }
}

/// A user mapped under a new id (its SCIM data had been cleared) keeps its memberships.
struct ReassignedMemberTests {
    @Test func aReassignedUserKeepsItsGroupsUnderItsNewIdOnce() throws {
        try withStore(migrator: GroupStore.migrator, commands: GroupStore.commands) { store, _, _ in
            let group = try store.run(CreateGroup(directoryID: "d", attributes: ["schemas": .array([.string(CoreSchemas.groupURN)]), "displayName": .string("Staff")],
                                                  members: [GroupMember(value: "old-id", display: "B", type: "User")]))
            let event = ApplyUserEvent(eventID: "e1", kind: .reassigned, directoryID: "d", userID: "old-id", display: nil, newID: "new-id")
            _ = try store.run(event)
            _ = try store.run(event)
            let members = try store.run(GetGroup(directoryID: "d", id: group.resource.id, includeMembers: true)).members ?? []
            #expect(members.map(\.value) == ["new-id"], "\(members)")
        }
    }
}

/// Clear SCIM data and map for groups: a cleared group keeps its members out of SCIM's sight,
/// its displayName reserved; a user joining it by name meanwhile joins it there; a map creates it
/// again under a new id with every member.
struct ClearedGroupTests {
    @Test func aClearedGroupIsReservedKeepsItsMembersAndComesBackUnderANewId() throws {
        try withStore(migrator: GroupStore.migrator, commands: GroupStore.commands) { store, _, _ in
            let staff: [String: JSONValue] = ["schemas": .array([.string(CoreSchemas.groupURN)]), "displayName": .string("Staff"), "externalId": .string("okta-g1")]
            let group = try store.run(CreateGroup(directoryID: "d", attributes: staff, members: [GroupMember(value: "u1", display: "One", type: "User")]))
            #expect(try store.run(ClearGroupsBatch(directoryID: "d", limit: 500)) == RemovedBatch(removed: 1, remaining: 0))
            expectSCIMError(status: 404, scimType: nil) { try store.run(GetGroup(directoryID: "d", id: group.resource.id, includeMembers: true)) }
            expectSCIMError(status: 409, scimType: .uniqueness) {
                try store.run(CreateGroup(directoryID: "d", attributes: ["schemas": .array([.string(CoreSchemas.groupURN)]), "displayName": .string("staff")], members: []))
            }
            _ = try store.run(JoinGroups(eventID: "j1", directoryID: "d", userID: "u2", display: "Two", groupNames: ["STAFF"]))
            _ = try store.run(ApplyUserEvent(eventID: "r1", kind: .reassigned, directoryID: "d", userID: "u1", display: nil, newID: "u1-new"))
            #expect(try store.run(MapGroupsBatch(directoryID: "d", limit: 500)) == RemovedBatch(removed: 1, remaining: 0))
            let back = try store.run(QueryGroups(query: ResourceQuery(directoryID: "d", filter: #"displayName eq "Staff""#, startIndex: 1, count: 10, sortBy: nil, descending: false, locationPrefix: ""),
                                                 includeMembers: true)).groups
            try #require(back.count == 1)
            #expect(back[0].resource.id != group.resource.id && back[0].resource.attributes["externalId"] == nil)
            #expect((back[0].members ?? []).map(\.value).sorted() == ["u1-new", "u2"], "\(String(describing: back[0].members))")
        }
    }
}
