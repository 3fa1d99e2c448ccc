import Foundation
import Metrics
import RosterMetrics
public import GRDB
public import Logging
import RosterMessaging
import RosterPersistence
public import RosterProtocol
import SCIMCore
public import ServiceLifecycle

/// Runs the sync worker's jobs, one at a time, oldest first (so never two of one directory at
/// once). A job's progress is in its row: after a restart, kill -9 included, the job that was
/// running goes on from its last step. A worker that cannot be reached pauses the job (it is
/// retried every second); it never fails it.
public struct JobRunner: Service {
    let pool: DatabasePool
    let users: any CommandTransport
    let groups: any CommandTransport
    /// Resources removed per batch: small enough that a batch never holds a store's writer for long.
    let batch: Int
    let interval: Duration
    let logger: Logger

    public init(pool: DatabasePool, users: any CommandTransport, groups: any CommandTransport, batch: Int = 500, interval: Duration = .milliseconds(200), logger: Logger) {
        self.pool = pool
        self.users = users
        self.groups = groups
        self.batch = batch
        self.interval = interval
        self.logger = logger
        JobMetrics.start(kinds: [Job.removeDirectory, Job.reshard, Job.importAccounts, Job.clearSCIM, Job.map, Job.importLogins, Job.appMap, Job.appLogins, Job.appReconcile])
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            var pause: Duration? = interval
            do {
                // Left by a reshard that ended early: undone before any job runs.
                try await settleShardWork()
                if let job = try await pool.read({ try SyncStore.nextJob($0) }) {
                    try await run(job)
                    pause = nil
                }
            } catch let error as SCIMError where [503, 504].contains(error.status) {
                logger.info("job paused: a worker is not reachable; retrying", metadata: ["error": "\(error.detail)"])
                pause = .seconds(1)
            } catch is CancellationError {
                return
            } catch {
                logger.error("job step failed; retrying", metadata: ["error": "\(error)"])
                pause = .seconds(1)
            }
            if let pause {
                do { try await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) } } catch { return }
            }
        }
    }

    func run(_ start: Job) async throws {
        var job = start
        if job.state == .queued {
            job.state = .running
            job.started = Timestamp.string(from: Date())
            logger.info("job started", metadata: ["job": "\(job.id)", "kind": "\(job.kind)", "directory": "\(job.directoryID)"])
        }
        guard try await checkpoint(&job) else { return }
        // Sends by directory follow the shard map this store holds, as every router does.
        let map = try await pool.read { try SyncStore.shardMap($0) }
        (users as? WorkerClient)?.follow(map.users)
        (groups as? WorkerClient)?.follow(map.groups)
        do {
            switch job.kind {
            case Job.removeDirectory: try await removeDirectory(&job)
            case Job.reshard: try await reshard(&job)
            case Job.importAccounts: try await importAccounts(&job)
            case Job.clearSCIM: try await clearSCIM(&job)
            case Job.map: try await mapAccounts(&job)
            case Job.importLogins: try await importLogins(&job)
            case Job.appMap: try await mapApp(&job)
            case Job.appLogins: try await appLogins(&job)
            case Job.appReconcile: try await reconcileApp(&job)
            default: throw SCIMError.notImplemented("This sync worker does not know the job kind '\(job.kind)'.")
            }
        } catch let error as SCIMError where ![503, 504].contains(error.status) {
            // Refused, not unreachable: retrying cannot help, so the job ends failed (its
            // directory is no longer frozen) and says why.
            job.state = .failed
            job.error = error.detail
            let (directory, kind, step) = (job.directoryID, job.kind, job.step)
            _ = try await checkpoint(&job) { db in
                try SyncStore.unfreeze(db, directory)
                if kind == Job.reshard { try SyncStore.abandonReshard(db, step: step) }
            }
            logger.error("job failed", metadata: ["job": "\(job.id)", "kind": "\(job.kind)", "error": "\(error.detail)"])
        }
    }

    /// Writes the job's progress, merged with a cancellation asked meanwhile; false once the job
    /// is cancelled (then written as such).
    @discardableResult
    func checkpoint(_ job: inout Job, _ effect: (@Sendable (Database) throws -> Void)? = nil) async throws -> Bool {
        let current = job
        job = try await pool.write { db in
            var j = current
            let stored = try SyncStore.job(db, j.id)
            j.cancelRequested = j.cancelRequested || stored.cancelRequested
            if stored.state == .cancelled { return stored }
            if j.cancelRequested && !j.isFinished {
                j.state = .cancelled
                j.finished = Timestamp.string(from: try db.transactionDate)
                try SyncStore.unfreeze(db, j.directoryID)
                if j.kind == Job.reshard { try SyncStore.abandonReshard(db, step: j.step) }
            } else {
                try effect?(db)
            }
            if j.isFinished, j.finished.isEmpty { j.finished = Timestamp.string(from: try db.transactionDate) }
            try SyncStore.save(db, j)
            return j
        }
        if job.state == .cancelled { logger.info("job cancelled", metadata: ["job": "\(job.id)", "processed": "\(job.processed)"]) }
        JobMetrics.record(before: current, after: job)
        return !job.isFinished
    }
}

/// Job progress in the sync worker's metrics (`docs/operations.md`).
enum JobMetrics {
    static let processed = MetricsCache<String, Counter> { RosterMetrics.counter("roster_job_resources_processed_total", [("kind", $0)]) }
    static let ended = MetricsCache<[String], Counter> { RosterMetrics.counter("roster_jobs_ended_total", [("kind", $0[0]), ("state", $0[1])]) }
    static let remaining = RosterMetrics.gauge("roster_job_remaining_resources")

    /// Every series at 0 from the start.
    static func start(kinds: [String]) {
        for kind in kinds {
            _ = processed[kind]
            for state in [Job.State.done, .failed, .cancelled] { _ = ended[[kind, state.rawValue]] }
        }
        remaining.set(0)
    }

    static func record(before: Job, after: Job) {
        if after.processed > before.processed { processed[after.kind].increment(by: after.processed - before.processed) }
        remaining.set(after.isFinished ? 0 : max(0, after.remaining))
        if after.isFinished && !before.isFinished { ended[[after.kind, after.state.rawValue]].increment() }
    }
}
