import Configuration
public import Hummingbird
public import Logging
import RosterConfig
import RosterCrypto
import RosterMessaging
public import RosterProtocol
import SCIMCore
import ServiceLifecycle

/// What the ingress talks to: one transport per worker kind, and a readiness probe.
public struct IngressDependencies: Sendable {
    public var users: any CommandTransport
    public var groups: any CommandTransport
    /// The credentials accepted; nil: only the bootstrap token of the configuration.
    public var credentials: CredentialStore?
    /// Endpoints of workers that do not answer a ping (empty when all are ready).
    public var unreachableWorkers: @Sendable () async -> [String]

    public init(
        users: any CommandTransport, groups: any CommandTransport, credentials: CredentialStore? = nil,
        unreachableWorkers: @escaping @Sendable () async -> [String]
    ) {
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
        let router = Router(context: SCIMRequestContext.self)
        router.add(middleware: SCIMErrorMiddleware())
        router.get("healthz") { _, _ in SCIMResponse.json(.ok, .object(["status": .string("ok")])) }
        router.get("readyz") { _, _ in
            let down = await dependencies.unreachableWorkers()
            if down.isEmpty { return SCIMResponse.json(.ok, .object(["status": .string("ready")])) }
            return SCIMResponse.json(.serviceUnavailable, .object([
                "status": .string("not ready"), "unreachable": .array(down.map(JSONValue.string)),
            ]), headers: [.retryAfter: "1"])
        }
        let credentials = dependencies.credentials ?? staticCredentials(configuration)
        let scim = router.group("scim/v2")
            .add(middleware: MediaTypeMiddleware())
            .add(middleware: AuthenticationMiddleware(credentials: credentials, limiter: FailureLimiter()))
        DiscoveryController(configuration: configuration).addRoutes(to: scim)
        let users = UsersController(users: dependencies.users, groups: dependencies.groups, configuration: configuration, hasher: PasswordHasher(iterations: configuration.passwordIterations))
        let groups = GroupsController(groups: dependencies.groups, users: dependencies.users, configuration: configuration)
        users.addRoutes(to: scim)
        groups.addRoutes(to: scim)
        RootSearchController(users: users, groups: groups, configuration: configuration).addRoutes(to: scim)
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
        let options = ZMQRequester.Options(requestTimeout: .milliseconds(configuration.workerTimeoutMilliseconds))
        let users = WorkerClient(kind: "users", endpoints: configuration.usersEndpoints, context: context, options: options)
        let groups = WorkerClient(kind: "groups", endpoints: configuration.groupsEndpoints, context: context, options: options)
        var clients = [users, groups]
        let credentials = staticCredentials(configuration)
        var services: [any Service] = []
        if !configuration.syncEndpoints.isEmpty {
            let sync = WorkerClient(kind: "sync", endpoints: configuration.syncEndpoints, context: context, options: options)
            clients.append(sync)
            services.append(CredentialRefresher(store: credentials, sync: sync, interval: .seconds(1), logger: logger))
        }
        let workers = clients
        let dependencies = IngressDependencies(users: users, groups: groups, credentials: credentials) {
            var down: [String] = []
            for client in workers { down += await client.unreachableEndpoints() }
            return down
        }
        return Application(
            router: router(configuration, dependencies: dependencies),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "roster"),
            services: [ClientConnectionsService(clients: clients, context: context)] + services,
            logger: logger)
    }

    public static func main() async throws {
        let reader = RosterConfiguration.reader()
        let logger = RosterConfiguration.logger("roster.ingress", reader: reader)
        try await application(IngressConfiguration(reader: reader), logger: logger).runService()
    }
}
