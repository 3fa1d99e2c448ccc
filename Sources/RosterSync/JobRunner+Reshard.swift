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
/// checked), the old shard refuses it altogether (`moved`), the shard map switches (routers follow
/// within half a second, at once when refused) and its old rows are removed in batches. Every
/// step can be repeated, so a job killed anywhere resumes and ends with each directory whole on
/// exactly one shard.
extension JobRunner {
    func reshard(_ job: inout Job) async throws {
        if job.total < 0 {
            job.total = try await pool.read { try SyncStore.movesLeft($0) }
            job.remaining = job.total
            guard try await checkpoint(&job) else { return }
        }
        while true {
            // A directory switched before a restart (or just now) is cleaned before the next moves.
            try await settleShardWork()
            // Re-derived, not counted: a cleanup the runner did before this job resumed counts too.
            let left = try await pool.read { try SyncStore.movesLeft($0) }
            if job.total - left != job.processed {
                job.remaining = left
                job.processed = max(0, job.total - left)
                guard try await checkpoint(&job) else { return }
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
            guard try await checkpoint(&job) else { return }
            let store = kind == "users" ? users : groups
            let started = ContinuousClock.now
            try await send(store, SetDirectoryMove(directoryID: move.directory, state: .moving), shard: move.from)
            let export = try await send(store, ExportDirectory(directoryID: move.directory), shard: move.from)
            _ = try await send(store, ImportDirectory(directoryID: move.directory, store: export.store), shard: move.to)
            // Refused on the old shard from here on, reads too: no router that has not yet read
            // the new map reads the copy that stops changing now.
            try await send(store, SetDirectoryMove(directoryID: move.directory, state: .moved), shard: move.from)
            // A test's window for a cancel between the freeze and the switch (OnlineReshardHeavyEndToEndTests).
            if let pause = Int(ProcessInfo.processInfo.environment["ROSTER_TEST_RESHARD_PAUSE_BEFORE_SWITCH_MS"] ?? "") { try await Task.sleep(for: .milliseconds(pause)) }
            // Cancelled here, the job's end records the release of the old shard and the removal
            // of the new copy (SyncStore.abandonReshard).
            guard try await checkpoint(&job, { db in
                try db.execute(sql: "INSERT OR REPLACE INTO shardPlacement (kind, directoryId, shard) VALUES (?, ?, ?)", arguments: [kind, move.directory, move.to])
                try db.execute(sql: "INSERT OR IGNORE INTO shardCleanup (kind, directoryId, shard) VALUES (?, ?, ?)", arguments: [kind, move.directory, move.from])
            }) else { return }
            logger.info("directory moved to another shard", metadata: [
                "job": "\(job.id)", "kind": "\(kind)", "directory": "\(move.directory)", "from": "\(move.from)", "to": "\(move.to)",
                "rows": "\(export.counts)", "frozenMs": "\(started.millisecondsSince)",
            ])
            // A test's window for a kill -9 in the middle of a reshard (OnlineReshardHeavyEndToEndTests).
            if let pause = Int(ProcessInfo.processInfo.environment["ROSTER_TEST_RESHARD_PAUSE_MS"] ?? "") { try await Task.sleep(for: .milliseconds(pause)) }
        }
    }

    /// What ended moves leave on the shards, done until acknowledged (each step can be repeated):
    /// a freeze to undo (a move that stopped before its switch), and a directory's rows on a shard
    /// that is not its own (the old copy of a moved directory, or the new copy of a move that
    /// stopped), refused there for good and removed in batches.
    func settleShardWork() async throws {
        struct Work: Sendable { var kind: String, directory: String, shard: Int }
        let (releases, cleanups): ([Work], [Work]) = try await pool.read { db in
            func rows(_ table: String) throws -> [Work] {
                try Row.fetchAll(db, sql: "SELECT kind, directoryId, shard FROM \(table) ORDER BY kind, directoryId").map { Work(kind: $0["kind"], directory: $0["directoryId"], shard: $0["shard"]) }
            }
            return (try rows("shardRelease"), try rows("shardCleanup"))
        }
        for w in releases {
            try await send(w.kind == "users" ? users : groups, SetDirectoryMove(directoryID: w.directory, state: nil), shard: w.shard)
            try await pool.write { db in try db.execute(sql: "DELETE FROM shardRelease WHERE kind = ? AND directoryId = ? AND shard = ?", arguments: [w.kind, w.directory, w.shard]) }
        }
        for w in cleanups {
            let store = w.kind == "users" ? users : groups
            try await send(store, SetDirectoryMove(directoryID: w.directory, state: .moved), shard: w.shard)
            while try await send(store, RemoveDirectoryBatch(directoryID: w.directory, limit: batch), shard: w.shard).remaining > 0 {}
            try await pool.write { db in try db.execute(sql: "DELETE FROM shardCleanup WHERE kind = ? AND directoryId = ? AND shard = ?", arguments: [w.kind, w.directory, w.shard]) }
        }
    }

    private func nextMove() async throws -> (String, (directory: String, from: Int, to: Int))? {
        try await pool.read { db in
            let targets = try SyncStore.reshardTargets(db)
            for kind in SyncStore.shardedKinds {
                if let target = targets[kind], let move = try SyncStore.pendingMoves(db, kind: kind, target: target).first { return (kind, move) }
            }
            return nil
        }
    }

    @discardableResult
    func send<C: Command>(_ store: any CommandTransport, _ command: C, shard: Int) async throws -> C.Reply {
        try CommandCodec.decode(C.Reply.self, from: try await store.send(name: C.name, payload: CommandCodec.encode(command), instance: shard))
    }
}
