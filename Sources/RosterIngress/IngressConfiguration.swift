public import Configuration
public import RosterMessaging
import Foundation
import RosterConfig

/// Settings of `roster-ingress` (see `services/ingress/README.md`).
public struct IngressConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Ordered endpoints of the users workers: the shard map (`zmq.users`, comma-separated).
    public var usersEndpoints: [String]
    /// Ordered endpoints of the groups workers (`zmq.groups`, comma-separated).
    public var groupsEndpoints: [String]
    /// The sync worker (`zmq.sync`); empty: only the bootstrap token is accepted.
    /// Every default is written once, here, and read back by ``init(reader:)``.
    public var syncEndpoints: [String]
    /// How long a request waits for a worker before 504 (`zmq.timeoutMs`).
    public var workerTimeoutMilliseconds: Int
    /// SHA-256 (hex) of the bearer token `/metrics` requires (`metrics.tokenSha256`); nil: open.
    public var metricsTokenSHA256: String?
    /// CURVE towards the workers (`zmq.curve.clientKey`, `zmq.curve.serverPublicKey`); nil: plain.
    public var curve: CurveClient?
    /// SHA-256 (hex) of the bootstrap bearer token (`auth.bootstrapTokenSha256`).
    public var bootstrapTokenSHA256: String?
    /// SHA-256 (hex) of the admin API's token (`auth.adminTokenSha256`); nil: admin API disabled.
    public var adminTokenSHA256: String?
    /// The directory the bootstrap token serves (`auth.bootstrapDirectory`).
    public var bootstrapDirectory: String
    /// The URL clients use to reach this ingress, when it differs from what they send as Host
    /// (behind a proxy): `http.publicUrl`, e.g. `https://scim.example.com`.
    public var publicURL: String?
    /// `Host` values (`host:port`, lower case) that links may be built from when `publicURL` is not
    /// set (`http.allowedHosts`, comma-separated); any other Host gets the listening address.
    public var allowedHosts: Set<String> = []
    /// A connection that sends and receives nothing for this long is closed (`http.idleTimeoutSeconds`):
    /// neither a client that connects and stays silent nor an idle keep-alive holds a connection forever.
    public var idleTimeoutSeconds = 30
    /// Read timeouts, the connection cap and the head limits of the HTTP layer (`http.*`).
    public var httpLimits = HTTPLimits()
    /// Proxies whose `Forwarded` / `X-Forwarded-For` name the client (`http.trustedProxies`).
    public var trustedProxies = try! TrustedProxies([])
    /// Requests per second and burst allowed to each configuration (`scim.rateLimitPerSecond`,
    /// 0: no limit; `scim.rateLimitBurst`): twenty times Entra's documented 25 requests/s.
    public var rateLimitPerSecond = 500
    public var rateLimitBurst = 1000
    /// Largest request body accepted (`http.maxBodyBytes`).
    public var maxBodyBytes: Int
    /// Largest page a query returns, advertised as `filter.maxResults` (`scim.maxResults`).
    public var maxResults: Int
    /// Page size when the client sends no `count` (`scim.defaultCount`).
    public var defaultCount: Int
    /// PBKDF2 iterations for passwords sent by an IdP (`security.passwordIterations`).
    public var passwordIterations: Int
    /// Members per page when a group is streamed (`scim.memberPageSize`).
    public var memberPageSize: Int
    /// The audit worker (`zmq.audit`); empty: no auditing.
    public var auditEndpoints = ["tcp://127.0.0.1:5554"]
    /// Bounds of the audit queue: memory (`audit.memoryBytes`), then the spool file
    /// (`audit.spoolPath`, `audit.spoolMaxBytes`); beyond both, records are dropped and counted.
    public var auditMemoryBytes = 64 << 20
    public var auditSpoolPath = "data/audit-spool.ndjson"
    public var auditSpoolMaxBytes = 1 << 30
    /// Largest request or response body kept in a record (`audit.maxBodyBytes`), in UTF-8 bytes.
    public var auditMaxBodyBytes = 16 << 10

    public init(
        host: String = "127.0.0.1", port: Int = 8080, usersEndpoints: [String] = ["tcp://127.0.0.1:5551"],
        groupsEndpoints: [String] = ["tcp://127.0.0.1:5552"], syncEndpoints: [String] = ["tcp://127.0.0.1:5553"],
        workerTimeoutMilliseconds: Int = 5000, bootstrapTokenSHA256: String? = nil, bootstrapDirectory: String = "default",
        publicURL: String? = nil, maxBodyBytes: Int = 1 << 20, maxResults: Int = 1000, defaultCount: Int = 100,
        passwordIterations: Int = 600_000, memberPageSize: Int = 5000, adminTokenSHA256: String? = nil
    ) {
        self.adminTokenSHA256 = adminTokenSHA256
        self.memberPageSize = max(1, memberPageSize)
        self.host = host
        self.port = port
        self.usersEndpoints = usersEndpoints
        self.groupsEndpoints = groupsEndpoints
        self.syncEndpoints = syncEndpoints
        self.workerTimeoutMilliseconds = workerTimeoutMilliseconds
        self.bootstrapTokenSHA256 = bootstrapTokenSHA256
        self.bootstrapDirectory = bootstrapDirectory
        self.publicURL = publicURL
        self.maxBodyBytes = maxBodyBytes
        self.maxResults = maxResults
        self.defaultCount = defaultCount
        self.passwordIterations = passwordIterations
    }

    /// Throws a ``StartupError`` for a setting that cannot be used (e.g. a malformed proxy entry).
    public init(reader: ConfigReader) throws {
        let d = IngressConfiguration()
        self.init(
            host: reader.string(forKey: "http.host", default: d.host),
            port: reader.int(forKey: "http.port", default: d.port),
            usersEndpoints: reader.list(forKey: "zmq.users", default: d.usersEndpoints),
            groupsEndpoints: reader.list(forKey: "zmq.groups", default: d.groupsEndpoints),
            syncEndpoints: reader.list(forKey: "zmq.sync", default: d.syncEndpoints),
            workerTimeoutMilliseconds: reader.int(forKey: "zmq.timeoutMs", default: d.workerTimeoutMilliseconds),
            bootstrapTokenSHA256: reader.string(forKey: "auth.bootstrapTokenSha256").flatMap { $0.isEmpty ? nil : $0 },
            bootstrapDirectory: reader.string(forKey: "auth.bootstrapDirectory", default: d.bootstrapDirectory),
            publicURL: reader.string(forKey: "http.publicUrl"),
            maxBodyBytes: reader.int(forKey: "http.maxBodyBytes", default: d.maxBodyBytes),
            maxResults: reader.int(forKey: "scim.maxResults", default: d.maxResults),
            defaultCount: reader.int(forKey: "scim.defaultCount", default: d.defaultCount),
            passwordIterations: reader.int(forKey: "security.passwordIterations", default: d.passwordIterations),
            memberPageSize: reader.int(forKey: "scim.memberPageSize", default: d.memberPageSize),
            adminTokenSHA256: reader.string(forKey: "auth.adminTokenSha256").flatMap { $0.isEmpty ? nil : $0 })
        auditEndpoints = reader.list(forKey: "zmq.audit", default: auditEndpoints)
        curve = try CurveClient.configured(reader: reader)
        metricsTokenSHA256 = reader.string(forKey: "metrics.tokenSha256").flatMap { $0.isEmpty ? nil : $0.lowercased() }
        allowedHosts = Set(reader.list(forKey: "http.allowedHosts", default: []).map { $0.lowercased() })
        idleTimeoutSeconds = max(1, reader.int(forKey: "http.idleTimeoutSeconds", default: idleTimeoutSeconds))
        do {
            trustedProxies = try TrustedProxies(reader.list(forKey: "http.trustedProxies", default: []))
            let header = reader.string(forKey: "http.forwardedHeader", default: TrustedProxies.Header.xForwardedFor.rawValue)
            guard let chosen = TrustedProxies.Header(rawValue: header.lowercased()) else {
                throw StartupError("http.forwardedHeader: '\(header)' is neither 'x-forwarded-for' nor 'forwarded'")
            }
            trustedProxies.header = chosen
        } catch let error as TrustedProxyError {
            throw StartupError(error.description)
        }
        rateLimitPerSecond = max(0, reader.int(forKey: "scim.rateLimitPerSecond", default: rateLimitPerSecond))
        rateLimitBurst = max(1, reader.int(forKey: "scim.rateLimitBurst", default: rateLimitBurst))
        httpLimits.headerTimeout = .seconds(max(1, reader.int(forKey: "http.headerTimeoutSeconds", default: Int(httpLimits.headerTimeout.components.seconds))))
        httpLimits.bodyTimeout = .seconds(max(1, reader.int(forKey: "http.bodyTimeoutSeconds", default: Int(httpLimits.bodyTimeout.components.seconds))))
        httpLimits.uploadTimeout = .seconds(max(1, reader.int(forKey: "http.uploadTimeoutSeconds", default: Int(httpLimits.uploadTimeout.components.seconds))))
        httpLimits.maxConnections = max(1, reader.int(forKey: "http.maxConnections", default: httpLimits.maxConnections))
        httpLimits.maxRequestLineBytes = max(256, reader.int(forKey: "http.maxRequestLineBytes", default: httpLimits.maxRequestLineBytes))
        httpLimits.maxHeaderBytes = max(1024, reader.int(forKey: "http.maxHeaderBytes", default: httpLimits.maxHeaderBytes))
        auditMemoryBytes = reader.int(forKey: "audit.memoryBytes", default: auditMemoryBytes)
        auditSpoolPath = reader.string(forKey: "audit.spoolPath", default: auditSpoolPath)
        auditSpoolMaxBytes = reader.int(forKey: "audit.spoolMaxBytes", default: auditSpoolMaxBytes)
        auditMaxBodyBytes = max(256, reader.int(forKey: "audit.maxBodyBytes", default: auditMaxBodyBytes))
    }
}
