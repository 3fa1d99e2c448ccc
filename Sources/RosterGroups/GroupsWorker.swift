public import RosterPersistence

/// The groups worker (`roster-groups`): owns `groups.sqlite`.
public enum GroupsWorker {
    public static let worker = StoreWorker(
        kind: "groups", defaults: StoreWorkerConfiguration(endpoint: "tcp://127.0.0.1:5552", databasePath: "data/groups.sqlite"),
        migrator: GroupStore.migrator, commands: GroupStore.commands)

    public static func main() async throws { try await worker.main() }
}
