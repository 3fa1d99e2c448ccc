import Foundation
import Logging
import RosterProtocol
import SCIMCore

/// "Clear SCIM data" and "map" (`roster directory clear-scim`, `roster sync run`): batches on
/// the directory's users shard until none is left to do. `processed` is re-derived from what is
/// left (`total − remaining`), so a job resumed after a restart ends with exact counts.
extension JobRunner {
    func clearSCIM(_ job: inout Job) async throws {
        try await batches(&job) { store, directory, limit in try await store.send(ClearSCIMBatch(directoryID: directory, limit: limit), shardKey: directory) }
    }

    func mapAccounts(_ job: inout Job) async throws {
        try await batches(&job) { store, directory, limit in try await store.send(MapBatch(directoryID: directory, limit: limit), shardKey: directory) }
        job.mapped = job.processed
    }

    private func batches(_ job: inout Job, _ step: (any CommandTransport, String, Int) async throws -> RemovedBatch) async throws {
        let directory = job.directoryID
        if job.total < 0 {
            job.total = try await step(users, directory, 0).remaining
            job.remaining = job.total
            guard try await checkpoint(&job) else { return }
        }
        while job.remaining > 0 {
            let batch = try await step(users, directory, self.batch)
            job.remaining = batch.remaining
            job.processed = max(0, job.total - batch.remaining)
            if job.kind == Job.map { job.mapped = job.processed }
            guard try await checkpoint(&job) else { return }
            if batch.removed == 0 { break }
        }
        job.state = .done
        job.remaining = 0
        _ = try await checkpoint(&job)
        logger.info("\(job.kind) done", metadata: ["job": "\(job.id)", "directory": "\(directory)", "accounts": "\(job.processed)"])
    }
}
