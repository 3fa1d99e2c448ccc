import Foundation
import GRDB
import Logging
import RosterPersistence
import RosterSync

/// The shard map in a stopped data directory's `sync.sqlite`.
enum ShardMapFile {
    static func open(_ data: URL) throws -> DatabaseQueue? {
        let path = data.appendingPathComponent("sync.sqlite").path
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let quiet = Logger(label: "roster.shards") { _ in SwiftLogNoOpLogHandler() }
        let pool = try StoreDatabase.open(path: path, migrator: SyncStore.migrator, logger: quiet)
        try pool.close()
        return try DatabaseQueue(path: path)
    }

    /// Writes the map down from the counts the data is laid out with (if none is written yet);
    /// returns how many shards of each kind it needs.
    static func prepare(data: URL, recorded: (users: Int, groups: Int)) throws -> (users: Int, groups: Int) {
        guard let queue = try open(data) else { return recorded }
        return try queue.write { db in
            try SyncStore.recordShardBase(db, users: recorded.users, groups: recorded.groups)
            // Work an ended reshard left (a freeze to undo, a copy to remove) may name any shard.
            if try SyncStore.unfinishedReshard(db) { return (max(recorded.users, try SyncStore.shardsNeeded(db).users), max(recorded.groups, try SyncStore.shardsNeeded(db).groups)) }
            return try SyncStore.shardsNeeded(db)
        }
    }
}
