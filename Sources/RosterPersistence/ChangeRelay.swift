import Foundation
import Metrics
import RosterMetrics
public import GRDB
public import Logging
public import RosterProtocol
import SCIMCore
public import ServiceLifecycle
public import Configuration
public import RosterMessaging
import RosterConfig
import Synchronization

/// Delivers a store's feed events (``ChangeFeed``) to the sync worker in batches, in the order
/// they were written, deleting them only once acknowledged. The sync worker drops an event it
/// already has (by event id), so a delivery repeated after a crash appends nothing twice.
public struct ChangeRelay: Service {
    let pool: DatabasePool
    let sync: any CommandTransport
    let batch: Int
    let logger: Logger
    static let delivered = RosterMetrics.counter("roster_feed_relayed_total")

    public init(pool: DatabasePool, sync: any CommandTransport, batch: Int = 500, logger: Logger) {
        self.pool = pool
        self.sync = sync
        self.batch = batch
        self.logger = logger
        _ = Self.delivered  // the series exists from the start, at 0
    }

    /// Reads the outbox after each commit of this worker (and every second, for what an earlier
    /// run left), never while nothing happens. What the sync worker acknowledged is deleted at
    /// most once a second, not after each batch: one transaction (and fsync) fewer per batch, and
    /// a crash before the delete only sends those events again, which the sync worker drops.
    public func run() async throws {
        var delivered: Int64 = 0, deleted: Int64 = 0
        var lastDelete = ContinuousClock.now
        await CommitSignal.follow(fallback: .seconds(1)) {
            let outcome = await deliverBatch(after: &delivered)
            if delivered > deleted && ContinuousClock.now - lastDelete >= .seconds(1) {
                if await delete(through: delivered) { deleted = delivered }
                lastDelete = .now
            }
            return (outcome, delivered > deleted ? .now + .seconds(1) : nil)
        }
        if delivered > deleted { _ = await delete(through: delivered) }
    }

    /// One batch after `after` (moved to its last event once acknowledged); `.more` when it was
    /// full (more is waiting).
    func deliverBatch(after: inout Int64) async -> CommitSignal.Round {
        let limit = batch
        let from = after
        let rows: [(seq: Int64, payload: Data)]
        do {
            rows = try await pool.read { db in
                try Row.fetchAll(db, sql: "SELECT seq, payload FROM changeOutbox WHERE seq > ? ORDER BY seq LIMIT ?", arguments: [from, limit])
                    .map { ($0["seq"], $0["payload"]) }
            }
        } catch {
            logger.error("cannot read the change outbox", metadata: ["error": "\(error)"])
            return .failed
        }
        guard let last = rows.last?.seq else { return .idle }
        do {
            let events = try rows.map { row throws(SCIMError) in try CommandCodec.decode(ChangeEvent.self, from: Array(row.payload)) }
            _ = try await sync.send(name: AppendChanges.name, payload: CommandCodec.encode(AppendChanges(events: events)), shardKey: "")
        } catch {
            // Never dropped: an event the sync worker refuses is a bug to fix, and the feed must
            // not skip it. It is retried (and logged) until it goes through.
            logger.warning("feed delivery postponed", metadata: ["events": "\(rows.count)", "error": "\(error)"])
            return .failed
        }
        after = last
        Self.delivered.increment(by: rows.count)
        return rows.count == limit ? .more : .idle
    }

    /// Deletes the acknowledged events; false when the store could not (they are tried again).
    func delete(through seq: Int64) async -> Bool {
        do {
            try await pool.write { db in try db.execute(sql: "DELETE FROM changeOutbox WHERE seq <= ?", arguments: [seq]) }
            return true
        } catch {
            logger.warning("cannot delete delivered feed events", metadata: ["error": "\(error)"])
            return false
        }
    }
}

extension ChangeRelay {
    /// The relay of a users or groups worker, to the sync worker at `zmq.sync` (or through
    /// `sync`, a client the worker already has). Without one, or with `feed.enabled=false` (for
    /// benchmarks: effects are then not recorded at all), the feed is off in this process, since
    /// nothing would drain its outbox; the log says so.
    public static func services(pool: DatabasePool, reader: ConfigReader?, sync: WorkerClient? = nil, logger: Logger) throws -> [any Service] {
        func off(_ why: String) -> [any Service] {
            ChangeFeed.isOn.store(false, ordering: .relaxed)
            logger.notice("\(why): the change feed is off in this worker")
            return []
        }
        guard reader?.bool(forKey: "feed.enabled", default: true) ?? true else { return off("feed.enabled=false") }
        if let sync { return [ChangeRelay(pool: pool, sync: sync, logger: logger)] }
        let endpoints = reader?.list(forKey: "zmq.sync", default: []) ?? []
        guard !endpoints.isEmpty else { return off("no zmq.sync") }
        let context = ZMQContext()
        let curve = try reader.flatMap { r throws(StartupError) in try CurveClient.configured(reader: r) }
        let client = WorkerClient(kind: "sync", endpoints: endpoints, context: context, options: .init(curve: curve))
        return [ClientConnectionsService(clients: [client], context: context), ChangeRelay(pool: pool, sync: client, logger: logger)]
    }
}
