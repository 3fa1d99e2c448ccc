import Foundation
public import GRDB
import RosterPersistence
import RosterProtocol
import SCIMCore
import Synchronization

/// The shard map: which users and groups shard holds each directory. A deployment that never
/// resharded online has none (base 0: every router hashes over its own endpoints). An online
/// reshard (``JobRunner``'s `reshard` job) writes the base count it starts from, an override per
/// directory it moves, and at the end the new base with no overrides. Every router reads it each
/// half second (``GetShardMap``).
extension SyncStore {
    static let shardedKinds = ["users", "groups"]

    /// How many endpoints of each kind this sync worker was given (`zmq.users`, `zmq.groups`):
    /// a reshard cannot go beyond them. Set once at start, before any command.
    static let knownShards = Mutex<[String: Int]>(["users": 1, "groups": 1])

    static func registerShardMapCommands(_ table: inout CommandTable) {
        table.registerRead(GetShardMap.self) { db, _ in try shardMap(db) }
        table.register(StartReshard.self) { db, c in try queueReshard(db, c, endpoints: knownShards.withLock { $0 }) }
    }

    static func shardMap(_ db: Database) throws -> ShardMap {
        ShardMap(users: try placement(db, "users"), groups: try placement(db, "groups"))
    }

    static func placement(_ db: Database, _ kind: String) throws -> ShardPlacement {
        let base = try Int.fetchOne(db, sql: "SELECT count FROM shardBase WHERE kind = ?", arguments: [kind]) ?? 0
        let rows = try Row.fetchAll(db, sql: "SELECT directoryId, shard FROM shardPlacement WHERE kind = ?", arguments: [kind])
        return ShardPlacement(base: base, overrides: Dictionary(rows.map { ($0["directoryId"], $0["shard"]) }) { a, _ in a })
    }

    /// The shard counts of an unfinished reshard, by kind.
    static func reshardTargets(_ db: Database) throws -> [String: Int] {
        Dictionary(try Row.fetchAll(db, sql: "SELECT kind, count FROM reshardTarget").map { ($0["kind"], $0["count"]) }) { a, _ in a }
    }

    /// A directory created while a reshard runs starts on its shard under the new counts: it has
    /// no rows yet, so nothing has to move, and it is not missed by a job that listed the
    /// directories before it existed.
    static func placeNewDirectory(_ db: Database, _ id: String) throws {
        for (kind, count) in try reshardTargets(db) {
            try db.execute(sql: "INSERT OR REPLACE INTO shardPlacement (kind, directoryId, shard) VALUES (?, ?, ?)",
                           arguments: [kind, id, ShardPlacement.hash(id, count)])
        }
    }

    static func queueReshard(_ db: Database, _ c: StartReshard, endpoints: [String: Int]) throws -> Job {
        if let running = try String.fetchOne(db, sql: "SELECT id FROM job WHERE kind = ? AND state IN ('queued', 'running')", arguments: [Job.reshard]) {
            throw SCIMError(status: 409, scimType: nil, detail: "A reshard is already under way (job \(running)); wait for it or cancel it.")
        }
        var targets: [String: Int] = [:]
        for (kind, count) in [("users", c.usersShards), ("groups", c.groupsShards)] where count != 0 {
            let available = endpoints[kind] ?? 1
            guard (1...16).contains(count) else { throw SCIMError.invalidValue("A kind has 1 to 16 shards, not \(count).") }
            guard count <= available else {
                throw SCIMError.invalidValue("The sync worker knows \(available) \(kind) shards: start the new ones first (roster up --\(kind)-shards \(count), or add them to zmq.\(kind) of every process), then reshard.")
            }
            targets[kind] = count
        }
        guard !targets.isEmpty else { throw SCIMError.invalidValue("Say how many users or groups shards to reshard to.") }
        for kind in shardedKinds {
            // The map is written down from here on; until now every router hashed over its endpoints.
            try db.execute(sql: "INSERT OR IGNORE INTO shardBase (kind, count) VALUES (?, ?)", arguments: [kind, endpoints[kind] ?? 1])
        }
        for (kind, count) in targets {
            try db.execute(sql: "INSERT OR REPLACE INTO reshardTarget (kind, count) VALUES (?, ?)", arguments: [kind, count])
        }
        let counts = targets.sorted { $0.key > $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        return try queueJob(db, kind: Job.reshard, directoryID: "", name: counts)
    }

    /// The directories of `kind` not yet where the target count puts them, by id, with their shards.
    static func pendingMoves(_ db: Database, kind: String, target: Int) throws -> [(directory: String, from: Int, to: Int)] {
        let map = try placement(db, kind)
        return try String.fetchAll(db, sql: "SELECT id FROM directory ORDER BY id").compactMap { id in
            let (from, to) = (map.shard(of: id, endpoints: map.base), ShardPlacement.hash(id, target))
            return from == to ? nil : (id, from, to)
        }
    }

    /// How many moves are left (for the job's statistics): the pending ones and the cleanups.
    static func movesLeft(_ db: Database) throws -> Int {
        let cleanups = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM shardCleanup") ?? 0
        return try reshardTargets(db).reduce(cleanups) { left, target in left + (try pendingMoves(db, kind: target.key, target: target.value).count) }
    }

    /// The reshard is complete: the new counts become the base, and the overrides (which now all
    /// say what the base says) go.
    static func finishReshard(_ db: Database) throws {
        for (kind, count) in try reshardTargets(db) {
            try db.execute(sql: "INSERT OR REPLACE INTO shardBase (kind, count) VALUES (?, ?)", arguments: [kind, count])
            try db.execute(sql: "DELETE FROM shardPlacement WHERE kind = ?", arguments: [kind])
        }
        try db.execute(sql: "DELETE FROM reshardTarget")
    }

    /// A reshard cancelled or failed: what moved stays moved (the overrides say where), new
    /// directories keep the shard they were given, and the next reshard starts from there. A
    /// directory caught between its freeze and its switch (the job's step says which) gets its
    /// writes back on its old shard and loses the copy made on the new one: both recorded here, in
    /// the transaction that ends the job, and carried out by the runner until acknowledged.
    static func abandonReshard(_ db: Database, step: String) throws {
        try db.execute(sql: "DELETE FROM reshardTarget")
        guard let move = InFlightMove(step), try placement(db, move.kind).overrides[move.directory] != move.to else { return }
        try db.execute(sql: "INSERT OR IGNORE INTO shardRelease (kind, directoryId, shard) VALUES (?, ?, ?)", arguments: [move.kind, move.directory, move.from])
        try db.execute(sql: "INSERT OR IGNORE INTO shardCleanup (kind, directoryId, shard) VALUES (?, ?, ?)", arguments: [move.kind, move.directory, move.to])
    }

    /// The move a reshard job's step names: `users <directory> 0>2`.
    struct InFlightMove {
        var kind: String, directory: String, from: Int, to: Int
        init?(_ step: String) {
            let parts = step.split(separator: " ")
            guard parts.count == 3 else { return nil }
            let shards = parts[2].split(separator: ">").compactMap { Int($0) }
            guard shards.count == 2, SyncStore.shardedKinds.contains(String(parts[0])) else { return nil }
            (kind, directory, from, to) = (String(parts[0]), String(parts[1]), shards[0], shards[1])
        }
    }
}

/// The shard map of a stopped data directory (`roster up` when the shard counts change, offline
/// `roster reshard`), on its `sync.sqlite`.
extension SyncStore {
    /// Writes down the counts the data was laid out with, unless a map is already written.
    public static func recordShardBase(_ db: Database, users: Int, groups: Int) throws {
        for (kind, count) in [("users", users), ("groups", groups)] {
            try db.execute(sql: "INSERT OR IGNORE INTO shardBase (kind, count) VALUES (?, ?)", arguments: [kind, count])
        }
    }

    /// How many shards of each kind the map names (what a start must provide at least).
    public static func shardsNeeded(_ db: Database) throws -> (users: Int, groups: Int) {
        (try placement(db, "users").shardsNeeded, try placement(db, "groups").shardsNeeded)
    }

    /// An online reshard that has not ended, or a moved directory's old rows not yet removed.
    public static func unfinishedReshard(_ db: Database) throws -> Bool {
        try Int.fetchOne(db, sql: """
            SELECT (SELECT COUNT(*) FROM reshardTarget) + (SELECT COUNT(*) FROM shardCleanup) + (SELECT COUNT(*) FROM shardRelease)
                 + (SELECT COUNT(*) FROM job WHERE kind = ? AND state IN ('queued', 'running'))
            """, arguments: [Job.reshard]) ?? 0 > 0
    }

    /// After an offline reshard: every directory is where `fnv1a mod count` puts it.
    public static func resetShardMap(_ db: Database, users: Int, groups: Int) throws {
        try db.execute(sql: "DELETE FROM shardPlacement")
        for (kind, count) in [("users", users), ("groups", groups)] {
            try db.execute(sql: "INSERT OR REPLACE INTO shardBase (kind, count) VALUES (?, ?)", arguments: [kind, count])
        }
    }
}
