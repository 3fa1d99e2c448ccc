import Configuration
import Foundation
import Logging
import RosterConfig
import RosterMessaging
import Synchronization
import GRDB
public import RosterPersistence

/// The sync worker (`roster-sync`): owns `sync.sqlite`, its directories and configurations, the
/// change feed and its webhooks.
/// `auth.bootstrapTokenSha256` makes that token the "default" configuration on first start.
public enum SyncWorker {
    public static let worker = StoreWorker(
        kind: "sync", defaults: StoreWorkerConfiguration(endpoint: "tcp://127.0.0.1:5553", databasePath: "data/sync.sqlite"),
        migrator: SyncStore.migrator, commands: SyncStore.commands
    ) { pool, reader, logger in
        if let digest = reader?.string(forKey: "auth.bootstrapTokenSha256") {
            do { try SyncStore.ensureDefault(pool, tokenSHA256: digest) } catch { logger.error("cannot create the default configuration", metadata: ["error": "\(error)"]) }
        }
        // The jobs reach the users and groups shards with the same ordered lists as the ingress;
        // a directory's export can be large, so its round trips may take longer than a SCIM one.
        let curve = try reader.flatMap { r throws(StartupError) in try CurveClient.configured(reader: r) }
        let context = ZMQContext()
        let users = WorkerClient(kind: "users", endpoints: reader?.list(forKey: "zmq.users", default: ["tcp://127.0.0.1:5551"]) ?? ["tcp://127.0.0.1:5551"],
                                 context: context, options: .init(requestTimeout: .seconds(120), curve: curve))
        let groups = WorkerClient(kind: "groups", endpoints: reader?.list(forKey: "zmq.groups", default: ["tcp://127.0.0.1:5552"]) ?? ["tcp://127.0.0.1:5552"],
                                  context: context, options: .init(requestTimeout: .seconds(120), curve: curve))
        let store = reader?.string(forKey: "db.path", default: "data/sync.sqlite") ?? "data/sync.sqlite"
        SyncStore.importsDirectory.withLock { $0 = URL(fileURLWithPath: store).deletingLastPathComponent().appendingPathComponent("imports").path }
        SyncStore.knownShards.withLock { $0 = ["users": users.shardCount, "groups": groups.shardCount] }
        // The map is written from the first start on: the endpoints this deployment starts with
        // are where its directories are. Routers follow the map, so a later, longer endpoint list
        // (new, empty shards) moves nothing until a reshard does.
        try pool.write { db in try SyncStore.recordShardBase(db, users: users.shardCount, groups: groups.shardCount) }
        let batch = Int(ProcessInfo.processInfo.environment["ROSTER_TEST_JOB_BATCH"] ?? "") ?? 500
        if let reader {
            let settings = try WebhookSettings.configured(reader: reader, storePath: store)
            WebhookSettings.current.withLock { $0 = settings }
            let apps = try AppSettings.configured(reader: reader, storePath: store)
            AppSettings.current.withLock { $0 = apps }
        }
        let retentionDays = max(1, reader?.int(forKey: "feed.retentionDays", default: 30) ?? 30)
        return [ClientConnectionsService(clients: [users, groups], context: context),
                JobRunner(pool: pool, users: users, groups: groups, batch: batch, logger: logger),
                WebhookDispatcher(pool: pool, logger: logger),
                AppConnector(pool: pool, users: users, groups: groups, logger: logger),
                AgePruner(pool: pool, what: "change feed events", keep: .seconds(retentionDays * 24 * 3600), interval: .seconds(600), logger: logger) { db, cutoff in
                    try SyncStore.pruneChanges(db, before: cutoff)
                }]
    }

    public static func main() async throws { try await worker.main() }
}
