import Foundation
import GRDB
import Logging
import RosterPersistence
import RosterProtocol
import SCIMCore

/// Remove directory: its configurations first (their tokens stop working at the ingresses' next
/// refresh, within a second), then its users and its groups in batches on their shards, then the
/// directory itself. Every step can be repeated: a batch removes what is left, so a resumed job
/// ends with exactly nothing of the directory, and `processed` is re-derived from what is left.
extension JobRunner {
    func removeDirectory(_ job: inout Job) async throws {
        let directory = job.directoryID
        if job.step.isEmpty || job.step == "configurations" {
            job.step = "count"
            guard try await checkpoint(&job, { db in
                let ids = try String.fetchAll(db, sql: "SELECT id FROM configuration WHERE directoryId = ?", arguments: [directory])
                for id in ids { try db.execute(sql: "DELETE FROM observation WHERE configurationId = ?", arguments: [id]) }
                try db.execute(sql: "DELETE FROM configuration WHERE directoryId = ?", arguments: [directory])
            }) else { return }
            logger.info("directory removal: configurations removed", metadata: ["job": "\(job.id)", "directory": "\(directory)"])
        }
        if job.step == "count" {
            job.total = try await remaining(users, directory) + remaining(groups, directory)
            job.remaining = job.total
            job.step = "users"
            guard try await checkpoint(&job) else { return }
        }
        for (step, store, next) in [("users", users, "groups"), ("groups", groups, "directory")] where job.step == step {
            while true {
                let removed = try await send(store, RemoveDirectoryBatch(directoryID: directory, limit: batch))
                let other = step == "users" ? try await remaining(groups, directory) : 0
                job.remaining = removed.remaining + other
                job.processed = max(0, job.total - job.remaining)
                if removed.remaining == 0 { job.step = next }
                guard try await checkpoint(&job) else { return }
                if removed.remaining == 0 { break }
            }
        }
        if job.step == "directory" {
            job.state = .done
            job.remaining = 0
            _ = try await checkpoint(&job) { db in
                try db.execute(sql: "DELETE FROM configuration WHERE directoryId = ?", arguments: [directory])  // none: a last guard for the FK
                try db.execute(sql: "DELETE FROM directory WHERE id = ?", arguments: [directory])
                try db.execute(sql: "DELETE FROM shardPlacement WHERE directoryId = ?", arguments: [directory])
            }
            logger.info("directory removed", metadata: ["job": "\(job.id)", "directory": "\(directory)", "resources": "\(job.processed)"])
        }
    }

    private func remaining(_ store: any CommandTransport, _ directory: String) async throws -> Int {
        try await send(store, RemoveDirectoryBatch(directoryID: directory, limit: 0)).remaining
    }

    private func send(_ store: any CommandTransport, _ command: RemoveDirectoryBatch) async throws -> RemovedBatch {
        try await store.send(command, shardKey: command.directoryID)
    }
}
