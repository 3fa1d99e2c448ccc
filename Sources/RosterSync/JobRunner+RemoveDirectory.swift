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
        guard try await directoryBatches(&job, RemoveDirectoryBatch.self, RemoveDirectoryBatch.self, then: "directory") else { return }
        if job.step == "directory" {
            job.state = .done
            job.remaining = 0
            _ = try await checkpoint(&job) { db in
                try db.execute(sql: "DELETE FROM configuration WHERE directoryId = ?", arguments: [directory])  // none: a last guard for the FK
                try db.execute(sql: "DELETE FROM directory WHERE id = ?", arguments: [directory])
                try db.execute(sql: "DELETE FROM shardPlacement WHERE directoryId = ?", arguments: [directory])
                // Its feed and webhooks go with it: nothing can read them by a directory that is gone.
                try db.execute(sql: "DELETE FROM webhookDelivery WHERE webhookId IN (SELECT id FROM webhook WHERE directoryId = ?)", arguments: [directory])
                try db.execute(sql: "DELETE FROM webhook WHERE directoryId = ?", arguments: [directory])
                try db.execute(sql: "DELETE FROM change WHERE directoryId = ?", arguments: [directory])
                try db.execute(sql: "DELETE FROM feedHead WHERE directoryId = ?", arguments: [directory])
                // Its application links too; the accounts they made in the applications stay.
                for table in ["appUser", "appGroup", "appMember"] {
                    try db.execute(sql: "DELETE FROM \(table) WHERE appId IN (SELECT id FROM app WHERE directoryId = ?)", arguments: [directory])
                }
                try db.execute(sql: "DELETE FROM app WHERE directoryId = ?", arguments: [directory])
            }
            logger.info("directory removed", metadata: ["job": "\(job.id)", "directory": "\(directory)", "resources": "\(job.processed)"])
        }
    }
}
