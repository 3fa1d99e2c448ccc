import Foundation
public import GRDB
public import RosterProtocol
public import SCIMCore

/// The table logic every resource store shares: finding a row under its version, reading it
/// back as a ``StoredResource``, writing under the uniqueness rule, counting, and paging.
extension ResourceTable {
    /// The row of `id` in the directory, if it is still at `ifMatch` (when given): 404 or 412 otherwise.
    public func existingRow(_ db: Database, id: String, directoryID: String, ifMatch: Int?) throws -> Row {
        guard let row = try Row.fetchOne(db.statement("SELECT * FROM \(name) WHERE id = ? AND directoryId = ?"), arguments: [id.lowercased(), directoryID]) else {
            throw SCIMError.resourceNotFound(type.name, id: id)
        }
        if let ifMatch, ifMatch != row["version"] as Int {
            throw SCIMError.preconditionFailed("\(type.name) \(id) is at version \(row["version"] as Int), not \(ifMatch).")
        }
        return row
    }

    /// A row as the resource it stores.
    public func stored(_ row: Row) throws -> StoredResource {
        let text: String = row["json"]
        guard case .object(let attributes) = try JSONValue.parse(Array(text.utf8)) else {
            throw SCIMError.internalError("A stored \(type.name) could not be read.")
        }
        return resource(row, json: text, attributes: attributes)
    }

    /// A row as a read sends it on: its canonical JSON as stored, not parsed here, since the
    /// receiver parses it anyway (`attributes` stays empty: for replies only, never for logic).
    public func forwarded(_ row: Row) -> StoredResource {
        resource(row, json: row["json"], attributes: [:])
    }

    private func resource(_ row: Row, json text: String, attributes: [String: JSONValue]) -> StoredResource {
        StoredResource(id: row["id"], version: row["version"], created: row["created"], lastModified: row["lastModified"], attributes: attributes,
                       canonicalJSON: Data(text.utf8), lastLogin: row.hasColumn("lastLogin") ? row["lastLogin"] : nil)
    }

    /// The rows of one statement as ``forwarded(_:)-(Row)`` sends them, with the columns looked up
    /// once: GRDB finds a column by name case-insensitively, lower-casing every name each time,
    /// which was the largest cost of a page of users in the worker (measured with `perf`).
    public func forwarded(_ rows: [Row]) -> [StoredResource] {
        guard let first = rows.first, let columns = ForwardedColumns(first) else { return rows.map(forwarded) }
        return rows.map { row in
            let text: String = row[columns.json]
            return StoredResource(id: row[columns.id], version: row[columns.version], created: row[columns.created], lastModified: row[columns.lastModified],
                                  attributes: [:], canonicalJSON: Data(text.utf8), lastLogin: columns.lastLogin.flatMap { row[$0] })
        }
    }

    /// Runs a write; a clash on the unique attribute is a 409 naming its value.
    public func unique<T>(_ value: String, _ write: () throws -> T) throws -> T {
        do {
            return try write()
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw SCIMError.uniqueness("\(type.uniqueAttribute) '\(value)' is already in use in this directory.")
        }
    }

    /// The transaction's time, as `meta.created`/`lastModified` show it.
    public static func now(_ db: Database) throws -> String {
        Timestamp.string(from: try db.transactionDate)
    }

    /// Moves the directory's counter (kept so that an unfiltered total costs one lookup).
    public func adjustCount(_ db: Database, directoryID: String, by delta: Int) throws {
        try db.statement("""
            INSERT INTO \(countTable) (directoryId, \(countColumn)) VALUES (?, ?)
            ON CONFLICT(directoryId) DO UPDATE SET \(countColumn) = \(countColumn) + excluded.\(countColumn)
            """).execute(arguments: [directoryID, delta])
    }

    /// A query as SQL: what the store runs, and what tests `EXPLAIN`.
    public struct Query: Sendable {
        public var condition: SQLCondition
        public var order: String
        /// Statements of unusual filters are not kept in the cache (its size stays bounded).
        public var cacheable: Bool
    }

    /// The SQL of a filtered, sorted query of a directory.
    /// `declared`: this type with the directory's extensions, when it declares any.
    public func query(directoryID: String, filter: String?, sortBy: String?, descending: Bool, locationPrefix: String, declared: ResourceType? = nil) throws -> Query {
        let type = declared ?? self.type
        var condition = SQLCondition(sql: "\(name).directoryId = ?", arguments: [directoryID])
        if let filter {
            condition = condition.and(try self.condition(try type.validateFilter(filter), directoryID: directoryID, locationPrefix: locationPrefix))
        }
        let order = try orderBy(try sortBy.map { s throws(SCIMError) in try type.sortAttribute(s) }, descending: descending, locationPrefix: locationPrefix)
        return Query(condition: condition, order: order, cacheable: filter.map { $0.count < 200 } ?? true)
    }

    /// The statement of a page (its last two arguments: the limit and the offset).
    ///
    /// Unfiltered, the page's rows are found first by their `seq` alone (the directory's
    /// `(directoryId, seq)` index covers it), and only they are read whole: with `SELECT *`
    /// directly, an offset of 500,000 read 500,000 rows with their JSON to skip them (measured:
    /// 200 ms a page at 1,000,000 users). Filtered, one pass also counts the matches.
    public func pageSQL(_ q: Query, filtered: Bool) -> String {
        if filtered {
            return "SELECT *, COUNT(*) OVER () AS total FROM \(name) WHERE \(q.condition.sql) ORDER BY \(q.order) LIMIT ? OFFSET ?"
        }
        return "SELECT * FROM \(name) WHERE \(name).seq IN (SELECT \(name).seq FROM \(name) WHERE \(q.condition.sql) ORDER BY \(q.order) LIMIT ? OFFSET ?) ORDER BY \(q.order)"
    }

    /// One page and the total, in one pass when filtered (a filter no index serves scans the
    /// directory once, not twice); the counter when not.
    public func page(_ db: Database, _ q: Query, directoryID: String, filtered: Bool, startIndex: Int, count: Int) throws -> (total: Int, rows: [Row]) {
        let countSQL = "SELECT COUNT(*) FROM \(name) WHERE \(q.condition.sql)"
        func counted() throws -> Int {
            filtered
                ? try Int.fetchOne(db.statement(countSQL, cached: q.cacheable), arguments: q.condition.arguments) ?? 0
                : try Int.fetchOne(db.statement("SELECT \(countColumn) FROM \(countTable) WHERE directoryId = ?"), arguments: [directoryID]) ?? 0
        }
        guard count > 0 else { return (try counted(), []) }
        let offset = max(startIndex, 1) - 1
        let rows = try Row.fetchAll(db.statement(pageSQL(q, filtered: filtered), cached: q.cacheable), arguments: q.condition.arguments + [count, offset])
        if filtered, let first = rows.first { return (first["total"], rows) }
        return (filtered && offset == 0 ? 0 : try counted(), rows)
    }
}

/// Where a statement's rows keep what ``ResourceTable/forwarded(_:)-([Row])`` reads.
struct ForwardedColumns {
    let id, version, created, lastModified, json: Int
    let lastLogin: Int?

    init?(_ row: Row) {
        let names = Array(row.columnNames)
        guard let id = names.firstIndex(of: "id"), let version = names.firstIndex(of: "version"), let created = names.firstIndex(of: "created"),
              let lastModified = names.firstIndex(of: "lastModified"), let json = names.firstIndex(of: "json") else { return nil }
        (self.id, self.version, self.created, self.lastModified, self.json) = (id, version, created, lastModified, json)
        lastLogin = names.firstIndex(of: "lastLogin")
    }
}
