import Foundation
import Metrics
import RosterMetrics
public import GRDB
public import Logging
public import RosterProtocol
import SCIMCore
public import ServiceLifecycle

/// Effects that cross stores (docs/design.md §3): written in the same transaction as the change that
/// causes them, delivered by ``OutboxRelay`` until the consumer acknowledges, never lost.
public enum Outbox {
    /// Records `command` for delivery, inside the caller's transaction.
    public static func enqueue<C: Command>(_ db: Database, _ command: C, eventID: String, directoryID: String) throws {
        try db.cachedStatement(sql: "INSERT INTO outbox (eventId, directoryId, command, payload, created) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [eventID, directoryID, C.name, Data(CommandCodec.encode(command)), Timestamp.string(from: try db.transactionDate)])
    }
}

/// Delivers outbox events in order to the worker that consumes them, deleting each only once it
/// was acknowledged. A consumer that is down delays delivery; it never drops an event. It reads
/// the outbox after the store's commits (``CommitSignal``), not on a timer.
public struct OutboxRelay: Service {
    let pool: DatabasePool
    let target: any CommandTransport
    let logger: Logger
    static let batch = 100
    /// Deliveries by outcome: `applied` (acknowledged), `dead` (refused, kept in outboxDead), `postponed` (to be retried).
    static let deliveries = MetricsCache<String, Counter> { RosterMetrics.counter("roster_outbox_deliveries_total", [("outcome", $0)]) }

    public init(pool: DatabasePool, target: any CommandTransport, logger: Logger) {
        self.pool = pool
        self.target = target
        self.logger = logger
        for outcome in ["applied", "dead", "postponed"] { _ = Self.deliveries[outcome] }
    }

    public func run() async throws {
        await CommitSignal.follow(fallback: .seconds(1)) { (await deliverBatch(), nil) }
    }

    /// Delivers what is pending, in order: `.failed` when a delivery failed and must be retried,
    /// `.more` when the batch was full.
    func deliverBatch() async -> CommitSignal.Round {
        struct Pending: Sendable { var seq: Int64; var eventID, directory, command: String; var payload: Data }
        let rows: [Pending]
        do {
            rows = try await pool.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM outbox ORDER BY seq LIMIT ?", arguments: [Self.batch]).map {
                    Pending(seq: $0["seq"], eventID: $0["eventId"], directory: $0["directoryId"], command: $0["command"], payload: $0["payload"])
                }
            }
        } catch {
            logger.error("cannot read the outbox", metadata: ["error": "\(error)"])
            return .failed
        }
        for row in rows {
            let (seq, command, payload, directory, eventID) = (row.seq, row.command, row.payload, row.directory, row.eventID)
            do {
                _ = try await target.send(name: command, payload: Array(payload), shardKey: directory)
                try await pool.write { db in try db.execute(sql: "DELETE FROM outbox WHERE seq = ?", arguments: [seq]) }
                Self.deliveries["applied"].increment()
                logger.debug("outbox event delivered", metadata: ["command": "\(command)", "event": "\(eventID)"])
            } catch let error as SCIMError where (400..<500).contains(error.status) || error.status == 502 {
                // Refused, or a payload its consumer cannot decode (502): retrying cannot help.
                logger.error("outbox event refused by its consumer; kept in outboxDead", metadata: ["command": "\(command)", "error": "\(error)"])
                Self.deliveries["dead"].increment()
                try? await pool.write { db in
                    try db.execute(sql: "INSERT OR REPLACE INTO outboxDead (eventId, directoryId, command, payload, error) VALUES (?, ?, ?, ?, ?)",
                                   arguments: [eventID, directory, command, payload, error.detail])
                    try db.execute(sql: "DELETE FROM outbox WHERE seq = ?", arguments: [seq])
                }
            } catch {
                Self.deliveries["postponed"].increment()
                logger.debug("outbox delivery postponed", metadata: ["command": "\(command)", "error": "\(error)"])
                return .failed
            }
        }
        return rows.count == Self.batch ? .more : .idle
    }
}
