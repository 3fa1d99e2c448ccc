import Metrics
import RosterMetrics
import RosterProtocol

extension WorkerStatus {
    /// The figures read for a scrape, as gauges: store size, and the outbox of a store that has one.
    static let gauges = (
        database: RosterMetrics.gauge("roster_store_bytes", [("file", "database")]),
        wal: RosterMetrics.gauge("roster_store_bytes", [("file", "wal")]),
        uptime: RosterMetrics.gauge("roster_process_uptime_seconds")
    )
    /// Made on the first scrape that finds an outbox: a store without one shows no outbox series.
    static let outboxGauges = (
        pending: RosterMetrics.gauge("roster_outbox_pending_events"),
        oldest: RosterMetrics.gauge("roster_outbox_oldest_event_age_seconds"),
        dead: RosterMetrics.gauge("roster_outbox_dead_events")
    )

    /// This process's metrics, with the gauges that are read, not counted, brought up to date.
    func exposition() -> MetricsExposition {
        let g = Self.gauges
        g.database.set(storeBytes)
        g.wal.set(walBytes)
        g.uptime.set(uptimeSeconds)
        if outboxPending >= 0 {
            let o = Self.outboxGauges
            o.pending.set(outboxPending)
            o.oldest.set(outboxOldestSeconds)
            o.dead.set(outboxDead)
        }
        return MetricsExposition(text: RosterMetrics.exposition())
    }
}
