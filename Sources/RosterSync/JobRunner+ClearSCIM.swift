import Foundation
import Logging
import RosterProtocol
import SCIMCore

/// "Clear SCIM data" and "map" (`roster directory clear-scim`, `roster sync run`): batches on
/// the directory's users shard, then on its groups shard, until none is left to do. `processed` is re-derived from what is
/// left (`total − remaining`), so a job resumed after a restart ends with exact counts.
extension JobRunner {
    func clearSCIM(_ job: inout Job) async throws {
        try await batches(&job) { usersStep, directory, limit in
            usersStep ? try await users.send(ClearSCIMBatch(directoryID: directory, limit: limit), shardKey: directory)
                : try await groups.send(ClearGroupsBatch(directoryID: directory, limit: limit), shardKey: directory)
        }
    }

    func mapAccounts(_ job: inout Job) async throws {
        try await batches(&job) { usersStep, directory, limit in
            usersStep ? try await users.send(MapBatch(directoryID: directory, limit: limit), shardKey: directory)
                : try await groups.send(MapGroupsBatch(directoryID: directory, limit: limit), shardKey: directory)
        }
        job.mapped = job.processed
    }

    /// Users first (`step` "users"), then groups; `step(true, …)` is a users batch.
    private func batches(_ job: inout Job, _ step: (Bool, String, Int) async throws -> RemovedBatch) async throws {
        let directory = job.directoryID
        if job.total < 0 {
            job.total = try await step(true, directory, 0).remaining + step(false, directory, 0).remaining
            job.remaining = job.total
            job.step = "users"
            guard try await checkpoint(&job) else { return }
        }
        for (kind, next) in [("users", "groups"), ("groups", "")] where job.step == kind {
            while true {
                let batch = try await step(kind == "users", directory, self.batch)
                let other = kind == "users" ? try await step(false, directory, 0).remaining : 0
                job.remaining = batch.remaining + other
                job.processed = max(0, job.total - job.remaining)
                if job.kind == Job.map { job.mapped = job.processed }
                if batch.remaining == 0 || batch.removed == 0 { job.step = next }
                guard try await checkpoint(&job) else { return }
                if batch.remaining == 0 || batch.removed == 0 { break }
            }
        }
        job.state = .done
        job.remaining = 0
        _ = try await checkpoint(&job)
        logger.info("\(job.kind) done", metadata: ["job": "\(job.id)", "directory": "\(directory)", "accounts": "\(job.processed)"])
    }
}
