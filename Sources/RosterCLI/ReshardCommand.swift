import ArgumentParser
import Foundation
import GRDB
import Logging
import RosterGroups
import RosterConfig
import RosterMessaging
import RosterPersistence
import RosterUsers

/// `roster reshard --data-dir D --users-shards N [--groups-shards M]`: moves every directory to the
/// shard that owns it under the new counts (`fnv1a(directory) mod N`), on a stopped data directory.
struct ReshardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reshard", abstract: "Change the number of users or groups shards of a stopped data directory, moving each directory to its new shard.",
        discussion: """
            Stop roster up first: the data directory's lock is taken for the whole run. Each directory
            whose shard changes is copied to its new shard (checked row by row count, in one
            transaction), then removed from the old one. An interrupted run is resumed by running the
            same command again; roster up refuses to start until it has finished. Then start roster up
            with the new --users-shards and --groups-shards.
            """)

    @Option(help: "The data directory roster up runs on.") var dataDir: String = "data"
    @Option(help: "The new number of users shards (1 to 16); default: unchanged.") var usersShards: Int?
    @Option(help: "The new number of groups shards (1 to 16); default: unchanged.") var groupsShards: Int?

    func run() async throws {
        let data = URL(fileURLWithPath: dataDir)
        guard FileManager.default.fileExists(atPath: data.appendingPathComponent("users.sqlite").path) else {
            throw CLIError("\(data.path) holds no Roster stores (no users.sqlite).")
        }
        for count in [usersShards, groupsShards].compactMap({ $0 }) where !(1...16).contains(count) {
            throw ValidationError("--users-shards and --groups-shards take 1 to 16.")
        }
        let lock = try InstanceLock.acquire(in: data)
        defer { close(lock.fd) }
        let recorded = try ShardLayout.recordedCounts(in: data)
        let target = (users: usersShards ?? recorded.users, groups: groupsShards ?? recorded.groups)
        let targetText = ShardLayout.countsText(users: target.users, groups: target.groups)
        // An interrupted run is finished with the counts it was started with, not others.
        if let journal = try Reshard.journal(in: data), journal != targetText {
            throw CLIError("A reshard to \(journal) was interrupted; finish it first: roster reshard --data-dir \(data.path) with those counts.")
        }
        let plans = [
            Reshard(data: data, kind: "users", to: target.users, tables: UserStore.directoryTables, migrator: UserStore.migrator),
            Reshard(data: data, kind: "groups", to: target.groups, tables: GroupStore.directoryTables, migrator: GroupStore.migrator),
        ]
        for plan in plans { try plan.prepare() }
        try Reshard.writeJournal(targetText, in: data)
        let started = ContinuousClock.now
        var moved = 0
        for plan in plans { moved += try plan.run { line in print(line) } }
        try Data((targetText + "\n").utf8).write(to: data.appendingPathComponent("shards"), options: .atomic)
        try FileManager.default.removeItem(at: data.appendingPathComponent(Reshard.journalName))
        print("Resharded \(data.path) to \(targetText): \(moved) directory moves in \(started.millisecondsSince) ms. "
            + "Start it with: roster up --data-dir \(data.path) --users-shards \(target.users) --groups-shards \(target.groups)")
    }
}
