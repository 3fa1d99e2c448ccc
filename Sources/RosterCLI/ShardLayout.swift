import Foundation

/// Where `roster up` puts each worker: the users shards on consecutive ports from the base, then
/// the groups shards, then sync and audit. With one shard of each, the ports and store files are
/// those of a single-worker system (users.sqlite on base, groups.sqlite on base + 1, …), so a data
/// directory started without shards keeps its stores when started with them (shard 0).
struct ShardLayout: Equatable {
    struct Worker: Equatable {
        /// `users`, `groups`, `sync` or `audit`.
        var kind: String
        var shard: Int
        /// The process name: the kind, or `users-2` for shard 2 of several.
        var name: String
        var port: Int
        /// `users.sqlite` for shard 0, `users-2.sqlite` for shard 2.
        var storeFile: String
        var endpoint: String { "tcp://127.0.0.1:\(port)" }
    }

    let workers: [Worker]

    init(basePort: Int, users: Int, groups: Int) {
        var workers: [Worker] = []
        var port = basePort
        for (kind, count) in [("users", users), ("groups", groups), ("sync", 1), ("audit", 1)] {
            for shard in 0..<count {
                workers.append(Worker(kind: kind, shard: shard, name: count == 1 ? kind : "\(kind)-\(shard)", port: port,
                                      storeFile: Self.storeFile(kind: kind, shard: shard)))
                port += 1
            }
        }
        self.workers = workers
    }

    /// `users.sqlite` for shard 0, `users-2.sqlite` for shard 2: where `roster up` and `roster restore` put a store.
    static func storeFile(kind: String, shard: Int) -> String { shard == 0 ? "\(kind).sqlite" : "\(kind)-\(shard).sqlite" }

    /// The ordered endpoints of a kind: shard i at index i (what `fnv1a(directory) mod N` indexes).
    func endpoints(_ kind: String) -> [String] { workers.filter { $0.kind == kind }.map(\.endpoint) }
}

extension ShardLayout {
    /// How `DATA/shards` (and the reshard journal) write counts: `users=3 groups=3`.
    static func countsText(users: Int, groups: Int) -> String { "users=\(users) groups=\(groups)" }

    /// The counts recorded in `DATA/shards`; one of each for a data directory from before the file.
    static func recordedCounts(in data: URL) throws -> (users: Int, groups: Int) {
        let text = (try? String(contentsOf: data.appendingPathComponent("shards"), encoding: .utf8)) ?? countsText(users: 1, groups: 1)
        var counts: [String: Int] = [:]
        for part in text.split(whereSeparator: \.isWhitespace) {
            let pair = part.split(separator: "=")
            if pair.count == 2, let n = Int(pair[1]) { counts[String(pair[0])] = n }
        }
        guard let users = counts["users"], let groups = counts["groups"] else { throw CLIError("\(data.path)/shards is not 'users=N groups=M'.") }
        return (users, groups)
    }

    /// `roster up` may start other shard counts than last time only if the sync worker's shard
    /// map fits them: the map (which an online reshard keeps) says where each directory is. A data
    /// directory that was never resharded online gets its map written here, from the counts it
    /// was laid out with (`DATA/shards`; one of each before the file), so that starting more
    /// shards moves nothing by itself: `roster reshard` then moves directories onto them.
    static func checkCounts(users: Int, groups: Int, in data: URL) throws {
        if let journal = try? Reshard.journal(in: data) {
            throw CLIError("A reshard of \(data.path) to \(journal) was interrupted: finish it with roster reshard --data-dir \(data.path) and those counts, then start again.")
        }
        let file = data.appendingPathComponent("shards")
        let recorded: (users: Int, groups: Int)
        if FileManager.default.fileExists(atPath: file.path) || FileManager.default.fileExists(atPath: data.appendingPathComponent("users.sqlite").path) {
            recorded = try recordedCounts(in: data)
        } else {
            return  // a new data directory: recorded once the system has started (recordCounts)
        }
        guard recorded != (users, groups) else { return }
        let needed = try ShardMapFile.prepare(data: data, recorded: recorded)
        guard users >= needed.users, groups >= needed.groups else {
            throw CLIError("\(data.path) has directories on \(needed.users) users and \(needed.groups) groups shards; --users-shards \(users) --groups-shards \(groups) would leave some unreachable. "
                + "Move them first: roster reshard --users-shards \(users) --groups-shards \(groups) while it runs (or --data-dir \(data.path) while it is stopped), then start with the smaller counts.")
        }
    }

    /// Records the counts of a data directory that started (a refused start records nothing).
    static func recordCounts(users: Int, groups: Int, in data: URL) {
        try? Data((countsText(users: users, groups: groups) + "\n").utf8).write(to: data.appendingPathComponent("shards"), options: .atomic)
    }
}
