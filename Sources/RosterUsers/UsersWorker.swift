public import Configuration
public import Logging
import RosterConfig
import RosterMessaging
import RosterPersistence
public import ServiceLifecycle
import UnixSignals

/// Settings of `roster-users` (see `services/users/README.md`).
public struct UsersWorkerConfiguration: Sendable {
    /// ROUTER endpoint the worker binds (`zmq.bind`).
    public var endpoint: String
    /// SQLite file (`db.path`).
    public var databasePath: String

    public init(endpoint: String = "tcp://127.0.0.1:5551", databasePath: String = "data/users.sqlite") {
        self.endpoint = endpoint
        self.databasePath = databasePath
    }

    public init(reader: ConfigReader) {
        self.init(
            endpoint: reader.string(forKey: "zmq.bind", default: "tcp://127.0.0.1:5551"),
            databasePath: reader.string(forKey: "db.path", default: "data/users.sqlite"))
    }
}

/// Builds the users worker: its store, its ZeroMQ server and its WAL checkpointer.
public enum UsersWorker {
    public static func services(_ configuration: UsersWorkerConfiguration, logger: Logger) throws -> [any Service] {
        let pool = try StoreDatabase.open(path: configuration.databasePath, migrator: UserStore.migrator, logger: logger)
        let context = ZMQContext()
        let handler = GroupCommitHandler(pool: pool, table: UserStore.commands, logger: logger)
        let server = CommandServer(kind: "users", endpoint: configuration.endpoint, context: context, handler: handler, logger: logger)
        return [
            Checkpointer(path: configuration.databasePath, logger: logger),
            WorkerService(server: server, context: context),
        ]
    }

    /// The whole process: services under a `ServiceGroup` that stops gracefully on SIGTERM/SIGINT.
    public static func main() async throws {
        let reader = RosterConfiguration.reader()
        let logger = RosterConfiguration.logger("roster.users", reader: reader)
        let services = try Self.services(UsersWorkerConfiguration(reader: reader), logger: logger)
        let group = ServiceGroup(configuration: .init(
            services: services.map { .init(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        try await group.run()
    }
}
