public import RosterPersistence

/// The users worker (`roster-users`): owns `users.sqlite`.
public enum UsersWorker {
    public static let worker = StoreWorker(
        kind: "users", defaults: StoreWorkerConfiguration(endpoint: "tcp://127.0.0.1:5551", databasePath: "data/users.sqlite"),
        migrator: UserStore.migrator, commands: UserStore.commands)

    public static func main() async throws { try await worker.main() }
}
