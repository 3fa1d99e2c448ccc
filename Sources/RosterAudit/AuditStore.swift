import Foundation
import GRDB
public import RosterPersistence
import RosterProtocol
import SCIMCore

/// The audit store: the request history, its queries, clear and retention.
public enum AuditStore {
    /// The commands of `roster-audit`; `retention` holds the defaults from its configuration.
    public static func commands(retention: AuditRetention) -> CommandTable {
        var table = CommandTable()
        table.register(AppendAuditRecords.self) { db, c in AuditAppended(stored: try append(db, c.records)) }
        table.registerRead(QueryAudit.self) { db, c in try query(db, c) }
        table.register(ClearAudit.self) { db, _ in AuditCleared(removed: try clear(db)) }
        table.registerRead(GetAuditSummary.self) { db, _ in try summary(db, defaults: retention) }
        table.register(SetAuditRetention.self) { db, c in
            for (key, value) in [("maxAgeDays", c.maxAgeDays), ("maxRecords", c.maxRecords)] {
                guard let value else { continue }
                guard value >= 0 else { throw SCIMError.invalidValue("'\(key)' must be 0 (no limit) or more.") }
                try db.statement("INSERT OR REPLACE INTO auditSetting (key, value) VALUES (?, ?)").execute(arguments: [key, value])
            }
            return try summary(db, defaults: retention)
        }
        return table
    }

    static func summary(_ db: Database, defaults: AuditRetention) throws -> AuditSummary {
        let effective = try AuditRetention.effective(db, defaults: defaults)
        return AuditSummary(records: try Int.fetchOne(db.statement("SELECT count(*) FROM audit")) ?? 0,
                            oldest: try Int64.fetchOne(db.statement("SELECT at FROM audit ORDER BY id LIMIT 1")),
                            newest: try Int64.fetchOne(db.statement("SELECT at FROM audit ORDER BY id DESC LIMIT 1")),
                            maxAgeDays: effective.maxAgeDays, maxRecords: effective.maxRecords)
    }

    /// Bits of a record id below its time: up to 4,096 records per millisecond keep their order.
    static let idShift: Int64 = 12

    /// The first id of the millisecond `at`. Ids are `at << 12` plus a counter, so id order is
    /// time order: a record delivered late (after an outage) still lands where its time puts it,
    /// and every index, which SQLite ends with the rowid, walks newest first without a sort.
    static func firstID(at: Int64) -> Int64 { max(at, 0) << idShift }

    /// What the free-text index holds for a record; deletion must present exactly the same text.
    static func searchText(subject: String?, path: String) -> String { "\(subject ?? "") \(path)" }

    /// Stores `records`, skipping any already stored (a redelivery); returns how many are new.
    static func append(_ db: Database, _ records: [AuditRecord]) throws -> Int {
        let insert = try db.statement("""
            INSERT INTO audit (id, origin, seq, at, kind, configurationId, configurationName, directoryId, source, method, path, query,
            scimVersion, resourceType, resourceId, subject, status, statusClass, scimType, durationMicros, requestBytes, responseBytes, userAgent, requestId)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (origin, seq) DO NOTHING
            """)
        let last = try db.statement("SELECT max(id) FROM audit WHERE id >= ? AND id < ?")
        let body = try db.statement("INSERT INTO auditBody (id, request, response) VALUES (?, ?, ?)")
        let text = try db.statement("INSERT INTO auditText (rowid, search) VALUES (?, ?)")
        var stored = 0
        for r in records {
            let first = firstID(at: r.at)
            var id = try Int64.fetchOne(last, arguments: [first, first + (1 << idShift)]).map { $0 + 1 } ?? first
            // Only an id past its own millisecond (4,096 records in one) can meet a taken one: spill
            // into the next millisecond, and past that into any free id.
            while id >= first + (1 << idShift), try Int64.fetchOne(db.statement("SELECT 1 FROM audit WHERE id = ?"), arguments: [id]) != nil {
                id = id < first + (2 << idShift) ? id + 1 : (try Int64.fetchOne(db.statement("SELECT max(id) FROM audit")) ?? id) + 1
            }
            try insert.execute(arguments: [
                id, r.origin, r.seq, r.at, r.kind.rawValue, r.configurationID, r.configurationName, r.directoryID, r.source, r.method, r.path,
                r.query, r.scimVersion, r.resourceType, r.resourceID, r.subject, r.status, r.status / 100, r.scimType, r.durationMicros,
                r.requestBytes, r.responseBytes, r.userAgent, r.requestID,
            ])
            guard db.changesCount == 1 else { continue }
            if r.requestBody != nil || r.responseBody != nil { try body.execute(arguments: [id, r.requestBody, r.responseBody]) }
            try text.execute(arguments: [id, searchText(subject: r.subject, path: r.path)])
            stored += 1
        }
        return stored
    }

    /// Removes every record; returns how many there were.
    static func clear(_ db: Database) throws -> Int {
        let count = try Int.fetchOne(db.statement("SELECT count(*) FROM audit")) ?? 0
        // Without a WHERE clause SQLite truncates the tables instead of deleting row by row.
        try db.execute(sql: "INSERT INTO auditText (auditText) VALUES ('delete-all'); DELETE FROM auditBody; DELETE FROM audit")
        return count
    }

    /// Removes the records with the given ids (and their bodies and text entries).
    static func remove(_ db: Database, ids: [Int64]) throws {
        guard !ids.isEmpty else { return }
        let list = ids.map(String.init).joined(separator: ",")
        let rows = try Row.fetchAll(db, sql: "SELECT id, subject, path FROM audit WHERE id IN (\(list))")
        let forget = try db.statement("INSERT INTO auditText (auditText, rowid, search) VALUES ('delete', ?, ?)")
        for row in rows {
            try forget.execute(arguments: [row["id"] as Int64, searchText(subject: row["subject"], path: row["path"])])
        }
        try db.execute(sql: "DELETE FROM auditBody WHERE id IN (\(list)); DELETE FROM audit WHERE id IN (\(list))")
    }
}
