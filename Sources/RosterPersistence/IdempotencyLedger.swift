public import GRDB
import Foundation
import RosterMessaging
import Synchronization

/// Results of keyed writes, kept until their caller's deadline: long enough for the one resend
/// the ingress makes when a worker's connection drops, and no longer (a write-heavy store holds
/// a few seconds' worth of rows, not a history). The key is the primary key, so one key has at
/// most one recorded result.
public final class IdempotencyLedger: Sendable {
    private let lastPrune = Mutex(ContinuousClock.now)

    public init() {}

    static func create(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE IF NOT EXISTS roster_idempotency (
                key BLOB PRIMARY KEY NOT NULL,
                reply BLOB NOT NULL,
                expires INTEGER NOT NULL
            ) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS roster_idempotency_expires ON roster_idempotency(expires);
            """)
    }

    /// The recorded result of `key`, if its first delivery committed.
    static func result(_ db: Database, key: [UInt8]) throws -> [UInt8]? {
        try Data.fetchOne(db, sql: "SELECT reply FROM roster_idempotency WHERE key = ?", arguments: [Data(key)]).map { Array($0) }
    }

    static func record(_ db: Database, key: [UInt8], reply: [UInt8], until deadline: Int64?) throws {
        // Kept a little past the deadline: the worker's and the ingress's clocks may differ.
        let expires = (deadline ?? Envelope.nowMilliseconds()) + 60_000
        try db.execute(sql: "INSERT INTO roster_idempotency(key, reply, expires) VALUES (?, ?, ?)", arguments: [Data(key), Data(reply), expires])
    }

    /// Deletes expired results, at most once a second.
    func prune(_ db: Database) throws {
        let due = lastPrune.withLock { last in
            guard ContinuousClock.now - last > .seconds(1) else { return false }
            last = .now
            return true
        }
        if due { try db.execute(sql: "DELETE FROM roster_idempotency WHERE expires < ?", arguments: [Envelope.nowMilliseconds()]) }
    }

    /// Recorded results (for tests and metrics).
    public static func count(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM roster_idempotency") ?? 0
    }
}
