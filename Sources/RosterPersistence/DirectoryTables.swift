public import GRDB
public import RosterProtocol

/// How a store's rows belong to directories: what `roster reshard` moves when a directory changes
/// shard. Declared by each store beside its migrations; a store with a table that is in neither
/// list cannot be resharded (``DirectoryMover/checkKnown(_:tables:)``), so a new table is never
/// silently left behind.
public struct DirectoryTables: Sendable {
    public struct Table: Sendable {
        /// A table with a `directoryId` column.
        public var name: String
        /// Its `seq` (an AUTOINCREMENT listing position) is assigned anew in the target, in order.
        public var renumbered: Bool
        /// Tables whose rows point at this one's `seq` (table, column), re-pointed by `id` at the copies.
        public var children: [(table: String, column: String)]

        public init(_ name: String, renumbered: Bool = false, children: [(table: String, column: String)] = []) {
            self.name = name
            self.renumbered = renumbered
            self.children = children
        }
    }

    public var tables: [Table]
    /// Tables that belong to no directory (migrations, idempotency ledgers): left where they are.
    public var unscoped: [String]
    /// Tables of ids that dedupe events (applied-event ids): copied into the target of each move
    /// (`INSERT OR IGNORE`), so that what was deduplicated on the old shard stays deduplicated on
    /// the new one; only the moved directory's rows when the table has a `directoryId` column.
    public var shared: [String]

    public init(tables: [Table], unscoped: [String] = [], shared: [String] = []) {
        self.tables = tables
        self.unscoped = unscoped
        self.shared = shared
    }

    /// Every table a move touches, parents and children.
    var names: [String] { tables.flatMap { [$0.name] + $0.children.map(\.table) } + shared }

    func isUnscoped(_ table: String) -> Bool {
        table.hasPrefix("sqlite_") || table == "grdb_migrations" || table == DirectoryGate.table || IdempotencyLedger.tables.contains(table) || unscoped.contains(table)
    }
}

/// Moves one directory's rows between two stores of the same kind (two shards), in two steps that
/// can each be repeated: ``copy`` replaces whatever the target held of the directory with the
/// source's rows, in one transaction of the target, and checks the counts before committing;
/// ``delete`` then removes them from the source. Interrupted between the two, the directory is
/// whole in both, and a new run repeats both steps: nothing is lost, and once done nothing is
/// left twice.
public enum DirectoryMover {
    public struct Counts: Equatable, Sendable, CustomStringConvertible {
        public var rows: [String: Int] = [:]
        public var description: String { rows.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") }
    }

    /// Fails on a table this store has that `tables` does not account for.
    public static func checkKnown(_ db: Database, tables: DirectoryTables) throws {
        let present = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
        let unknown = present.filter { !tables.isUnscoped($0) && !tables.names.contains($0) }
        guard unknown.isEmpty else { throw MoveError("the store has tables re-sharding does not know: \(unknown.sorted().joined(separator: ", "))") }
    }

    /// The directories that have rows in `db`.
    public static func directories(_ db: Database, tables: DirectoryTables) throws -> Set<String> {
        var out: Set<String> = []
        for table in tables.tables {
            out.formUnion(try String.fetchAll(db, sql: "SELECT DISTINCT directoryId FROM \(table.name.quotedDatabaseIdentifier)"))
        }
        return out
    }

    /// How many rows `directory` has in each table (children by their parent's directory).
    public static func counts(_ db: Database, schema: String = "main", directory: String, tables: DirectoryTables) throws -> Counts {
        var counts = Counts()
        for table in tables.tables {
            let parent = "\(schema).\(table.name.quotedDatabaseIdentifier)"
            counts.rows[table.name] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(parent) WHERE directoryId = ?", arguments: [directory]) ?? 0
            for child in table.children {
                counts.rows[child.table] = try Int.fetchOne(db, sql: """
                    SELECT COUNT(*) FROM \(schema).\(child.table.quotedDatabaseIdentifier) c JOIN \(parent) p ON p.seq = c.\(child.column.quotedDatabaseIdentifier)
                    WHERE p.directoryId = ?
                    """, arguments: [directory]) ?? 0
            }
        }
        return counts
    }

    /// Replaces `target`'s rows of `directory` with those of the store at `sourcePath`; returns the counts copied.
    /// `sourceIsLive`: the source is a store in use (an online export): the copy's transaction is
    /// then deferred, so that it only reads the source, never locks it against its own writer.
    public static func copy(directory: String, from sourcePath: String, into target: DatabaseQueue, tables: DirectoryTables, sourceIsLive: Bool = false) throws -> Counts {
        try target.writeWithoutTransaction { db in try copy(db, directory: directory, from: sourcePath, tables: tables, kind: sourceIsLive ? .deferred : .immediate) }
    }

    /// The same, on a connection outside any transaction (ATTACH cannot run inside one).
    public static func copy(_ db: Database, directory: String, from sourcePath: String, tables: DirectoryTables, kind: Database.TransactionKind = .immediate) throws -> Counts {
        do {
            try db.execute(sql: "ATTACH DATABASE ? AS source", arguments: [sourcePath])
            defer { try? db.execute(sql: "DETACH DATABASE source") }
            var moved = Counts()
            try db.inTransaction(kind) {
                let wanted = try counts(db, schema: "source", directory: directory, tables: tables)
                try delete(db, directory: directory, tables: tables)
                for table in tables.tables {
                    let columns = try db.columns(in: table.name).map(\.name).filter { !(table.renumbered && $0 == "seq") }
                    let list = columns.map(\.quotedDatabaseIdentifier).joined(separator: ", ")
                    let order = table.renumbered ? " ORDER BY seq" : ""
                    try db.execute(sql: "INSERT INTO main.\(table.name.quotedDatabaseIdentifier) (\(list)) SELECT \(list) FROM source.\(table.name.quotedDatabaseIdentifier) WHERE directoryId = ?\(order)",
                                   arguments: [directory])
                    for child in table.children {
                        let childColumns = try db.columns(in: child.table).map(\.name)
                        let selected = childColumns.map { $0 == child.column ? "mp.seq" : "c.\($0.quotedDatabaseIdentifier)" }.joined(separator: ", ")
                        try db.execute(sql: """
                            INSERT INTO main.\(child.table.quotedDatabaseIdentifier) (\(childColumns.map(\.quotedDatabaseIdentifier).joined(separator: ", ")))
                            SELECT \(selected) FROM source.\(child.table.quotedDatabaseIdentifier) c
                            JOIN source.\(table.name.quotedDatabaseIdentifier) sp ON sp.seq = c.\(child.column.quotedDatabaseIdentifier)
                            JOIN main.\(table.name.quotedDatabaseIdentifier) mp ON mp.id = sp.id
                            WHERE sp.directoryId = ?
                            """, arguments: [directory])
                    }
                }
                for table in tables.shared {
                    // With a directoryId column, the directory's rows (and those from before it, NULL).
                    let scoped = try db.columns(in: table).contains { $0.name == "directoryId" }
                    try db.execute(sql: "INSERT OR IGNORE INTO main.\(table.quotedDatabaseIdentifier) SELECT * FROM source.\(table.quotedDatabaseIdentifier)"
                                   + (scoped ? " WHERE directoryId = ? OR directoryId IS NULL" : ""), arguments: scoped ? [directory] : [])
                }
                let copied = try counts(db, directory: directory, tables: tables)
                guard copied == wanted else { throw MoveError("directory \(directory): copied \(copied), the source holds \(wanted); nothing was changed") }
                moved = wanted
                return .commit
            }
            return moved
        }
    }

    /// Removes `directory`'s rows from `store`.
    public static func delete(directory: String, from store: DatabaseQueue, tables: DirectoryTables) throws {
        try store.write { db in try delete(db, directory: directory, tables: tables) }
    }

    static func delete(_ db: Database, directory: String, tables: DirectoryTables) throws {
        for table in tables.tables {
            let parent = "main.\(table.name.quotedDatabaseIdentifier)"
            for child in table.children {
                try db.execute(sql: "DELETE FROM main.\(child.table.quotedDatabaseIdentifier) WHERE \(child.column.quotedDatabaseIdentifier) IN (SELECT seq FROM \(parent) WHERE directoryId = ?)",
                               arguments: [directory])
            }
            try db.execute(sql: "DELETE FROM \(parent) WHERE directoryId = ?", arguments: [directory])
        }
    }

    public struct MoveError: Error, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }
}

extension DirectoryMover {
    /// Removes up to `limit` resources of `directory` (the first table's rows, their children
    /// first), and once none is left every other row of the directory: the batch a
    /// remove-directory job sends until `remaining` is 0. Repeating a batch removes nothing twice.
    public static func removeBatch(_ db: Database, directory: String, limit: Int, tables: DirectoryTables) throws -> (removed: Int, remaining: Int) {
        guard let resources = tables.tables.first else { return (0, 0) }
        let parent = "main.\(resources.name.quotedDatabaseIdentifier)"
        let batch = "SELECT seq FROM \(parent) WHERE directoryId = ? ORDER BY seq LIMIT ?"
        let arguments: StatementArguments = [directory, max(0, limit)]  // 0: only count
        for child in resources.children {
            try db.execute(sql: "DELETE FROM main.\(child.table.quotedDatabaseIdentifier) WHERE \(child.column.quotedDatabaseIdentifier) IN (\(batch))", arguments: arguments)
        }
        try db.execute(sql: "DELETE FROM \(parent) WHERE seq IN (\(batch))", arguments: arguments)
        let removed = db.changesCount
        let remaining = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(parent) WHERE directoryId = ?", arguments: [directory]) ?? 0
        if remaining == 0 { try delete(db, directory: directory, tables: tables) }
        return (removed, remaining)
    }
}

extension DirectoryMover {
    /// Up to `limit` rows of `directory` in `table`, oldest first, each handed to `body` (which
    /// takes it out of the table), then how many are left: one batch of a directory job that
    /// moves rows between a store's tables (clear SCIM data, map). `limit` 0 only counts.
    public static func batch(_ db: Database, table: String, directory: String, limit: Int, _ body: (Row) throws -> Void) throws -> RemovedBatch {
        let name = table.quotedDatabaseIdentifier
        let rows = try Row.fetchAll(db, sql: "SELECT * FROM \(name) WHERE directoryId = ? ORDER BY seq LIMIT ?", arguments: [directory, max(0, limit)])
        for row in rows { try body(row) }
        let remaining = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(name) WHERE directoryId = ?", arguments: [directory]) ?? 0
        return RemovedBatch(removed: rows.count, remaining: remaining)
    }
}

extension CommandTable {
    /// `store.removeDirectoryBatch` over this store's ``DirectoryTables``.
    public mutating func registerDirectoryRemoval(_ tables: DirectoryTables) {
        register(RemoveDirectoryBatch.self) { db, c in
            let (removed, remaining) = try DirectoryMover.removeBatch(db, directory: c.directoryID, limit: c.limit, tables: tables)
            return RemovedBatch(removed: removed, remaining: remaining)
        }
    }
}
