import Foundation
import Logging
import RosterProtocol
import SCIMCore

/// "Clear SCIM data" and "map" (`roster directory clear-scim`, `roster sync run`): batches on the
/// directory's users shard, then on its groups shard, until none is left to do.
extension JobRunner {
    func clearSCIM(_ job: inout Job) async throws {
        guard try await directoryBatches(&job, ClearSCIMBatch.self, ClearGroupsBatch.self, then: "done") else { return }
        try await finish(&job)
    }

    func mapAccounts(_ job: inout Job) async throws {
        guard try await directoryBatches(&job, MapBatch.self, MapGroupsBatch.self, then: "done") else { return }
        try await finish(&job)
    }

    private func finish(_ job: inout Job) async throws {
        job.state = .done
        job.remaining = 0
        _ = try await checkpoint(&job)
        logger.info("\(job.kind) done", metadata: ["job": "\(job.id)", "directory": "\(job.directoryID)", "accounts": "\(job.processed)"])
    }

    /// Batches of `U` on the directory's users shard (step `users`), then of `G` on its groups
    /// shard (step `groups`), until none is left; then the step is `then`. The total is counted
    /// first (an empty step or `count`), and `processed` is re-derived from what is left
    /// (`total − remaining`), so a job resumed after a restart ends with exact counts (a map's
    /// `mapped` with them). False once the job is cancelled.
    func directoryBatches<U: DirectoryBatchCommand, G: DirectoryBatchCommand>(_ job: inout Job, _ u: U.Type, _ g: G.Type, then: String) async throws -> Bool {
        let directory = job.directoryID
        func users(_ limit: Int) async throws -> RemovedBatch { try await self.users.send(U(directoryID: directory, limit: limit), shardKey: directory) }
        func groups(_ limit: Int) async throws -> RemovedBatch { try await self.groups.send(G(directoryID: directory, limit: limit), shardKey: directory) }
        if job.step.isEmpty || job.step == "count" {
            job.total = try await users(0).remaining + groups(0).remaining
            job.remaining = job.total
            job.step = "users"
            guard try await checkpoint(&job) else { return false }
        }
        for (step, next) in [("users", "groups"), ("groups", then)] where job.step == step {
            while true {
                let batch = step == "users" ? try await users(self.batch) : try await groups(self.batch)
                let other = step == "users" ? try await groups(0).remaining : 0
                job.remaining = batch.remaining + other
                job.processed = max(0, job.total - job.remaining)
                if job.kind == Job.map { job.mapped = job.processed }
                let drained = batch.remaining == 0 || batch.removed == 0
                if drained { job.step = next }
                guard try await checkpoint(&job) else { return false }
                if drained { break }
            }
        }
        return true
    }
}
