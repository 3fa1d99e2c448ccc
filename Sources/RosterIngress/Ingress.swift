import Foundation
import Configuration
public import Hummingbird
public import Logging
import RosterConfig
import RosterCrypto
import RosterMessaging
import RosterMetrics
public import RosterProtocol
public import SCIMCore
import ServiceLifecycle

/// What the ingress talks to: one transport per worker kind, and a readiness probe.
public struct IngressDependencies: Sendable {
    public var users: any CommandTransport
    public var groups: any CommandTransport
    /// The credentials accepted; nil: only the bootstrap token of the configuration.
    public var credentials: CredentialStore?
    /// The sync worker, for the admin API; nil: no admin API.
    public var sync: (any CommandTransport)?
    /// The audit worker and the recorder feeding it; nil: no auditing.
    public var audit: (any CommandTransport)?
    public var recorder: AuditRecorder?
    /// Endpoints of workers that do not answer a ping (empty when all are ready).
    public var unreachableWorkers: @Sendable () async -> [String]
    /// Resource types beyond users and groups, each with the worker whose `ResourceStore` keeps it.
    public var resources: [(type: ResourceType, worker: any CommandTransport)] = []
    /// Where each configuration's client and tolerances are counted; nil: not counted.
    public var compatibility: CompatibilityLog?

    public init(
        users: any CommandTransport, groups: any CommandTransport, credentials: CredentialStore? = nil, sync: (any CommandTransport)? = nil,
        audit: (any CommandTransport)? = nil, recorder: AuditRecorder? = nil, unreachableWorkers: @escaping @Sendable () async -> [String]
    ) {
        self.audit = audit
        self.recorder = recorder
        self.sync = sync
        self.users = users
        self.groups = groups
        self.credentials = credentials
        self.unreachableWorkers = unreachableWorkers
    }
}

/// Builds and runs the HTTP ingress.
public enum Ingress {
    /// The router: health endpoints open, `/scim/v2` behind authentication.
    public static func router(_ configuration: IngressConfiguration, dependencies: IngressDependencies) -> Router<SCIMRequestContext> {
        // Case-insensitive: Entra sends `/scim/v2/users`; ids and other parameters keep their case.
        let router = Router(context: SCIMRequestContext.self, options: .caseInsensitive)
        router.add(middleware: RequestIDMiddleware())
        // Request counts and latencies by route template, method and status (RosterMetrics names them).
        RosterMetrics.bootstrap()
        if RosterMetrics.isEnabled { router.add(middleware: RequestMetricsMiddleware()) }
        let recent = RecentOutcomes()
        router.add(middleware: RecentOutcomesMiddleware(outcomes: recent))
        if !configuration.trustedProxies.isEmpty { router.add(middleware: SourceAddressMiddleware(proxies: configuration.trustedProxies)) }
        // Every type served, in root-search order: users, groups, then the generic ones.
        let types = ResourceType.all + dependencies.resources.map(\.type)
        if let recorder = dependencies.recorder {
            router.add(middleware: AuditMiddleware(recorder: recorder, resourceTypes: types))
        }
        router.add(middleware: SCIMErrorMiddleware())
        let stores: [(kind: String, transport: any CommandTransport)] = [("users", dependencies.users), ("groups", dependencies.groups)]
            + (dependencies.sync.map { [("sync", $0)] } ?? []) + (dependencies.audit.map { [("audit", $0)] } ?? [])
        IngressMetrics.addRoutes(to: router, workers: stores, recorder: dependencies.recorder, tokenSHA256: configuration.metricsTokenSHA256)
        router.get("healthz") { _, _ in SCIMResponse.json(.ok, .object(["status": .string("ok")])) }
        router.get("readyz") { _, _ in
            let down = await dependencies.unreachableWorkers()
            // The pid lets `roster up` tell its own ingress from another one on the same port.
            if down.isEmpty { return SCIMResponse.json(.ok, .object(["status": .string("ready"), "pid": .int(Int64(getpid()))])) }
            return SCIMResponse.json(.serviceUnavailable, .object([
                "status": .string("not ready"), "unreachable": .array(down.map(JSONValue.string)),
            ]), headers: [.retryAfter: "1"])
        }
        let credentials = dependencies.credentials ?? staticCredentials(configuration)
        let limiter = FailureLimiter()
        let rates = RateLimiter(perSecond: configuration.rateLimitPerSecond, burst: configuration.rateLimitBurst)
        let endpointNames = types.map(\.endpoint) + ["ServiceProviderConfig", "ServiceProviderConfigs", "ResourceTypes", "Schemas", ".search"]
        let scim = router.group("scim/v2")
            .add(middleware: MediaTypeMiddleware())
            .add(middleware: AuthenticationMiddleware(credentials: credentials, limiter: limiter, rates: rates))
        scim.add(middleware: RequestLogMiddleware())
        if let log = dependencies.compatibility { scim.add(middleware: CompatibilityMiddleware(log: log, endpoints: endpointNames)) }
        DiscoveryController(configuration: configuration, resourceTypes: types, credentials: credentials).addRoutes(to: scim)
        let users = UsersEndpoint(users: dependencies.users, groups: dependencies.groups, configuration: configuration, passwords: PasswordWork(iterations: configuration.passwordIterations))
        let groups = GroupsEndpoint(groups: dependencies.groups, users: dependencies.users, configuration: configuration)
        ResourceController(endpoint: users, configuration: configuration).addRoutes(to: scim)
        ResourceController(endpoint: groups, configuration: configuration).addRoutes(to: scim)
        let others = dependencies.resources.map { GenericEndpoint(type: $0.type, worker: $0.worker, configuration: configuration) }
        for endpoint in others { ResourceController(endpoint: endpoint, configuration: configuration).addRoutes(to: scim) }
        let endpoints: [any ResourceEndpoint] = [users, groups] + others
        RootSearchController(endpoints: endpoints, configuration: configuration).addRoutes(to: scim)
        // SCIM 1.1: the same controllers, translated at the edge (SCIM11Middleware, SCIMCore's SCIM11).
        let v1 = router.group("scim/v1")
            .add(middleware: SCIM11Answers(types: types))
            .add(middleware: MediaTypeMiddleware())
            .add(middleware: AuthenticationMiddleware(credentials: credentials, limiter: limiter, rates: rates))
        v1.add(middleware: RequestLogMiddleware())
        if let log = dependencies.compatibility { v1.add(middleware: CompatibilityMiddleware(log: log, endpoints: endpointNames)) }
        v1.add(middleware: SCIM11Requests(types: types, maxBodyBytes: configuration.maxBodyBytes))
        SCIM11DiscoveryController(configuration: configuration, resourceTypes: types, credentials: credentials).addRoutes(to: v1)
        ResourceController(endpoint: users, configuration: configuration).addRoutes(to: v1)
        ResourceController(endpoint: groups, configuration: configuration).addRoutes(to: v1)
        for endpoint in others { ResourceController(endpoint: endpoint, configuration: configuration).addRoutes(to: v1) }
        if let sync = dependencies.sync {
            let admin = router.group("admin/api/v1").add(middleware: AdminAuthenticationMiddleware(adminTokenSHA256: configuration.adminTokenSHA256, limiter: limiter))
            AdminController(sync: sync, configuration: configuration, passwords: PasswordWork(iterations: configuration.passwordIterations),
                            users: dependencies.users).addRoutes(to: admin)
            BackupController(workers: stores, maxBodyBytes: configuration.maxBodyBytes).addRoutes(to: admin)
            StatusController(workers: stores, recorder: dependencies.recorder, recent: recent).addRoutes(to: admin)
            if let audit = dependencies.audit, let recorder = dependencies.recorder {
                AuditController(audit: audit, sync: sync, recorder: recorder, maxBodyBytes: configuration.maxBodyBytes).addRoutes(to: admin)
            }
        }
        return router
    }

    /// The bootstrap token (`auth.bootstrapTokenSha256`), serving `auth.bootstrapDirectory`.
    static func staticCredentials(_ configuration: IngressConfiguration) -> CredentialStore {
        var tokens: [String: Caller] = [:]
        if let hash = configuration.bootstrapTokenSHA256 {
            tokens[hash] = Caller(configurationID: "default", directoryID: configuration.bootstrapDirectory)
        }
        return CredentialStore(staticTokens: tokens)
    }

    /// The application with real ZeroMQ connections to the workers; the bridge closes after HTTP drained.
    public static func application(_ configuration: IngressConfiguration, logger: Logger) -> some ApplicationProtocol {
        let context = ZMQContext()
        let options = ZMQRequester.Options(requestTimeout: .milliseconds(configuration.workerTimeoutMilliseconds), curve: configuration.curve)
        // With a sync worker, the shard map it holds says where each directory is (online reshard).
        let followsMap = !configuration.syncEndpoints.isEmpty
        let users = WorkerClient(kind: "users", endpoints: configuration.usersEndpoints, context: context, options: options, requiresPlacement: followsMap)
        let groups = WorkerClient(kind: "groups", endpoints: configuration.groupsEndpoints, context: context, options: options, requiresPlacement: followsMap)
        var clients = [users, groups]
        let credentials = staticCredentials(configuration)
        var services: [any Service] = []
        var syncClient: WorkerClient?
        var auditClient: WorkerClient?
        var recorder: AuditRecorder?
        let compatibility = CompatibilityLog()
        if !configuration.auditEndpoints.isEmpty {
            let audit = WorkerClient(kind: "audit", endpoints: configuration.auditEndpoints, context: context, options: options)
            let queue = AuditQueue(limits: .init(memoryBytes: configuration.auditMemoryBytes, spoolBytes: configuration.auditSpoolMaxBytes,
                                                 spoolPath: configuration.auditSpoolPath), logger: logger)
            auditClient = audit
            recorder = AuditRecorder(queue: queue, bodyLimit: configuration.auditMaxBodyBytes)
            services.append(AuditDelivery(queue: queue, audit: audit, logger: logger))
        }
        if !configuration.syncEndpoints.isEmpty {
            let sync = WorkerClient(kind: "sync", endpoints: configuration.syncEndpoints, context: context, options: options)
            clients.append(sync)
            syncClient = sync
            services.append(CredentialRefresher(store: credentials, sync: sync, interval: .seconds(1), logger: logger, recorder: recorder))
            services.append(ShardMapFollower(sync: sync, users: users, groups: groups, logger: logger))
            services.append(CompatibilityReporter(log: compatibility, sync: sync, interval: .seconds(2)))
            let logged: [(kind: String, transport: any CommandTransport)] = [("users", users), ("groups", groups), ("sync", sync)]
                + (auditClient.map { [("audit", $0)] } ?? [])
            services.append(LogLevelRefresher(sync: sync, workers: logged, interval: .seconds(1), logger: logger))
        }
        // The audit worker is not part of readiness: SCIM keeps serving while it is down.
        let workers = clients
        let refreshed = syncClient != nil
        if let auditClient { clients.append(auditClient) }
        var dependencies = IngressDependencies(
            users: users, groups: groups, credentials: credentials, sync: syncClient, audit: auditClient, recorder: recorder
        ) {
            var down: [String] = []
            for client in workers { down += await client.unreachableEndpoints() }
            if refreshed, !credentials.hasLoaded { down.append("configurations: the first refresh from the sync worker is pending") }
            if refreshed, !users.hasPlacement || !groups.hasPlacement { down.append("shard map: the first read from the sync worker is pending") }
            return down
        }
        if syncClient != nil { dependencies.compatibility = compatibility }
        return Application(
            router: router(configuration, dependencies: dependencies),
            server: .guardedHTTP1(limits: configuration.httpLimits, idleTimeout: .seconds(configuration.idleTimeoutSeconds)),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "roster"),
            services: [ClientConnectionsService(clients: clients, context: context)] + services,
            logger: logger)
    }

    public static func main() async throws {
        let reader = RosterConfiguration.reader()
        let logger = RosterConfiguration.logger("roster.ingress", reader: reader)
        if !reader.bool(forKey: "metrics.enabled", default: true) { RosterMetrics.disable() }
        let configuration = try IngressConfiguration(reader: reader)
        logger.info("ingress starting", metadata: configuration.summary)
        do {
            try await application(configuration, logger: logger).runService()
        } catch where "\(error)".contains("Address already in use") {
            throw StartupError("cannot listen on \(configuration.host):\(configuration.port): the address is already in use")
        }
        logger.info("ingress stopped")
    }
}
