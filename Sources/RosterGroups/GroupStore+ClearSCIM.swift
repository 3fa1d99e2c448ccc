import Foundation
import GRDB
import RosterPersistence
import RosterProtocol
import SCIMCore

/// Clear SCIM data and map, for groups: a cleared group loses its SCIM id and externalId and is
/// kept with its members out of SCIM's sight, its displayName reserved (a SCIM create is a 409,
/// a user joining it by name joins it there); a map creates it again under a new id.
extension GroupStore {
    static func registerClearCommands(_ table: inout CommandTable) {
        table.register(ClearGroupsBatch.self) { try clearBatch($0, $1) }
        table.register(MapGroupsBatch.self) { try mapBatch($0, $1) }
    }

    /// The cleared group of that name, if any.
    static func unmappedGroup(_ db: Database, directoryID: String, name: String) throws -> Int64? {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT seq FROM unmappedGroup WHERE directoryId = ? AND displayNameKey = ?"), arguments: [directoryID, name.lowercased()])
    }

    /// A member of a cleared group (a user who joined it by name, or the file of an import).
    static func addClearedMember(_ db: Database, groupSeq: Int64, _ member: GroupMember) throws {
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO unmappedGroupMember (groupSeq, memberId, display, type) VALUES (?, ?, ?, ?)")
            .execute(arguments: [groupSeq, member.value.lowercased(), member.display, member.type ?? "User"])
    }

    static func checkNotReserved(_ db: Database, directoryID: String, _ attributes: [String: JSONValue]) throws {
        guard let name = attributes["displayName"]?.stringValue, try unmappedGroup(db, directoryID: directoryID, name: name) != nil else { return }
        throw SCIMError.uniqueness("A group '\(name)' exists in this directory without a SCIM id (its SCIM data was cleared): map it (roster sync run) and look it up by displayName.")
    }

    static func clearBatch(_ db: Database, _ c: ClearGroupsBatch) throws -> RemovedBatch {
        try DirectoryMover.batch(db, table: "scimGroup", directory: c.directoryID, limit: c.limit) { row in
            var attributes = try table.stored(row).attributes
            attributes.removeValue(forKey: "externalId")
            let name: String = row["displayName"]
            try db.execute(sql: "INSERT INTO unmappedGroup (directoryId, id, displayName, displayNameKey, json) VALUES (?, ?, ?, ?, ?)",
                           arguments: [c.directoryID, row["id"] as String, name, name.lowercased(), String(decoding: WireJSON.bytes(attributes), as: UTF8.self)])
            try db.execute(sql: "INSERT INTO unmappedGroupMember (groupSeq, memberId, display, type) SELECT ?, memberId, display, type FROM groupMember WHERE groupSeq = ?",
                           arguments: [db.lastInsertedRowID, row["seq"] as Int64])
            try db.execute(sql: "DELETE FROM groupMember WHERE groupSeq = ?", arguments: [row["seq"] as Int64])
            _ = try table.delete(db, row, directoryID: c.directoryID)
        }
    }

    static func mapBatch(_ db: Database, _ c: MapGroupsBatch) throws -> RemovedBatch {
        try DirectoryMover.batch(db, table: "unmappedGroup", directory: c.directoryID, limit: c.limit) { row in
            let seq: Int64 = row["seq"]
            let text: String = row["json"]
            guard case .object(let attributes) = try JSONValue.parse(Array(text.utf8)) else { throw SCIMError.internalError("A cleared group could not be read.") }
            let members = try Row.fetchAll(db, sql: "SELECT memberId, display, type FROM unmappedGroupMember WHERE groupSeq = ?", arguments: [seq])
                .map { GroupMember(value: $0["memberId"], display: $0["display"], type: $0["type"]) }
            try db.execute(sql: "DELETE FROM unmappedGroup WHERE seq = ?", arguments: [seq])
            _ = try create(db, CreateGroup(directoryID: c.directoryID, attributes: attributes, members: members))
        }
    }
}
