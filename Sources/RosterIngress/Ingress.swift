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
    /// Endpoints of workers that do not answer a ping (empty when all are ready).
    public var unreachableWorkers: @Sendable () async -> [String]

    public init(users: any CommandTransport, groups: any CommandTransport, unreachableWorkers: @escaping @Sendable () async -> [String]) {
        self.users = users
        self.groups = groups
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
        var credentials: [BearerCredential] = []
        if let hash = configuration.bootstrapTokenSHA256 {
            credentials.append(BearerCredential(tokenSHA256: hash, directoryID: configuration.bootstrapDirectory))
        }
        let scim = router.group("scim/v2")
            .add(middleware: MediaTypeMiddleware())
            .add(middleware: AuthenticationMiddleware(credentials: credentials))
        DiscoveryController(configuration: configuration).addRoutes(to: scim)
        let users = UsersController(users: dependencies.users, groups: dependencies.groups, configuration: configuration, hasher: PasswordHasher(iterations: configuration.passwordIterations))
        let groups = GroupsController(groups: dependencies.groups, users: dependencies.users, configuration: configuration)
        users.addRoutes(to: scim)
        groups.addRoutes(to: scim)
        RootSearchController(users: users, groups: groups, configuration: configuration).addRoutes(to: scim)
        return router
    }

    /// The application with real ZeroMQ connections to the workers; the bridge closes after HTTP drained.
    public static func application(_ configuration: IngressConfiguration, logger: Logger) -> some ApplicationProtocol {
        let context = ZMQContext()
        let options = ZMQRequester.Options(requestTimeout: .milliseconds(configuration.workerTimeoutMilliseconds))
        let users = WorkerClient(kind: "users", endpoints: configuration.usersEndpoints, context: context, options: options)
        let groups = WorkerClient(kind: "groups", endpoints: configuration.groupsEndpoints, context: context, options: options)
        let dependencies = IngressDependencies(users: users, groups: groups) {
            async let u = users.unreachableEndpoints()
            async let g = groups.unreachableEndpoints()
            return await u + g
        }
        if configuration.bootstrapTokenSHA256 == nil {
            logger.warning("no bootstrap token configured: every SCIM request will get 401 (set AUTH_BOOTSTRAP_TOKEN_SHA256)")
        }
        return Application(
            router: router(configuration, dependencies: dependencies),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "roster"),
            services: [ClientConnectionsService(clients: [users, groups], context: context)],
            logger: logger)
    }

    public static func main() async throws {
        let reader = RosterConfiguration.reader()
        let logger = RosterConfiguration.logger("roster.ingress", reader: reader)
        try await application(IngressConfiguration(reader: reader), logger: logger).runService()
    }
}
