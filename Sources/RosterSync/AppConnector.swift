import Foundation
import GRDB
import Logging
import Metrics
import RosterApps
import RosterCrypto
import RosterMetrics
import RosterPersistence
import RosterProtocol
import SCIMCore
import ServiceLifecycle
import Synchronization

/// Applies each active application link's feed, in order, one link at a time each: an event's
/// effect in the application, then the link's cursor past it. Transient failures (no answer,
/// 5xx, 429) back off and retry the same event for as long as it takes; a refusal that needs an
/// operator (401, 403, another 4xx) stops the link with the reason, on that event, until resumed
/// (docs/integrations/bitbucket.md). A link waits while a map of its directory is queued or runs.
struct AppConnector: Service {
    let pool: DatabasePool
    let users: any CommandTransport
    let groups: any CommandTransport
    let logger: Logger
    let clients = ClientCache()

    /// When the last-login intervals were last looked at.
    final class LastCheck: Sendable {
        let at = Mutex<ContinuousClock.Instant?>(nil)
        func due(every interval: Duration) -> Bool {
            at.withLock { at in
                if let last = at, .now - last < interval { return false }
                at = .now
                return true
            }
        }
    }

    final class ClientCache: Sendable {
        let entries = Mutex<[String: (key: String, client: BitbucketClient)]>([:])
    }
    static let applied = RosterMetrics.counter("roster_app_events_applied_total")
    static let requests = RosterMetrics.counter("roster_app_requests_total")
    static let failures = MetricsCache<String, Counter> { RosterMetrics.counter("roster_app_failures_total", [("outcome", $0)]) }
    /// Events one claim applies before the link's turn ends (another link's can come).
    static let eventsPerTurn = 200

    init(pool: DatabasePool, users: any CommandTransport, groups: any CommandTransport, logger: Logger) {
        self.pool = pool
        self.users = users
        self.groups = groups
        self.logger = logger
        _ = Self.applied
        _ = Self.requests
        for outcome in ["retried", "stopped"] { _ = Self.failures[outcome] }
    }

    func run() async throws {
        let schedule = DeliverySchedule()
        let lastLoginCheck = LastCheck()
        await withDiscardingTaskGroup { group in
            await CommitSignal.follow(fallback: .seconds(1)) {
                do {
                    if lastLoginCheck.due(every: .seconds(30)) { try await queueLoginJobs() }
                    for (app, secret) in try await due() where schedule.claim(app.id, failing: app.failureStreak > 0) {
                        group.addTask {
                            let wait = await drain(app, sealedSecret: secret)
                            schedule.finish(app.id, retryAfter: wait)
                        }
                    }
                } catch {
                    logger.warning("cannot read the application links", metadata: ["error": "\(error)"])
                    return (.failed, nil)
                }
                return (.idle, schedule.nextRetry)
            }
        }
    }

    /// Active links with events after their cursor, whose directory is not being mapped.
    func due() async throws -> [(App, String)] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT a.* FROM app a JOIN feedHead h ON h.directoryId = a.directoryId WHERE a.state = 'active' AND h.head > a.cursor
                AND NOT EXISTS (SELECT 1 FROM job j WHERE j.directoryId = a.directoryId AND j.kind = ? AND j.state IN ('queued', 'running'))
                """, arguments: [Job.appMap]).map { (try SyncStore.app(db, $0), $0["secret"]) }
        }
    }

    /// A link's client, kept while its URL and credentials stay (its connections are reused).
    func client(_ app: App, sealedSecret: String) throws -> BitbucketClient {
        let key = "\(app.url)\n\(app.auth)\n\(app.username)\n\(sealedSecret)"
        if let cached = clients.entries.withLock({ $0[app.id] }), cached.key == key { return cached.client }
        let client = try Self.makeClient(app, sealedSecret: sealedSecret)
        clients.entries.withLock { $0[app.id] = (key, client) }
        return client
    }

    /// A client for a link, its secret unsealed with this worker's key.
    static func makeClient(_ app: App, sealedSecret: String) throws -> BitbucketClient {
        let settings = AppSettings.current.withLock { $0 }
        let secret = String(decoding: try Secrets.open(sealedSecret, key: settings.key), as: UTF8.self)
        let credentials: BitbucketCredentials = app.auth == "oauth" ? .bearer(token: secret) : .basic(username: app.username, password: secret)
        guard let url = URL(string: app.url) else { throw SCIMError.invalidValue("The link's URL '\(app.url)' does not parse.") }
        return BitbucketClient(baseURL: url, credentials: credentials, timeout: settings.timeout)
    }

    /// Applies up to ``eventsPerTurn`` events; the wait before the next try after a transient failure.
    func drain(_ listed: App, sealedSecret: String) async -> Duration? {
        let client: BitbucketClient
        do { client = try self.client(listed, sealedSecret: sealedSecret) } catch {
            await stop(listed, "The link's password or token cannot be unsealed with this worker's key (\(error)): set it again with `roster app credentials \(listed.id)`.")
            return nil
        }
        let applier = BitbucketApplier(app: listed, client: client, pool: pool, users: users, groups: groups, staging: true)
        var cursor = listed.cursor
        var pending = Pending(from: cursor)
        var done = 0
        while done < Self.eventsPerTurn {
            let events: [ChangeEvent]
            let (from, room) = (cursor, Self.eventsPerTurn - done)
            do {
                // As the row is now (an operator may have paused, skipped or removed it), with the
                // feed's retention mark and its events in the same read.
                guard let (read, pruned) = try await pool.read({ db -> ([ChangeEvent], Int64)? in
                    guard let row = try Row.fetchOne(db, sql: "SELECT state, cursor FROM app WHERE id = ?", arguments: [listed.id]),
                          row["state"] == "active", row["cursor"] == from else { return nil }
                    let (_, pruned) = try SyncStore.feedHead(db, listed.directoryID)
                    return (from < pruned ? [] : try SyncStore.events(db, directoryID: listed.directoryID, after: from, limit: min(100, room)), pruned)
                }) else { return nil }
                if read.isEmpty {
                    if from < pruned {
                        await stop(listed, "Retention removed the events after \(from) before they were applied: run `roster app reconcile \(listed.id) --repair`, then `roster app skip \(listed.id)`.")
                    }
                    return nil
                }
                events = read
            } catch {
                logger.warning("cannot read the feed for an application link", metadata: ["app": "\(listed.id)", "error": "\(error)"])
                return .seconds(1)
            }
            for event in events {
                let sent = client.requestCount
                let notes: [String]
                do {
                    notes = try await applier.apply(event)
                } catch {
                    // What went before is applied: its cursor first.
                    guard await flush(listed.id, &pending, applier) else { return nil }
                    return await failed(listed, event, error, requests: client.requestCount - sent)
                }
                let requests = client.requestCount - sent
                pending.add(event.seq, requests: requests, notes: notes)
                cursor = event.seq
                done += 1
                // An event that sent nothing (the mirror showed it done) waits to be recorded with
                // the next that does, or the end of the turn: repeated after a kill, it sends nothing again.
                if requests > 0 || !notes.isEmpty || applier.staged?.isEmpty == false || pending.events >= 100 {
                    guard await flush(listed.id, &pending, applier) else { return nil }
                }
            }
            guard await flush(listed.id, &pending, applier) else { return nil }
        }
        return nil
    }

    /// Applied events not yet recorded on the link.
    struct Pending {
        var from: Int64
        var through: Int64
        var events = 0
        var requests = 0
        var notes: [String] = []
        init(from: Int64) { (self.from, self.through) = (from, from) }
        mutating func add(_ seq: Int64, requests: Int, notes: [String]) {
            through = seq
            events += 1
            self.requests += requests
            self.notes += notes
        }
    }

    /// The cursor past the applied events, if nobody moved it meanwhile (false: the link was
    /// paused, skipped or removed, and this turn ends). The mirror's staged writes go in the same
    /// transaction: they are facts of requests that were answered, true whether or not the cursor moves.
    func flush(_ id: String, _ pending: inout Pending, _ applier: BitbucketApplier) async -> Bool {
        let writes = applier.staged?.take() ?? []
        guard pending.events > 0 || !writes.isEmpty else { return true }
        let p = pending
        do {
            let moved = try await pool.write { db in
                for write in writes { try write(db) }
                guard p.events > 0 else { return true }
                try db.execute(sql: """
                    UPDATE app SET cursor = ?, applied = applied + ?, requests = requests + ?, lastApplied = ?, failureStreak = 0, failingSince = '', lastError = ''
                    WHERE id = ? AND cursor = ? AND state = 'active'
                    """, arguments: [p.through, p.events, p.requests, Timestamp.string(from: try db.transactionDate), id, p.from])
                guard db.changesCount == 1 else { return false }
                for note in p.notes { try SyncStore.addNote(db, id, note) }
                return true
            }
            guard moved else { return false }
        } catch {
            logger.warning("cannot record applied events", metadata: ["app": "\(id)", "error": "\(error)"])
            return false
        }
        Self.applied.increment(by: p.events)
        Self.requests.increment(by: p.requests)
        pending = Pending(from: p.through)
        return true
    }
}
