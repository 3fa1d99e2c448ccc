import Foundation
import RosterPersistence
public import GRDB
public import RosterProtocol

extension AuditStore {
    /// One page, newest first. Every filter has an index ending in (`at`, `id`), so a page is a
    /// walk of one index from its newest end, whatever the size of the store.
    static func query(_ db: Database, _ q: QueryAudit) throws -> AuditPage {
        var conditions: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
        func add(_ sql: String, _ values: [any DatabaseValueConvertible]) {
            conditions.append(sql)
            arguments += values
        }
        let f = q.filter
        if let from = f.from { add("a.at >= ?", [from]) }
        if let to = f.to { add("a.at < ?", [to]) }
        if let c = f.configurationID { add("a.configurationId = ?", [c]) }
        if let kind = f.kind { add("a.kind = ?", [kind.rawValue]) }
        if let method = f.method { add("a.method = ?", [method.uppercased()]) }
        if let status = f.status { add("a.status = ?", [status]) }
        if let statusClass = f.statusClass { add("a.statusClass = ?", [statusClass]) }
        if let type = f.resourceType { add("a.resourceType = ?", [type]) }
        if let id = f.resourceID { add("a.resourceId = ?", [id]) }
        if let text = f.text, !text.isEmpty {
            if text.count >= 3 {
                // A quoted FTS5 string: with the trigram tokenizer it matches as a substring, ignoring case.
                add("a.id IN (SELECT rowid FROM auditText WHERE auditText MATCH ?)", ["\"\(text.replacingOccurrences(of: "\"", with: "\"\""))\""])
            } else {
                // Trigrams need three characters; shorter text is rare enough to scan for.
                let pattern = "%\(text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_"))%"
                add("(a.subject LIKE ? ESCAPE '\\' OR a.path LIKE ? ESCAPE '\\')", [pattern, pattern])
            }
        }
        if let after = q.after { add("(a.at, a.id) < (?, ?)", [after.at, after.id]) }
        let limit = min(max(q.limit, 1), QueryAudit.maxLimit)
        let sql = """
            SELECT a.*, b.request, b.response FROM audit a LEFT JOIN auditBody b ON b.id = a.id
            \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
            ORDER BY a.at DESC, a.id DESC LIMIT \(limit + 1)
            """
        var records = try Row.fetchAll(db.statement(sql), arguments: StatementArguments(arguments)).map(record)
        var next: AuditCursor?
        if records.count > limit {
            records.removeLast()
            next = records.last.map { AuditCursor(at: $0.at, id: $0.id) }
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
            requestBytes: row["requestBytes"], responseBytes: row["responseBytes"])
    }
}
