import Foundation
import GRDB
import RosterPersistence
import RosterProtocol
import SCIMCore

/// "Clear SCIM data" and "sync users & groups" (map): a cleared account loses its SCIM id and
/// externalId but is kept, with its other attributes, password hash, last sign-in and
/// memberships, out of SCIM's sight; its userName stays reserved (a SCIM create of it is a 409
/// that says to map), so no duplicate is made. A map gives it a new id, visible again, and its
/// memberships follow through the outbox.
extension UserStore {
    static func registerClearCommands(_ table: inout CommandTable) {
        table.register(ClearSCIMBatch.self) { try clearBatch($0, $1) }
        table.register(MapBatch.self) { try mapBatch($0, $1) }
    }

    /// A SCIM write may not take the userName of an account waiting to be mapped.
    static func checkNotReserved(_ db: Database, directoryID: String, _ attributes: [String: JSONValue]) throws {
        guard let name = attributes["userName"]?.stringValue,
              try Int.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM unmappedUser WHERE directoryId = ? AND userNameKey = ?"), arguments: [directoryID, name.lowercased()]) != nil
        else { return }
        throw SCIMError.uniqueness("An account '\(name)' exists in this directory without a SCIM id (its SCIM data was cleared): map it (roster sync run) and look it up by userName.")
    }

    static func clearBatch(_ db: Database, _ c: ClearSCIMBatch) throws -> RemovedBatch {
        try DirectoryMover.batch(db, table: "user", directory: c.directoryID, limit: c.limit) { row in
            try park(db, directoryID: c.directoryID, formerID: row["id"], attributes: try table.stored(row).attributes, passwordHash: row["passwordHash"], lastLogin: row["lastLogin"])
            _ = try table.delete(db, row, directoryID: c.directoryID)
        }
    }

    /// An account kept without a SCIM id (nor externalId), under `formerID` for its memberships.
    static func park(_ db: Database, directoryID: String, formerID: String, attributes: [String: JSONValue], passwordHash: String?, lastLogin: String?) throws {
        var attributes = attributes
        attributes.removeValue(forKey: "externalId")
        let name = try table.uniqueValue(attributes)
        try table.unique(name) {
            try db.execute(sql: """
                INSERT INTO unmappedUser (directoryId, formerId, userName, userNameKey, json, passwordHash, lastLogin) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [directoryID, formerID, name, name.lowercased(), String(decoding: WireJSON.bytes(attributes), as: UTF8.self), passwordHash, lastLogin])
        }
    }

    static func mapBatch(_ db: Database, _ c: MapBatch) throws -> RemovedBatch {
        try DirectoryMover.batch(db, table: "unmappedUser", directory: c.directoryID, limit: c.limit) { row in
            let text: String = row["json"]
            guard case .object(let attributes) = try JSONValue.parse(Array(text.utf8)) else { throw SCIMError.internalError("A cleared user could not be read.") }
            try db.execute(sql: "DELETE FROM unmappedUser WHERE seq = ?", arguments: [row["seq"] as Int64])
            let mapped = try create(db, CreateUser(directoryID: c.directoryID, attributes: attributes, passwordHash: row["passwordHash"]))
            try db.execute(sql: "UPDATE user SET lastLogin = ? WHERE id = ?", arguments: [row["lastLogin"] as String?, mapped.id])
            let eventID = TimeOrderedID.make()
            try Outbox.enqueue(db, ApplyUserEvent(eventID: eventID, kind: .reassigned, directoryID: c.directoryID, userID: row["formerId"], display: nil, newID: mapped.id),
                               eventID: eventID, directoryID: c.directoryID)
        }
    }
}
