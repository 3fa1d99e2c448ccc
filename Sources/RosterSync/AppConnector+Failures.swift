import Foundation
import GRDB
import Logging
import Metrics
import RosterMetrics
import Synchronization
import RosterApps
import RosterPersistence
import RosterProtocol
import SCIMCore

/// What a connector does when an event cannot be applied.
extension AppConnector {
    enum Verdict: Equatable {
        /// Try the same event again after a backoff.
        case retry(String, after: Duration?)
        /// Stop the link on this event until an operator acts.
        case stop(String)
    }

    static func verdict(_ error: any Error, event: ChangeEvent, appID: String) -> Verdict {
        let what = "event \(event.seq) (\(event.type) of \(event.resourceID))"
        if let error = error as? BitbucketError {
            if error.isTransient { return .retry("\(error)", after: error.retryAfter) }
            switch error.status {
            case 401:
                return .stop("Bitbucket refused the service account's credentials (\(error)) on \(what). Set new ones with `roster app credentials \(appID)`; the link goes on from this event.")
            case 403 where "\(error.exceptionName) \(error.message)".lowercased().contains("licen"):
                return .stop("Bitbucket's licence limit is reached (\(error)) on \(what). Free seats or raise the licence, then `roster app resume \(appID)`.")
            case 403:
                return .stop("The service account may not do this (\(error)) on \(what): it needs the ADMIN global permission (SYS_ADMIN for system administrators' accounts). Then `roster app resume \(appID)`.")
            default:
                return .stop("Bitbucket refused \(what): \(error). Correct it in Bitbucket and `roster app resume \(appID)`, or `roster app skip \(appID)` past it.")
            }
        }
        if let error = error as? SCIMError {
            // A worker of Roster out of reach, or late: it comes back.
            if [503, 504].contains(error.status) { return .retry(error.detail, after: nil) }
            return .stop("Roster could not prepare \(what): \(error.detail). `roster app skip \(appID)` past it.")
        }
        return .retry("\(error)", after: nil)
    }

    /// Records a failure on the link; the wait before the next try (nil when stopped).
    func failed(_ app: App, _ event: ChangeEvent, _ error: any Error, requests: Int) async -> Duration? {
        switch Self.verdict(error, event: event, appID: app.id) {
        case .stop(let reason):
            Self.failures["stopped"].increment()
            await stop(app, reason)
            return nil
        case .retry(let reason, let after):
            Self.failures["retried"].increment()
            do {
                let streak: Int = try await pool.write { db in
                    try db.execute(sql: """
                        UPDATE app SET failureStreak = failureStreak + 1, failingSince = CASE failingSince WHEN '' THEN ? ELSE failingSince END,
                        lastError = ?, requests = requests + ? WHERE id = ?
                        """, arguments: [Timestamp.string(from: try db.transactionDate), "event \(event.seq): \(reason)", requests, app.id])
                    return try Int.fetchOne(db, sql: "SELECT failureStreak FROM app WHERE id = ?", arguments: [app.id]) ?? 1
                }
                logger.info("application link: will retry", metadata: ["app": "\(app.id)", "seq": "\(event.seq)", "error": "\(reason)", "streak": "\(streak)"])
                let backoff = AppSettings.current.withLock { $0 }.backoff(afterFailures: streak)
                return max(backoff, after ?? .zero)
            } catch {
                return .seconds(1)
            }
        }
    }

    func stop(_ app: App, _ reason: String) async {
        logger.error("application link stopped", metadata: ["app": "\(app.id)", "reason": "\(reason)"])
        do {
            try await pool.write { db in
                try db.execute(sql: "UPDATE app SET state = 'stopped', reason = ?, lastError = ? WHERE id = ? AND state = 'active'", arguments: [reason, reason, app.id])
            }
        } catch {
            logger.warning("cannot record a stopped link", metadata: ["app": "\(app.id)", "error": "\(error)"])
        }
    }

    /// Queues each link's last-login job when its interval has passed since the last one ended
    /// (and none waits or runs).
    func queueLoginJobs() async throws {
        try await pool.write { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT a.id, a.directoryId, a.loginsEverySeconds, a.lastLogins, a.created FROM app a WHERE a.loginsEverySeconds > 0 AND a.state != 'stopped'
                AND NOT EXISTS (SELECT 1 FROM job j WHERE j.source = 'app:' || a.id AND j.kind = ? AND j.state IN ('queued', 'running'))
                """, arguments: [Job.appLogins])
            let now = try db.transactionDate
            for row in rows {
                let last: String = row["lastLogins"]
                let every = Double(row["loginsEverySeconds"] as Int)
                if let at = Timestamp.date(from: last), now.timeIntervalSince(at) < every { continue }
                let directory: String = row["directoryId"]
                let id: String = row["id"]
                guard let name = try? SyncStore.directoryName(db, directory) else { continue }
                _ = try SyncStore.queueJob(db, kind: Job.appLogins, directoryID: directory, name: name) { $0.source = "app:\(id)" }
            }
        }
    }
}
