import Foundation
import GRDB
import Logging
import RosterConfig
import RosterPersistence
import RosterProtocol
import SCIMCore

/// Online reshard: each directory whose shard changes under the new counts moves while the
/// system runs. Per directory: its old shard refuses its writes (`moving`; routers retry, so
/// IdPs see a slower answer), its rows are exported there and imported on the new shard (counts
/// checked), the shard map switches (routers follow within half a second), the old shard refuses
/// it altogether (`moved`) and its old rows are removed in batches. Every step can be repeated,
/// so a job killed anywhere resumes and ends with each directory whole on exactly one shard.
extension JobRunner {
    func reshard(_ job: inout Job) async throws {
        if job.total < 0 {
            job.total = try await pool.read { try SyncStore.movesLeft($0) }
            job.remaining = job.total
            guard try await checkpoint(&job) else { return try await releaseMove(job) }
        }
        while true {
            // A directory switched before a restart (or just now) is cleaned before the next moves.
            let cleanup: (String, String, Int)? = try await pool.read { db in
                try Row.fetchOne(db, sql: "SELECT kind, directoryId, shard FROM shardCleanup ORDER BY kind, directoryId LIMIT 1").map { ($0["kind"], $0["directoryId"], $0["shard"]) }
            }
            if let (kind, directory, shard) = cleanup {
                let store = kind == "users" ? users : groups
                try await send(store, SetDirectoryMove(directoryID: directory, state: .moved), shard: shard)
                while try await send(store, RemoveDirectoryBatch(directoryID: directory, limit: batch), shard: shard).remaining > 0 {}
                job.processed += 1
                job.remaining = max(0, job.total - job.processed)
                guard try await checkpoint(&job, { db in
                    try db.execute(sql: "DELETE FROM shardCleanup WHERE kind = ? AND directoryId = ? AND shard = ?", arguments: [kind, directory, shard])
                }) else { return }
                continue
            }
            guard let (kind, move) = try await nextMove() else {
                job.state = .done
                job.remaining = 0
                job.step = ""
                _ = try await checkpoint(&job) { db in try SyncStore.finishReshard(db) }
                logger.info("reshard done", metadata: ["job": "\(job.id)", "shards": "\(job.directoryName)", "moved": "\(job.processed)"])
                return
            }
            job.step = "\(kind) \(move.directory) \(move.from)>\(move.to)"
            guard try await checkpoint(&job) else { return try await releaseMove(job) }
            let store = kind == "users" ? users : groups
            let started = ContinuousClock.now
            do {
                try await send(store, SetDirectoryMove(directoryID: move.directory, state: .moving), shard: move.from)
                let export = try await send(store, ExportDirectory(directoryID: move.directory), shard: move.from)
                _ = try await send(store, ImportDirectory(directoryID: move.directory, store: export.store), shard: move.to)
                guard try await checkpoint(&job, { db in
                    try db.execute(sql: "INSERT OR REPLACE INTO shardPlacement (kind, directoryId, shard) VALUES (?, ?, ?)", arguments: [kind, move.directory, move.to])
                    try db.execute(sql: "INSERT OR IGNORE INTO shardCleanup (kind, directoryId, shard) VALUES (?, ?, ?)", arguments: [kind, move.directory, move.from])
                }) else { return try await releaseMove(job) }
                logger.info("directory moved to another shard", metadata: [
                    "job": "\(job.id)", "kind": "\(kind)", "directory": "\(move.directory)", "from": "\(move.from)", "to": "\(move.to)",
                    "rows": "\(export.counts)", "frozenMs": "\(started.millisecondsSince)",
                ])
                // A test's window for a kill -9 in the middle of a reshard (OnlineReshardEndToEndTests).
                if let pause = Int(ProcessInfo.processInfo.environment["ROSTER_TEST_RESHARD_PAUSE_MS"] ?? "") { try await Task.sleep(for: .milliseconds(pause)) }
            } catch let error as SCIMError where ![503, 504].contains(error.status) {
                _ = try? await send(store, SetDirectoryMove(directoryID: move.directory, state: nil), shard: move.from)
                throw error
            }
        }
    }

    private func nextMove() async throws -> (String, (directory: String, from: Int, to: Int))? {
        try await pool.read { db in
            let targets = try SyncStore.reshardTargets(db)
            for kind in SyncStore.shardedKinds {
                if let target = targets[kind], let move = try SyncStore.nextMove(db, kind: kind, target: target) { return (kind, move) }
            }
            return nil
        }
    }

    /// A reshard that stops (cancelled) between freezing a directory and switching it gives the
    /// old shard its writes back; a switched one keeps its cleanup for the next reshard.
    func releaseMove(_ job: Job) async throws {
        let parts = job.step.split(separator: " ")
        guard job.kind == Job.reshard, parts.count == 3 else { return }
        let shards = parts[2].split(separator: ">").compactMap { Int($0) }
        guard shards.count == 2 else { return }
        let (kind, directory) = (String(parts[0]), String(parts[1]))
        let placed = try await pool.read { db in try SyncStore.placement(db, kind).overrides[directory] }
        guard placed != shards[1] else { return }
        try await send(kind == "users" ? users : groups, SetDirectoryMove(directoryID: directory, state: nil), shard: shards[0])
    }

    @discardableResult
    func send<C: Command>(_ store: any CommandTransport, _ command: C, shard: Int) async throws -> C.Reply {
        try CommandCodec.decode(C.Reply.self, from: try await store.send(name: C.name, payload: CommandCodec.encode(command), instance: shard))
    }
}
