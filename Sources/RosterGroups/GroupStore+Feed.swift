import GRDB
import RosterPersistence
import RosterProtocol
import SCIMCore

/// The net membership change of one write of a group: a member added then removed in the same
/// PATCH is no change, nor is one removed then added back.
struct MemberChanges {
    private(set) var added: [String: GroupMember] = [:]
    private(set) var removed: Set<String> = []

    var isEmpty: Bool { added.isEmpty && removed.isEmpty }

    mutating func add(_ member: GroupMember) {
        let id = member.value.lowercased()
        if removed.remove(id) == nil { added[id] = member }
    }

    mutating func remove(_ id: String) {
        let id = id.lowercased()
        if added.removeValue(forKey: id) == nil { removed.insert(id) }
    }

    mutating func formUnion(_ other: MemberChanges) {
        for id in other.removed.sorted() { remove(id) }
        for id in other.added.keys.sorted() { add(other.added[id]!) }
    }
}

extension GroupStore {
    /// A group's create, update or delete in the feed (attributes only; members through ``recordMembers``).
    static func recordWrite(_ db: Database, directoryID: String, id: String, before: [String: JSONValue]?, after: StoredResource?) throws {
        try ChangeFeed.resourceWritten(db, type: table.type, directoryID: directoryID, id: id, before: before, after: after)
    }

    /// `group.member.added` / `group.member.removed` for each member that changed, with the
    /// group's version after the write (called once its version moved).
    static func recordMembers(_ db: Database, seq: Int64, _ changes: MemberChanges) throws {
        guard !changes.isEmpty, ChangeFeed.enabled,
              let group = try Row.fetchOne(db.cachedStatement(sql: "SELECT id, directoryId, displayName, version FROM scimGroup WHERE seq = ?"), arguments: [seq])
        else { return }
        func record(_ type: String, _ member: [String: JSONValue]) throws {
            var data = member
            data["groupId"] = .string(group["id"])
            data["groupDisplayName"] = .string(group["displayName"])
            try ChangeFeed.record(db, directoryID: group["directoryId"], type: type, resourceType: table.type.name, resourceID: group["id"],
                                  version: group["version"], data: data)
        }
        for id in changes.removed.sorted() { try record("group.member.removed", ["value": .string(id)]) }
        for id in changes.added.keys.sorted() {
            let m = changes.added[id]!
            var member: [String: JSONValue] = ["value": .string(id), "type": .string(m.type ?? "User")]
            if let display = m.display { member["display"] = .string(display) }
            try record("group.member.added", member)
        }
    }

    /// The ids of a group's members, before a write replaces them.
    static func memberIDs(_ db: Database, seq: Int64) throws -> [String] {
        try String.fetchAll(db.cachedStatement(sql: "SELECT memberId FROM groupMember WHERE groupSeq = ?"), arguments: [seq])
    }

    /// What replacing a group's members with `inserted` changed, given the ids it had.
    static func replacement(of old: [String], by inserted: [GroupMember]) -> MemberChanges {
        var changes = MemberChanges()
        for id in old { changes.remove(id) }
        for m in inserted { changes.add(m) }
        return changes
    }
}
