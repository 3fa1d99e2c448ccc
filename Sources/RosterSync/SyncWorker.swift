public import RosterPersistence

/// The sync worker (`roster-sync`): owns `sync.sqlite`, its directories and configurations.
public enum SyncWorker {
    public static let worker = StoreWorker(
        kind: "sync", defaults: StoreWorkerConfiguration(endpoint: "tcp://127.0.0.1:5553", databasePath: "data/sync.sqlite"),
        migrator: SyncStore.migrator, commands: SyncStore.commands)

    public static func main() async throws { try await worker.main() }
}
