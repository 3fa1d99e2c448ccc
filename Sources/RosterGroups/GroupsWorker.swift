import Logging
public import RosterPersistence

/// The groups worker (`roster-groups`): owns `groups.sqlite`.
public enum GroupsWorker {
    public static let worker = StoreWorker(
        kind: "groups", defaults: StoreWorkerConfiguration(endpoint: "tcp://127.0.0.1:5552", databasePath: "data/groups.sqlite"),
        migrator: GroupStore.migrator, commands: GroupStore.commands, directoryTables: GroupStore.directoryTables
    ) { pool, _, logger in
        [AppliedEventPruner(pool: pool, keep: .seconds(30 * 24 * 3600), interval: .seconds(3600), logger: logger)]
    }

    public static func main() async throws { try await worker.main() }
}
