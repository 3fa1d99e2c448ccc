public import RosterPersistence
import Configuration
import RosterConfig
import RosterMessaging
import ServiceLifecycle

/// The users worker (`roster-users`): owns `users.sqlite`, and relays membership effects of user
/// changes to the groups workers (`zmq.groups`, the same ordered list the ingress has). With
/// `zmq.sync` it follows the sync worker's shard map, as the ingress does, so that its events find
/// a groups directory an online reshard moved, and relays its effects to the change feed.
public enum UsersWorker {
    public static let worker = StoreWorker(
        kind: "users", defaults: StoreWorkerConfiguration(endpoint: "tcp://127.0.0.1:5551", databasePath: "data/users.sqlite"),
        migrator: UserStore.migrator, commands: UserStore.commands, directoryTables: UserStore.directoryTables
    ) { pool, reader, logger in
        let endpoints = reader?.list(forKey: "zmq.groups", default: ["tcp://127.0.0.1:5552"]) ?? ["tcp://127.0.0.1:5552"]
        let context = ZMQContext()
        let curve = try reader.flatMap { r throws(StartupError) in try CurveClient.configured(reader: r) }
        let syncEndpoints = reader?.list(forKey: "zmq.sync", default: []) ?? []
        let sync = syncEndpoints.isEmpty ? nil : WorkerClient(kind: "sync", endpoints: syncEndpoints, context: context, options: .init(curve: curve))
        let groups = WorkerClient(kind: "groups", endpoints: endpoints, context: context, options: .init(curve: curve), requiresPlacement: sync != nil)
        var services: [any Service] = [ClientConnectionsService(clients: [groups] + (sync.map { [$0] } ?? []), context: context)]
        if let sync { services.append(ShardMapFollower(sync: sync, users: nil, groups: groups, logger: logger)) }
        return services + [OutboxRelay(pool: pool, target: groups, logger: logger)] + (try ChangeRelay.services(pool: pool, reader: reader, sync: sync, logger: logger))
    }

    public static func main() async throws { try await worker.main() }
}
