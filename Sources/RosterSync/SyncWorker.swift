import Configuration
import Logging
public import RosterPersistence

/// The sync worker (`roster-sync`): owns `sync.sqlite`, its directories and configurations.
/// `auth.bootstrapTokenSha256` makes that token the "default" configuration on first start.
public enum SyncWorker {
    public static let worker = StoreWorker(
        kind: "sync", defaults: StoreWorkerConfiguration(endpoint: "tcp://127.0.0.1:5553", databasePath: "data/sync.sqlite"),
        migrator: SyncStore.migrator, commands: SyncStore.commands
    ) { pool, reader, logger in
        if let digest = reader?.string(forKey: "auth.bootstrapTokenSha256") {
            do { try SyncStore.ensureDefault(pool, tokenSHA256: digest) } catch { logger.error("cannot create the default configuration", metadata: ["error": "\(error)"]) }
        }
        return []
    }

    public static func main() async throws { try await worker.main() }
}
