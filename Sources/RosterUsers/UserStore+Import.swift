import Foundation
import GRDB
import RosterPersistence
import RosterProtocol
import SCIMCore

/// An import job's users (`roster sync import`): existing accounts are matched by userName,
/// case-insensitively, and never changed; the others are created. Each record has its own
/// savepoint, so one bad record fails alone.
extension UserStore {
    static func registerImportCommands(_ table: inout CommandTable) {
        table.register(ImportUsers.self) { try importUsers($0, $1) }
        table.registerRead(ResolveUsers.self) { try resolve($0, $1) }
        table.register(ForgetImport.self) { db, c in
            try db.execute(sql: "DELETE FROM importApplied WHERE jobId = ?", arguments: [c.jobID])
            try db.execute(sql: "DELETE FROM jobBatch WHERE jobId = ?", arguments: [c.jobID])
            return Empty()
        }
    }

    static func importUsers(_ db: Database, _ c: ImportUsers) throws -> ImportResults {
        let applied = try db.cachedStatement(sql: "SELECT userId FROM importApplied WHERE jobId = ? AND line = ?")
        // Matched whether it has a SCIM id or waits for one.
        let existing = try db.cachedStatement(sql: """
            SELECT id FROM user WHERE directoryId = ?1 AND userNameKey = ?2 UNION ALL SELECT formerId FROM unmappedUser WHERE directoryId = ?1 AND userNameKey = ?2
            """)
        let record = try db.cachedStatement(sql: "INSERT INTO importApplied (jobId, line, userId) VALUES (?, ?, ?)")
        let byEmail = try db.cachedStatement(sql: """
            SELECT DISTINCT u.id FROM userEmail e JOIN user u ON u.seq = e.userSeq WHERE e.directoryId = ? AND e.valueKey = ? LIMIT 2
            """)
        /// The one user with this record's primary e-mail, when the command asks for it.
        func emailMatch(_ attributes: [String: JSONValue]) throws -> String? {
            guard c.matchEmail, let email = UserAttributes.primaryEmail(attributes) else { return nil }
            let ids = try String.fetchAll(byEmail, arguments: [c.directoryID, email.lowercased()])
            return ids.count == 1 ? ids[0] : nil
        }
        var results: [ImportResult] = []
        for r in c.records {
            do {
                try db.inSavepoint {
                    if let id = try String.fetchOne(applied, arguments: [c.jobID, r.line]) {
                        results.append(ImportResult(line: r.line, outcome: .created, id: id))
                    } else if let id = try String.fetchOne(existing, arguments: [c.directoryID, (r.attributes["userName"]?.stringValue ?? "").lowercased()]) {
                        results.append(ImportResult(line: r.line, outcome: .unchanged, id: id))
                    } else if let id = try emailMatch(r.attributes) {
                        results.append(ImportResult(line: r.line, outcome: .unchanged, id: id))
                    } else if c.unmapped {
                        // Its memberships hang on this placeholder id; a map re-points them to the real one.
                        let id = TimeOrderedID.make()
                        try park(db, directoryID: c.directoryID, formerID: id, attributes: r.attributes, passwordHash: nil, lastLogin: nil)
                        try record.execute(arguments: [c.jobID, r.line, id])
                        results.append(ImportResult(line: r.line, outcome: .created, id: id))
                    } else {
                        let created = try create(db, CreateUser(directoryID: c.directoryID, attributes: r.attributes, passwordHash: nil))
                        try record.execute(arguments: [c.jobID, r.line, created.id])
                        results.append(ImportResult(line: r.line, outcome: .created, id: created.id))
                    }
                    return .commit
                }
            } catch let error as SCIMError {
                results.append(ImportResult(line: r.line, outcome: .failed, reason: error.detail))
            } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
                results.append(ImportResult(line: r.line, outcome: .failed, reason: "It clashes with an existing user (a unique value)."))
            }
        }
        return ImportResults(results: results)
    }

    static func resolve(_ db: Database, _ c: ResolveUsers) throws -> ResolvedUsers {
        let byID = try db.cachedStatement(sql: "SELECT id, userName FROM user WHERE directoryId = ? AND id = ?")
        let byName = try db.cachedStatement(sql: "SELECT id, userName FROM user WHERE directoryId = ? AND userNameKey = ?")
        var ids: [String: String] = [:], names: [String: String] = [:]
        for key in Set(c.keys) {
            guard let row = try Row.fetchOne(byID, arguments: [c.directoryID, key.lowercased()]) ?? Row.fetchOne(byName, arguments: [c.directoryID, key.lowercased()]) else { continue }
            ids[key] = row["id"]
            names[row["id"]] = row["userName"]
        }
        return ResolvedUsers(ids: ids, names: names)
    }
}
