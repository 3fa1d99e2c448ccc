import ArgumentParser
import Foundation
import GRDB
import Logging
import RosterGroups
import RosterConfig
import RosterMessaging
import RosterPersistence
import RosterSync
import RosterUsers

/// `roster reshard --users-shards N [--groups-shards M]`: moves every directory to the shard that
/// owns it under the new counts (`fnv1a(directory) mod N`). While `roster up` runs on the data
/// directory, online (a job of the sync worker, through the admin API: a short write pause per
/// moved directory); on a stopped data directory, offline (file to file).
struct ReshardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reshard", abstract: "Change the number of users or groups shards, moving each directory to its new shard.",
        discussion: """
            Online (roster up runs on --data-dir, or --online for a deployment elsewhere): the sync
            worker moves one directory at a time; that directory's writes wait (the request is held
            and retried, not refused) while its rows are copied, and every other directory is
            untouched. The shards must be running first: to grow, restart roster up with the larger
            --users-shards/--groups-shards (new shards start empty), then reshard; to shrink,
            reshard, then restart with the smaller counts. Follow with roster sync status ID.

            Offline (nothing runs on --data-dir): each directory whose shard changes is copied to
            its new shard (checked row by row count, in one transaction), then removed from the old
            one. An interrupted run is resumed by running the same command again; roster up refuses
            to start until it has finished. Then start roster up with the new counts.
            """)

    @Option(help: "The data directory roster up runs on.") var dataDir: String = "data"
    @Option(help: "The new number of users shards (1 to 16); default: unchanged.") var usersShards: Int?
    @Option(help: "The new number of groups shards (1 to 16); default: unchanged.") var groupsShards: Int?
    @Flag(help: "Reshard a running deployment through its admin API (--url), whatever --data-dir holds.") var online = false
    @Flag(help: "With an online reshard: return once it is queued instead of following it.") var noWait = false
    @OptionGroup var admin: AdminOptions

    func run() async throws {
        let data = URL(fileURLWithPath: dataDir)
        for count in [usersShards, groupsShards].compactMap({ $0 }) where !(1...16).contains(count) {
            throw ValidationError("--users-shards and --groups-shards take 1 to 16.")
        }
        guard usersShards != nil || groupsShards != nil else { throw ValidationError("Give --users-shards, --groups-shards or both.") }
        if online || InstanceLock.isHeld(in: data) { return try await runOnline() }
        guard FileManager.default.fileExists(atPath: data.appendingPathComponent("users.sqlite").path) else {
            throw CLIError("\(data.path) holds no Roster stores (no users.sqlite).")
        }
        let lock = try InstanceLock.acquire(in: data)
        defer { close(lock.fd) }
        if let map = try ShardMapFile.open(data), try await map.read({ try SyncStore.unfinishedReshard($0) }) {
            throw CLIError("An online reshard of \(data.path) has not finished: start roster up and let it finish (roster sync list), or run it again online.")
        }
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
        // Every directory is now where fnv1a mod N puts it: the shard map says so, and no shard
        // still refuses a directory an earlier online reshard had moved away from it.
        try await ShardMapFile.open(data)?.write { try SyncStore.resetShardMap($0, users: target.users, groups: target.groups) }
        for plan in plans { try plan.clearMoveStates() }
        try Data((targetText + "\n").utf8).write(to: data.appendingPathComponent("shards"), options: .atomic)
        try FileManager.default.removeItem(at: data.appendingPathComponent(Reshard.journalName))
        print("Resharded \(data.path) to \(targetText): \(moved) directory moves in \(started.millisecondsSince) ms. "
            + "Start it with: roster up --data-dir \(data.path) --users-shards \(target.users) --groups-shards \(target.groups)")
    }
}

extension ReshardCommand {
    func runOnline() async throws {
        let client = AdminClient(options: admin)
        var body: [String: Any] = [:]
        if let usersShards { body["usersShards"] = usersShards }
        if let groupsShards { body["groupsShards"] = groupsShards }
        try await JobProgress.follow(try await client.call("POST", "reshard", body: body) as? [String: Any] ?? [:], options: admin, noWait: noWait)
    }
}
