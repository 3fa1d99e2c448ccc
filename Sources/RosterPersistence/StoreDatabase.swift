public import GRDB
public import Logging
import Foundation

/// Opens a worker's SQLite store with the settings docs/design.md §2 asks for.
public enum StoreDatabase {
    /// Opens (creating the directory if needed) a WAL `DatabasePool` with `synchronous=FULL`,
    /// automatic checkpoints off (``Checkpointer`` runs them on another connection), and runs `migrator`.
    ///
    /// GRDB sets `synchronous=NORMAL` when it enables WAL, after `prepareDatabase`; so FULL is set
    /// afterwards on the writer connection and read back.
    public static func open(path: String, migrator: DatabaseMigrator, logger: Logger) throws -> DatabasePool {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in db.add(function: foldFunction) }
        let pool = try DatabasePool(path: path, configuration: configuration)
        let (synchronous, checkpoint, journal) = try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL; PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = 67108864")
            return (
                try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1,
                try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") ?? -1,
                try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "?"
            )
        }
        guard synchronous == 2, checkpoint == 0, journal == "wal" else {
            throw StoreError.pragmas("synchronous=\(synchronous) wal_autocheckpoint=\(checkpoint) journal_mode=\(journal)")
        }
        try migrator.migrate(pool)
        logger.info("store open", metadata: ["path": "\(path)", "journal_mode": "wal", "synchronous": "FULL"])
        return pool
    }
}

/// `scim_fold(text)`: Unicode lower-casing, the one case rule for uniqueness and for filters on
/// attributes that are not caseExact (SQLite's own `lower` and `NOCASE` fold ASCII only).
let foldFunction = DatabaseFunction("scim_fold", argumentCount: 1, pure: true) { values in
    String.fromDatabaseValue(values[0])?.lowercased()
}

public enum StoreError: Error, CustomStringConvertible {
    case pragmas(String)

    public var description: String {
        switch self {
        case .pragmas(let found): "the store's pragmas could not be set as required (found \(found))"
        }
    }
}
