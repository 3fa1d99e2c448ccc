import Foundation
import RosterPersistence
import GRDB
import RosterProtocol

extension AuditStore {
    /// One page, newest first. Ids are in time order and every index ends in the id, so a
    /// page is a walk of one index (or of the text index, by rowid) from its newest end.
    static func query(_ db: Database, _ q: QueryAudit) throws -> AuditPage {
        var conditions: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
        func add(_ sql: String, _ values: [any DatabaseValueConvertible]) {
            conditions.append(sql)
            arguments += values
        }
        let f = q.filter
        var source = "audit a"
        var order = "a.id"
        if let text = f.text, !text.isEmpty {
            if text.count >= 3 {
                // A quoted FTS5 string matches as a substring with the trigram tokenizer, ignoring case.
                // The text index drives, newest rowid first, so broad and narrow text are both a short walk.
                source = "auditText t CROSS JOIN audit a ON a.id = t.rowid"
                order = "t.rowid"
                add("t.auditText MATCH ?", ["\"\(text.replacingOccurrences(of: "\"", with: "\"\""))\""])
            } else {
                // Trigrams need three characters; shorter text is rare enough to scan for.
                let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
                add("(a.subject LIKE ? ESCAPE '\\' OR a.path LIKE ? ESCAPE '\\')", ["%\(escaped)%", "%\(escaped)%"])
            }
        }
        if let from = f.from { add("\(order) >= ?", [AuditStore.firstID(at: from)]) }
        if let to = f.to { add("\(order) < ?", [AuditStore.firstID(at: to)]) }
        if let c = f.configurationID { add("a.configurationId = ?", [c]) }
        if let kind = f.kind { add("a.kind = ?", [kind.rawValue]) }
        if let method = f.method { add("a.method = ?", [method.uppercased()]) }
        if let status = f.status { add("a.status = ?", [status]) }
        if let statusClass = f.statusClass { add("a.statusClass = ?", [statusClass]) }
        if let type = f.resourceType { add("a.resourceType = ?", [type]) }
        if let id = f.resourceID { add("a.resourceId = ?", [id]) }
        if let after = q.after { add("\(order) < ?", [after]) }
        let limit = min(max(q.limit, 1), QueryAudit.maxLimit)
        let sql = """
            SELECT a.*, b.request, b.response FROM \(source) LEFT JOIN auditBody b ON b.id = a.id
            \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
            ORDER BY \(order) DESC LIMIT \(limit + 1)
            """
        var records = try Row.fetchAll(db.statement(sql), arguments: StatementArguments(arguments)).map(record)
        var next: Int64?
        if records.count > limit {
            records.removeLast()
            next = records.last?.id
        }
        return AuditPage(records: records, next: next)
    }

    static func record(_ row: Row) -> AuditRecord {
        AuditRecord(
            id: row["id"], origin: row["origin"], seq: row["seq"], at: row["at"], kind: AuditRecord.Kind(rawValue: row["kind"]) ?? .scim,
            configurationID: row["configurationId"], configurationName: row["configurationName"], directoryID: row["directoryId"],
            source: row["source"], method: row["method"], path: row["path"], query: row["query"], scimVersion: row["scimVersion"],
            resourceType: row["resourceType"], resourceID: row["resourceId"], subject: row["subject"], status: row["status"],
            scimType: row["scimType"], durationMicros: row["durationMicros"], requestBody: row["request"], responseBody: row["response"],
            requestBytes: row["requestBytes"], responseBytes: row["responseBytes"], userAgent: row["userAgent"], requestID: row["requestId"])
    }
}
