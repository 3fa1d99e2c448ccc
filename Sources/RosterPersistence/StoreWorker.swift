public import Configuration
public import GRDB
public import Logging
public import RosterConfig
public import RosterMessaging
import RosterMetrics
import RosterProtocol
public import ServiceLifecycle
import UnixSignals

/// Settings every store worker reads (see `services/<name>/README.md`).
public struct StoreWorkerConfiguration: Sendable {
    /// ROUTER endpoint the worker binds (`zmq.bind`).
    public var endpoint: String
    /// SQLite file (`db.path`).
    public var databasePath: String
    /// CURVE on the socket (`zmq.curve.serverKey`, `zmq.curve.authorizedClients`); nil: plain.
    public var curve: CurveServer?
    /// Accept binding a non-loopback address without CURVE (`zmq.insecure`): commands from anyone
    /// who can reach the port are then applied.
    public var insecure: Bool

    public init(endpoint: String, databasePath: String, curve: CurveServer? = nil, insecure: Bool = false) {
        self.endpoint = endpoint
        self.databasePath = databasePath
        self.curve = curve
        self.insecure = insecure
    }

    public init(reader: ConfigReader, defaults: StoreWorkerConfiguration) throws(StartupError) {
        self.init(
            endpoint: reader.string(forKey: "zmq.bind", default: defaults.endpoint),
            databasePath: reader.string(forKey: "db.path", default: defaults.databasePath),
            curve: try CurveServer.configured(reader: reader),
            insecure: reader.bool(forKey: "zmq.insecure", default: false))
    }

    /// A worker's socket takes commands that change identities: reachable beyond this host, it
    /// must authenticate its clients, unless the operator explicitly says otherwise.
    func checkExposure(kind: String) throws(StartupError) {
        guard curve == nil, !insecure, !EndpointScope.isLocal(endpoint) else { return }
        throw StartupError("the \(kind) worker would listen on \(endpoint), which is not a loopback address, without CURVE: "
            + "set zmq.curve.serverKey and zmq.curve.authorizedClients (roster keys generate writes them), "
            + "or zmq.insecure=true to accept unauthenticated commands from the network")
    }
}

/// A worker process: one SQLite store, a ZeroMQ command server with group commit, and a WAL checkpointer.
public struct StoreWorker: Sendable {
    /// Services a worker adds beside its store (an outbox relay), given its pool and settings.
    public typealias Extras = @Sendable (DatabasePool, ConfigReader?, Logger) throws -> [any Service]

    public var kind: String
    public var defaults: StoreWorkerConfiguration
    public var migrator: DatabaseMigrator
    public var commands: CommandTable
    /// How the store's rows belong to directories, in a store sharded by directory (users,
    /// groups): its directories can then move between shards while it runs (online reshard).
    public var directoryTables: DirectoryTables?
    public var extras: Extras

    public init(kind: String, defaults: StoreWorkerConfiguration, migrator: DatabaseMigrator, commands: CommandTable,
                directoryTables: DirectoryTables? = nil, extras: @escaping Extras = { _, _, _ in [] }) {
        self.kind = kind
        self.defaults = defaults
        self.migrator = migrator
        self.commands = commands
        self.directoryTables = directoryTables
        self.extras = extras
    }

    public func services(_ configuration: StoreWorkerConfiguration, reader: ConfigReader? = nil, logger: Logger) throws -> [any Service] {
        try configuration.checkExposure(kind: kind)
        let pool = try StoreDatabase.open(path: configuration.databasePath, migrator: migrator, logger: logger)
        let context = ZMQContext()
        var table = commands
        // Every store backs itself up the same way, from a reader: SCIM writes go on meanwhile.
        let kind = self.kind
        table.registerRead(BackupStore.self) { db, c in try c.run(db, worker: kind) }
        let path = configuration.databasePath
        _ = WorkerStatus.started  // uptime counts from the start of the process, not from the first status read
        table.registerRead(GetWorkerStatus.self) { db, _ in try WorkerStatus.read(db, worker: kind, path: path) }
        table.registerRead(ScrapeMetrics.self) { db, _ in
            try ChangeFeed.updateGauge(db)
            return try WorkerStatus.read(db, worker: kind, path: path).exposition()
        }
        table.registerRead(SetLogLevel.self) { _, c in
            let level = c.level.isEmpty ? nil : Logger.Level(rawValue: c.level)
            LogLevelSwitch.shared.set(level, for: c.forMilliseconds > 0 ? .milliseconds(c.forMilliseconds) : nil)
            return Empty()
        }
        if let directoryTables {
            table.registerDirectoryMoves(tables: directoryTables, migrator: migrator, storePath: configuration.databasePath)
        }
        let handler = try GroupCommitHandler(pool: pool, table: table, logger: logger, gated: directoryTables != nil)
        let server = CommandServer(kind: kind, endpoint: configuration.endpoint, context: context, handler: handler, curve: configuration.curve, logger: logger)
        return try extras(pool, reader, logger) + [
            Checkpointer(path: configuration.databasePath, logger: logger),
            WorkerService(server: server, context: context),
        ]
    }

    /// The whole process: services under a `ServiceGroup` that stops gracefully on SIGTERM/SIGINT.
    public func main() async throws {
        let reader = RosterConfiguration.reader()
        let logger = RosterConfiguration.logger("roster.\(kind)", reader: reader)
        if !reader.bool(forKey: "metrics.enabled", default: true) { RosterMetrics.disable() }
        let settings = try StoreWorkerConfiguration(reader: reader, defaults: defaults)
        let services: [any Service]
        do {
            services = try self.services(settings, reader: reader, logger: logger)
        } catch let error as StartupError {
            throw error
        } catch {
            throw StartupError("cannot open the store \(settings.databasePath): \(error)")
        }
        var configuration = ServiceGroupConfiguration(
            services: services.map { .init(service: $0) }, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        // A service that ignores graceful shutdown must not keep the process alive forever.
        configuration.maximumGracefulShutdownDuration = .seconds(10)
        let group = ServiceGroup(configuration: configuration)
        try await group.run()
    }
}
