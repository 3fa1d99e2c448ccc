import Foundation
import GRDB
import Logging
import Metrics
import RosterCrypto
import RosterMetrics
import RosterPersistence
import RosterProtocol
import SCIMCore
import ServiceLifecycle
import Synchronization

/// Delivers each active subscription's events in feed order, one POST at a time per
/// subscription (so in order per resource), each POST carrying up to its batch size of events.
/// The cursor moves only past what the receiver acknowledged with a 2xx: delivery is at least
/// once, and a receiver recognises a repeat by the event ids. Failures back off exponentially
/// with jitter; a long streak pauses the subscription with its reason, and nothing is skipped
/// (docs/change-feed.md).
struct WebhookDispatcher: Service {
    let pool: DatabasePool
    let logger: Logger
    let poster: WebhookPoster
    static let deliveries = MetricsCache<String, Counter> { RosterMetrics.counter("roster_webhook_deliveries_total", [("outcome", $0)]) }
    static let delivered = RosterMetrics.counter("roster_webhook_events_delivered_total")

    init(pool: DatabasePool, logger: Logger) {
        self.pool = pool
        self.logger = logger
        self.poster = WebhookPoster(timeout: WebhookSettings.current.withLock(\.timeout))
        for outcome in ["delivered", "failed", "paused"] { _ = Self.deliveries[outcome] }
        _ = Self.delivered
    }

    /// Looks for due subscriptions after each commit of the sync store (events appended, a
    /// subscription made or resumed), at each retry time, and every second; never in between.
    func run() async throws {
        let schedule = DeliverySchedule()
        await withDiscardingTaskGroup { group in
            await CommitSignal.follow(fallback: .seconds(1)) {
                do {
                    for hook in try await due() where schedule.claim(hook.id, failing: hook.failureStreak > 0) {
                        group.addTask {
                            let wait = await deliver(hook)
                            schedule.finish(hook.id, retryAfter: wait)
                        }
                    }
                } catch {
                    logger.warning("cannot read the webhooks", metadata: ["error": "\(error)"])
                    return (.failed, nil)
                }
                return (.idle, schedule.nextRetry)
            }
        }
    }

    /// Active subscriptions with events after their cursor.
    func due() async throws -> [Webhook] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT w.* FROM webhook w JOIN feedHead h ON h.directoryId = w.directoryId WHERE w.state = 'active' AND h.head > w.cursor
                """).map(SyncStore.webhook)
        }
    }

    /// One POST, or a cursor moved past events the subscription does not want; the wait before
    /// the next attempt after a failure.
    func deliver(_ listed: Webhook) async -> Duration? {
        let settings = WebhookSettings.current.withLock { $0 }
        let hook: Webhook
        let sealedSecret: String
        let scanned: [ChangeEvent]
        do {
            // The row as it is now, not as the round listed it: a delivery that ended meanwhile moved
            // its cursor, an operator may have paused or deleted it. Its head, its retention mark and
            // its events in one read, so that a prune cannot come between them.
            guard let (current, secret, head, pruned, events) = try await pool.read({ db -> (Webhook, String, Int64, Int64, [ChangeEvent])? in
                guard let row = try Row.fetchOne(db, sql: "SELECT * FROM webhook WHERE id = ? AND state = 'active'", arguments: [listed.id]) else { return nil }
                let hook = try SyncStore.webhook(row)
                let (head, pruned) = try SyncStore.feedHead(db, hook.directoryID)
                return (hook, row["secret"], head, pruned,
                        hook.cursor < pruned ? [] : try SyncStore.events(db, directoryID: hook.directoryID, after: hook.cursor, limit: 1000))
            }) else { return nil }
            hook = current
            sealedSecret = secret
            if hook.cursor < pruned {
                try await pause(hook, "Paused: retention removed the events after its cursor \(hook.cursor) (the feed is kept from \(pruned + 1) to \(head)). "
                    + "Resync the receiver from the directory, then redeliver from the head.")
                return nil
            }
            scanned = events
        } catch {
            logger.warning("cannot read the feed for a webhook", metadata: ["webhook": "\(listed.id)", "error": "\(error)"])
            return .seconds(1)
        }
        guard let lastScanned = scanned.last?.seq else { return nil }
        let wanted = Array(scanned.filter { hook.wants($0.type) }.prefix(max(hook.batchSize, 1)))
        // A full batch ends at its last event; otherwise every event scanned was considered.
        let through = wanted.count == hook.batchSize ? wanted.last!.seq : lastScanned
        guard !wanted.isEmpty else {
            try? await moveCursor(hook, to: through)
            return nil
        }
        let outcome: WebhookPoster.Outcome
        do {
            let secret = try Secrets.open(sealedSecret, key: settings.key)
            let url = try WebhookTarget.check(hook.url, allowPrivate: settings.allowPrivateTargets)
            let body = WebhookSignature.body(hook, wanted)
            outcome = await poster.post(url, body: body, headers: WebhookSignature.headers(hook, body: body, secret: secret, at: Date()))
        } catch let error as SCIMError {
            outcome = .init(status: 0, error: error.detail, latencyMilliseconds: 0)
        } catch {
            outcome = .init(status: 0, error: "\(error)", latencyMilliseconds: 0)
        }
        return await record(hook, outcome, first: wanted.first!.seq, through: through, events: wanted.count, settings: settings)
    }

    /// The outcome in the delivery log and on the subscription; the wait before a retry.
    func record(_ hook: Webhook, _ outcome: WebhookPoster.Outcome, first: Int64, through: Int64, events: Int, settings: WebhookSettings) async -> Duration? {
        let now = Timestamp.string(from: Date())
        do {
            let streak: Int? = try await pool.write { db in
                try db.execute(sql: """
                    INSERT INTO webhookDelivery (webhookId, at, firstSeq, lastSeq, events, attempt, status, error, latencyMs) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [hook.id, now, first, through, events, hook.failureStreak + 1, outcome.status, outcome.error, outcome.latencyMilliseconds])
                try db.execute(sql: """
                    DELETE FROM webhookDelivery WHERE webhookId = ?1 AND id <= (SELECT id FROM webhookDelivery WHERE webhookId = ?1 ORDER BY id DESC LIMIT 1 OFFSET ?2)
                    """, arguments: [hook.id, settings.deliveryLogKept])
                // Only if nobody moved the cursor meanwhile (an operator's redeliver wins).
                if outcome.succeeded {
                    try db.execute(sql: "UPDATE webhook SET cursor = ?, failureStreak = 0, failingSince = '', lastError = '' WHERE id = ? AND cursor = ?",
                                   arguments: [through, hook.id, hook.cursor])
                    return nil
                }
                try db.execute(sql: """
                    UPDATE webhook SET failureStreak = failureStreak + 1, failingSince = CASE failingSince WHEN '' THEN ? ELSE failingSince END, lastError = ?
                    WHERE id = ? AND cursor = ? AND state = 'active'
                    """, arguments: [now, outcome.error, hook.id, hook.cursor])
                // Deleted, paused or rewound meanwhile: nothing to back off from.
                guard db.changesCount == 1, let row = try Row.fetchOne(db, sql: "SELECT failureStreak, failingSince FROM webhook WHERE id = ?", arguments: [hook.id]) else {
                    return 0
                }
                let streak: Int = row["failureStreak"]
                let since = Timestamp.date(from: row["failingSince"]) ?? Date()
                if streak >= settings.pauseAfterFailures && Date().timeIntervalSince(since) >= Double(settings.pauseAfter.components.seconds) {
                    try db.execute(sql: "UPDATE webhook SET state = 'paused', pausedReason = ? WHERE id = ?", arguments: [
                        "Paused automatically: \(streak) deliveries in a row failed since \(row["failingSince"] as String) (last: \(outcome.error)). "
                            + "Nothing was skipped: resume it once the receiver works.", hook.id])
                    Self.deliveries["paused"].increment()
                }
                return streak
            }
            if let streak {
                Self.deliveries["failed"].increment()
                guard streak > 0 else { return nil }
                logger.info("webhook delivery failed", metadata: ["webhook": "\(hook.id)", "status": "\(outcome.status)", "error": "\(outcome.error)", "streak": "\(streak)"])
                return settings.backoff(afterFailures: streak)
            }
            Self.deliveries["delivered"].increment()
            Self.delivered.increment(by: events)
            return nil
        } catch {
            logger.warning("cannot record a webhook delivery", metadata: ["webhook": "\(hook.id)", "error": "\(error)"])
            return .seconds(1)
        }
    }

    func moveCursor(_ hook: Webhook, to seq: Int64) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE webhook SET cursor = ? WHERE id = ? AND cursor = ?", arguments: [seq, hook.id, hook.cursor])
        }
    }

    func pause(_ hook: Webhook, _ reason: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE webhook SET state = 'paused', pausedReason = ? WHERE id = ? AND state = 'active'", arguments: [reason, hook.id])
        }
        Self.deliveries["paused"].increment()
    }
}
