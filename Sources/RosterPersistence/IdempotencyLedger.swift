public import GRDB
import Foundation
import RosterMessaging
import Synchronization

/// Results of keyed writes, kept long enough for the one resend the ingress makes when a
/// worker's connection drops (it comes before the caller's deadline, seconds after the first
/// delivery), and no longer.
///
/// Two generations of one table shape, `roster_ledger_0` and `_1`: writes go to the current one;
/// every `generation` (30 s, far beyond any deadline) the older one is emptied with a bare
/// `DELETE` (SQLite's truncate optimisation: pages freed in bulk, no per-row work) and becomes
/// current. A record so lives between one and two generations. Rows are appended (rowid order),
/// and a small index on the key's first 8 bytes finds one on a resend: keyed by the random key
/// itself, each insert landed on a random page of the table and dirtied it (PATCH ran 25 % slower).
public final class IdempotencyLedger: Sendable {
    private struct Rotation {
        var current = 0
        var since = ContinuousClock.now
    }

    private let rotation = Mutex(Rotation())
    let generation: Duration

    public init(generation: Duration = .seconds(30)) {
        self.generation = generation
    }

    static let tables = ["roster_ledger_0", "roster_ledger_1"]

    static func create(_ db: Database) throws {
        for table in tables {
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS \(table) (seq INTEGER PRIMARY KEY, keyLow INTEGER NOT NULL, keyHigh INTEGER NOT NULL, reply BLOB NOT NULL);
                CREATE INDEX IF NOT EXISTS \(table)_key ON \(table)(keyLow);
                """)
        }
        for earlier in ["roster_idempotency", "roster_idempotency_0", "roster_idempotency_1"] {  // earlier layouts
            try db.execute(sql: "DROP TABLE IF EXISTS \(earlier)")
        }
    }

    private static func halves(_ key: [UInt8]) -> (Int64, Int64) {
        key.withUnsafeBytes { ($0.loadUnaligned(fromByteOffset: 0, as: Int64.self), $0.loadUnaligned(fromByteOffset: 8, as: Int64.self)) }
    }

    /// The recorded result of `key`, if its first delivery committed.
    static func result(_ db: Database, key: [UInt8]) throws -> [UInt8]? {
        let (low, high) = halves(key)
        for table in tables {
            if let reply = try Data.fetchOne(db, sql: "SELECT reply FROM \(table) WHERE keyLow = ? AND keyHigh = ?", arguments: [low, high]) {
                return Array(reply)
            }
        }
        return nil
    }

    /// Records `reply` for `key` in the current generation (inside the write's savepoint).
    func record(_ db: Database, key: [UInt8], reply: [UInt8]) throws {
        let (low, high) = Self.halves(key)
        let table = Self.tables[rotation.withLock { $0.current }]
        try db.execute(sql: "INSERT INTO \(table) (keyLow, keyHigh, reply) VALUES (?, ?, ?)", arguments: [low, high, Data(reply)])
    }

    /// Empties the older generation and makes it current, once per generation.
    func rotate(_ db: Database) throws {
        let next: Int? = rotation.withLock { r in
            guard ContinuousClock.now - r.since >= generation else { return nil }
            r.current = 1 - r.current
            r.since = .now
            return r.current
        }
        if let next { try db.execute(sql: "DELETE FROM \(Self.tables[next])") }
    }

    /// Recorded results (for tests and metrics).
    public static func count(_ db: Database) throws -> Int {
        try tables.reduce(0) { $0 + (try Int.fetchOne(db, sql: "SELECT count(*) FROM \($1)") ?? 0) }
    }
}
