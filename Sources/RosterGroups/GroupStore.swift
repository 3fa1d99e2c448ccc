import Foundation
import GRDB
public import RosterPersistence
import RosterProtocol
import SCIMCore

/// The groups store: groups, and their members as one row each.
public enum GroupStore {
    /// `displayName` and the common attributes are columns; `members` are rows of `groupMember`,
    /// served by its index, so member filters never read a group's JSON.
    public static let table = ResourceTable(
        type: .group, name: "scimGroup", uniqueColumns: ("displayName", "displayNameKey"), countTable: "groupDirectoryCount", countColumn: "groups",
        rows: ["members": .init(from: "groupMember m", join: "m.groupSeq = scimGroup.seq",
                                columns: ["value": "m.memberId", "display": "m.display", "type": "m.type"])])

    public static var commands: CommandTable {
        var table = CommandTable()
        table.register(CreateGroup.self) { try create($0, $1) }
        table.registerRead(GetGroup.self) { try get($0, $1) }
        table.register(ReplaceGroup.self) { try replace($0, $1) }
        table.register(PatchGroup.self) { try patch($0, $1) }
        table.register(DeleteGroup.self) { try delete($0, $1) }
        table.registerRead(QueryGroups.self) { try query($0, $1) }
        table.registerRead(GroupsOfMembers.self) { try groupsOf($0, $1) }
        table.register(ApplyUserEvent.self) { try applyUserEvent($0, $1) }
        table.registerRead(GroupMembersPage.self) { try membersPage($0, $1) }
        table.register(JoinGroups.self) { try join($0, $1) }
        table.register(ImportGroups.self) { try importGroups($0, $1) }
        registerClearCommands(&table)
        table.registerDirectoryRemoval(directoryTables)
        return table
    }


    static func create(_ db: Database, _ c: CreateGroup) throws -> StoredGroup {
        try checkNotReserved(db, directoryID: c.directoryID, c.attributes)
        try table.checkDeclaredUniqueness(db, type: try DeclaredSchemas.type(.group, wire: c.extensions), directoryID: c.directoryID, attributes: c.attributes, excludingID: nil)
        let (seq, stored) = try table.insert(db, directoryID: c.directoryID, attributes: c.attributes, json: c.attributesJSON)
        let added = try addMembers(db, seq: seq, c.members)
        try recordWrite(db, directoryID: c.directoryID, id: stored.id, before: nil, after: stored)
        try recordMembers(db, seq: seq, replacement(of: [], by: added))
        return StoredGroup(resource: stored, members: try members(db, seq: seq))
    }

    static func get(_ db: Database, _ c: GetGroup) throws -> StoredGroup {
        let row = try existingRow(db, id: c.id, directoryID: c.directoryID, ifMatch: nil)
        return try group(db, row, includeMembers: c.includeMembers, forwarding: true)
    }

    static func replace(_ db: Database, _ c: ReplaceGroup) throws -> StoredGroup {
        let existing = try existingRow(db, id: c.id, directoryID: c.directoryID, ifMatch: c.ifMatch)
        let attributes = try table.declaredReplacement(db, type: try DeclaredSchemas.type(.group, wire: c.extensions), directoryID: c.directoryID, existing: existing,
                                                       attributes: c.attributes)
        let seq: Int64 = existing["seq"]
        let old = try memberIDs(db, seq: seq)
        try db.statement("DELETE FROM groupMember WHERE groupSeq = ?").execute(arguments: [seq])
        let inserted = try addMembers(db, seq: seq, c.members)
        return try write(db, existing, attributes: attributes, includeMembers: true, members: replacement(of: old, by: inserted))
    }

    static func delete(_ db: Database, _ c: DeleteGroup) throws -> Deleted {
        let existing = try existingRow(db, id: c.id, directoryID: c.directoryID, ifMatch: c.ifMatch)
        let name = try table.delete(db, existing, directoryID: c.directoryID)
        try ChangeFeed.resourceDeleted(db, type: table.type, directoryID: c.directoryID, id: existing["id"], uniqueValue: name)
        return Deleted(name: name)
    }

    static func query(_ db: Database, _ c: QueryGroups) throws -> GroupQueryResult {
        let q = c.query
        let sql = try table.query(directoryID: q.directoryID, filter: q.filter, sortBy: q.sortBy, descending: q.descending, locationPrefix: q.locationPrefix,
                                  declared: try DeclaredSchemas.type(.group, wire: q.extensions))
        let (total, rows) = try table.page(db, sql, directoryID: q.directoryID, filtered: q.filter != nil, startIndex: q.startIndex, count: q.count)
        return GroupQueryResult(totalResults: total, groups: try rows.map { try group(db, $0, includeMembers: c.includeMembers, forwarding: true) })
    }

    /// Members after `after`, by the primary key (groupSeq, memberId): each page is an index range.
    static func membersPage(_ db: Database, _ c: GroupMembersPage) throws -> GroupMembersPageReply {
        let row = try existingRow(db, id: c.groupID, directoryID: c.directoryID, ifMatch: nil)
        let rows = try Row.fetchAll(
            db.statement("SELECT memberId, display, type FROM groupMember WHERE groupSeq = ? AND memberId > ? ORDER BY memberId LIMIT ?"),
            arguments: [row["seq"] as Int64, c.after ?? "", min(max(c.limit, 1), 10_000)])
        return GroupMembersPageReply(members: rows.map { GroupMember(value: $0["memberId"], display: $0["display"], type: $0["type"]) })
    }

    /// Served by the membership index on `memberId`.
    static func groupsOf(_ db: Database, _ c: GroupsOfMembers) throws -> GroupsOfMembersReply {
        let lookup = try db.statement("""
            SELECT g.id, g.displayName FROM groupMember m JOIN scimGroup g ON g.seq = m.groupSeq
            WHERE m.memberId = ? AND g.directoryId = ? ORDER BY g.displayNameKey
            """)
        var groups: [String: [GroupsOfMembersReply.Membership]] = [:]
        for member in Set(c.memberIDs.map { $0.lowercased() }) {
            groups[member] = try Row.fetchAll(lookup, arguments: [member, c.directoryID]).map {
                GroupsOfMembersReply.Membership(groupID: $0["id"], displayName: $0["displayName"])
            }
        }
        return GroupsOfMembersReply(groups: groups)
    }

    // MARK: - Helpers

    static func existingRow(_ db: Database, id: String, directoryID: String, ifMatch: Int?) throws -> Row {
        try table.existingRow(db, id: id, directoryID: directoryID, ifMatch: ifMatch)
    }

    /// Writes new attributes over an existing group, bumping its version.
    static func write(_ db: Database, _ existing: Row, attributes: [String: JSONValue], includeMembers: Bool, members changes: MemberChanges) throws -> StoredGroup {
        try checkNotReserved(db, directoryID: existing["directoryId"], attributes)
        let before = try table.stored(existing).attributes
        let stored = try table.update(db, existing, attributes: attributes)
        try recordWrite(db, directoryID: existing["directoryId"], id: stored.id, before: before, after: stored)
        try recordMembers(db, seq: existing["seq"], changes)
        return StoredGroup(resource: stored, members: includeMembers ? try members(db, seq: existing["seq"]) : nil)
    }

    /// Returns the members that were not members before.
    @discardableResult
    static func addMembers(_ db: Database, seq: Int64, _ members: [GroupMember]) throws -> [GroupMember] {
        var added: [GroupMember] = []
        let deleted = try db.statement("SELECT 1 FROM deletedUser WHERE userId = ?")
        let insert = try db.statement("INSERT OR IGNORE INTO groupMember (groupSeq, memberId, display, type) VALUES (?, ?, ?, ?)")
        for m in members {
            if try Int.fetchOne(deleted, arguments: [m.value.lowercased()]) != nil {
                throw SCIMError.invalidValue("No user with id '\(m.value)' in this directory; nothing was changed.")
            }
            try insert.execute(arguments: [seq, m.value.lowercased(), m.display, m.type ?? "User"])
            if db.changesCount == 1 { added.append(m) }
        }
        return added
    }

    /// A new user joins its configuration's groups, each created when missing; once per event id.
    static func join(_ db: Database, _ c: JoinGroups) throws -> Empty {
        let now = try ResourceTable.now(db)
        try db.statement("INSERT OR IGNORE INTO appliedEvent (eventId, applied, directoryId) VALUES (?, ?, ?)").execute(arguments: [c.eventID, now, c.directoryID])
        guard db.changesCount == 1 else { return Empty() }
        if try Int.fetchOne(db.statement("SELECT 1 FROM deletedUser WHERE userId = ?"), arguments: [c.userID.lowercased()]) != nil { return Empty() }
        for name in Set(c.groupNames.map { $0.trimmingCharacters(in: .whitespaces) }).filter({ !$0.isEmpty }).sorted() {
            if let cleared = try unmappedGroup(db, directoryID: c.directoryID, name: name) {
                // Waiting to be mapped: the user joins it there, and keeps it once it is mapped.
                try addClearedMember(db, groupSeq: cleared, GroupMember(value: c.userID, display: c.display, type: "User"))
                continue
            }
            let seq: Int64
            if let existing = try Int64.fetchOne(db.statement("SELECT seq FROM scimGroup WHERE directoryId = ? AND displayNameKey = ?"),
                                                 arguments: [c.directoryID, name.lowercased()]) {
                seq = existing
            } else {
                let created = try create(db, CreateGroup(directoryID: c.directoryID, attributes: [
                    "schemas": .array([.string(CoreSchemas.groupURN)]), "displayName": .string(name),
                ], members: []))
                seq = try Int64.fetchOne(db.statement("SELECT seq FROM scimGroup WHERE id = ?"), arguments: [created.resource.id]) ?? 0
            }
            try db.statement("INSERT OR IGNORE INTO groupMember (groupSeq, memberId, display, type) VALUES (?, ?, ?, 'User')")
                .execute(arguments: [seq, c.userID.lowercased(), c.display])
            if db.changesCount == 1 {
                try db.statement("UPDATE scimGroup SET version = version + 1, lastModified = ? WHERE seq = ?").execute(arguments: [now, seq])
                try recordMembers(db, seq: seq, replacement(of: [], by: [GroupMember(value: c.userID, display: c.display, type: "User")]))
            }
        }
        return Empty()
    }

    /// A user was deleted or renamed: its memberships follow, once per event id.
    static func applyUserEvent(_ db: Database, _ c: ApplyUserEvent) throws -> Empty {
        let now = try ResourceTable.now(db)
        try db.statement("INSERT OR IGNORE INTO appliedEvent (eventId, applied, directoryId) VALUES (?, ?, ?)").execute(arguments: [c.eventID, now, c.directoryID])
        guard db.changesCount == 1 else { return Empty() }  // already applied
        let user = c.userID.lowercased()
        let memberOf = c.kind == .deleted
            ? try Int64.fetchAll(db.statement("SELECT m.groupSeq FROM groupMember m JOIN scimGroup g ON g.seq = m.groupSeq WHERE m.memberId = ? AND g.directoryId = ?"),
                                 arguments: [user, c.directoryID])
            : []
        // Membership lists are part of a group: its version moves with them.
        try db.statement("""
            UPDATE scimGroup SET version = version + 1, lastModified = ?
            WHERE directoryId = ? AND seq IN (SELECT groupSeq FROM groupMember WHERE memberId = ?)
            """).execute(arguments: [now, c.directoryID, user])
        switch c.kind {
        case .deleted:
            try db.statement("INSERT OR IGNORE INTO deletedUser (userId, directoryId) VALUES (?, ?)").execute(arguments: [user, c.directoryID])
            try db.statement("DELETE FROM groupMember WHERE memberId = ? AND groupSeq IN (SELECT seq FROM scimGroup WHERE directoryId = ?)")
                .execute(arguments: [user, c.directoryID])
            try db.statement("DELETE FROM unmappedGroupMember WHERE memberId = ? AND groupSeq IN (SELECT seq FROM unmappedGroup WHERE directoryId = ?)")
                .execute(arguments: [user, c.directoryID])
            var removed = MemberChanges()
            removed.remove(user)
            for seq in memberOf { try recordMembers(db, seq: seq, removed) }
        case .reassigned:
            // Mapped again under a new id (its SCIM data had been cleared): its memberships follow.
            try db.statement("UPDATE OR IGNORE groupMember SET memberId = ? WHERE memberId = ? AND groupSeq IN (SELECT seq FROM scimGroup WHERE directoryId = ?)")
                .execute(arguments: [c.newID.lowercased(), user, c.directoryID])
            try db.statement("UPDATE OR IGNORE unmappedGroupMember SET memberId = ? WHERE memberId = ? AND groupSeq IN (SELECT seq FROM unmappedGroup WHERE directoryId = ?)")
                .execute(arguments: [c.newID.lowercased(), user, c.directoryID])
        case .renamed:
            try db.statement("UPDATE groupMember SET display = ? WHERE memberId = ? AND groupSeq IN (SELECT seq FROM scimGroup WHERE directoryId = ?)")
                .execute(arguments: [c.display, user, c.directoryID])
            try db.statement("UPDATE unmappedGroupMember SET display = ? WHERE memberId = ? AND groupSeq IN (SELECT seq FROM unmappedGroup WHERE directoryId = ?)")
                .execute(arguments: [c.display, user, c.directoryID])
        }
        return Empty()
    }

    static func members(_ db: Database, seq: Int64) throws -> [GroupMember] {
        try Row.fetchAll(db.statement("SELECT memberId, display, type FROM groupMember WHERE groupSeq = ? ORDER BY memberId"), arguments: [seq]).map {
            GroupMember(value: $0["memberId"], display: $0["display"], type: $0["type"])
        }
    }

    /// `forwarding`: for a read's reply, whose attributes go on unparsed (``ResourceTable/forwarded(_:)``).
    static func group(_ db: Database, _ row: Row, includeMembers: Bool, forwarding: Bool = false) throws -> StoredGroup {
        StoredGroup(resource: forwarding ? table.forwarded(row) : try table.stored(row), members: includeMembers ? try members(db, seq: row["seq"]) : nil)
    }
}
