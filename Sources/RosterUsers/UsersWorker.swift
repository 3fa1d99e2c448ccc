public import RosterPersistence
import Configuration
import RosterConfig
import RosterMessaging

/// The users worker (`roster-users`): owns `users.sqlite`, and relays membership effects of user
/// changes to the groups workers (`zmq.groups`, the same ordered list the ingress has).
public enum UsersWorker {
    public static let worker = StoreWorker(
        kind: "users", defaults: StoreWorkerConfiguration(endpoint: "tcp://127.0.0.1:5551", databasePath: "data/users.sqlite"),
        migrator: UserStore.migrator, commands: UserStore.commands
    ) { pool, reader, logger in
        let endpoints = reader?.list(forKey: "zmq.groups", default: ["tcp://127.0.0.1:5552"]) ?? ["tcp://127.0.0.1:5552"]
        let context = ZMQContext()
        let curve = try reader.flatMap { r throws(StartupError) in try CurveClient.configured(reader: r) }
        let groups = WorkerClient(kind: "groups", endpoints: endpoints, context: context, options: .init(curve: curve))
        return [ClientConnectionsService(clients: [groups], context: context), OutboxRelay(pool: pool, target: groups, logger: logger)]
    }

    public static func main() async throws { try await worker.main() }
}
