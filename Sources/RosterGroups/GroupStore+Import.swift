import Foundation
import GRDB
import RosterPersistence
import RosterProtocol
import SCIMCore

/// An import job's groups and memberships: a group whose displayName exists is matched and gains
/// the members the file gives it (nothing is removed or overwritten); the others are created.
/// Each record is applied once per (job, line), remembered as an applied event, so that a batch
/// sent again after a restart reports what the first delivery did.
extension GroupStore {
    static func importGroups(_ db: Database, _ c: ImportGroups) throws -> ImportResults {
        let now = try ResourceTable.now(db)
        let mark = try db.cachedStatement(sql: "INSERT OR IGNORE INTO appliedEvent (eventId, applied, directoryId) VALUES (?, ?, ?)")
        let seen = try db.cachedStatement(sql: "SELECT 1 FROM appliedEvent WHERE eventId = ?")
        let byName = try db.cachedStatement(sql: "SELECT seq, id FROM scimGroup WHERE directoryId = ? AND displayNameKey = ?")
        var results: [ImportResult] = []
        for g in c.groups {
            let event = "import:\(c.jobID):\(g.line)"
            let key = (g.attributes["displayName"]?.stringValue ?? "").lowercased()
            do {
                try db.inSavepoint {
                    let createdBefore = try Int.fetchOne(seen, arguments: [event]) != nil
                    if let cleared = try unmappedGroup(db, directoryID: c.directoryID, name: key) {
                        // Waiting to be mapped: matched there, and gains the members it lacks.
                        for m in g.members { try addClearedMember(db, groupSeq: cleared, m) }
                        results.append(ImportResult(line: g.line, outcome: createdBefore ? .created : .unchanged))
                    } else if let row = try Row.fetchOne(byName, arguments: [c.directoryID, key]) {
                        let seq: Int64 = row["seq"]
                        let before = db.totalChangesCount
                        let added = try addMembers(db, seq: seq, g.members)
                        if db.totalChangesCount != before {  // a member it lacked
                            try db.execute(sql: "UPDATE scimGroup SET version = version + 1, lastModified = ? WHERE seq = ?", arguments: [now, seq])
                            try recordMembers(db, seq: seq, replacement(of: [], by: added))
                        }
                        results.append(ImportResult(line: g.line, outcome: createdBefore ? .created : .unchanged, id: row["id"]))
                    } else {
                        let created = try create(db, CreateGroup(directoryID: c.directoryID, attributes: g.attributes, members: g.members))
                        try mark.execute(arguments: [event, now, c.directoryID])
                        results.append(ImportResult(line: g.line, outcome: .created, id: created.resource.id))
                    }
                    return .commit
                }
            } catch let error as SCIMError {
                results.append(ImportResult(line: g.line, outcome: .failed, reason: error.detail))
            }
        }
        for m in c.memberships {
            _ = try join(db, JoinGroups(eventID: "import:\(c.jobID):\(m.line):groups", directoryID: c.directoryID, userID: m.userID, display: m.display, groupNames: m.groupNames))
        }
        return ImportResults(results: results)
    }
}
