import Configuration
import RosterConfig
import Logging
public import RosterPersistence

/// The audit worker (`roster-audit`): owns `audit.sqlite`, stores the records every ingress
/// delivers, answers the admin API's queries and enforces retention.
public enum AuditWorker {
    public static func worker(retention: AuditRetention) -> StoreWorker {
        StoreWorker(
            kind: "audit", defaults: StoreWorkerConfiguration(endpoint: "tcp://127.0.0.1:5554", databasePath: "data/audit.sqlite"),
            migrator: AuditStore.migrator, commands: AuditStore.commands(retention: retention)
        ) { pool, reader, logger in
            let seconds = reader?.int(forKey: "audit.retention.intervalSeconds", default: 60) ?? 60
            return [AuditRetentionService(pool: pool, retention: retention, interval: .seconds(max(1, seconds)), logger: logger)]
        }
    }

    public static func main() async throws {
        try await worker(retention: AuditRetention(reader: RosterConfiguration.reader())).main()
    }
}
