import Logging
import Foundation
public import Hummingbird
import RosterCrypto
import RosterMessaging
import SCIMCore

/// Resolves `Authorization: Bearer <token>` or `Basic <user:password>` to the calling
/// configuration and its directory, or answers 401 (429 once a source, a Basic username or a token
/// keeps failing; a valid credential always gets through), then holds each configuration to its
/// request rate (429 with `Retry-After`).
public struct AuthenticationMiddleware: RouterMiddleware {
    public typealias Context = SCIMRequestContext
    let credentials: CredentialStore
    let limiter: FailureLimiter
    let rates: RateLimiter

    public init(credentials: CredentialStore, limiter: FailureLimiter, rates: RateLimiter = RateLimiter(perSecond: 0, burst: 0)) {
        self.credentials = credentials
        self.limiter = limiter
        self.rates = rates
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let source = context.remoteAddress ?? "unknown"
        guard let header = request.headers[.authorization] else {
            IngressMetrics.authFailed("scim", "no_credentials")
            throw SCIMError.unauthorized()
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        let scheme = parts.first?.lowercased() ?? ""
        let value = parts.count == 2 ? String(parts[1]).trimmingCharacters(in: .whitespaces) : ""
        // A valid credential is never refused because others failed from the same address (a
        // proxy, Entra's shared egress) or with the same username: the credential is always
        // checked first, and only failures are throttled: per source, per Basic username, per
        // presented token (by hash: a wrong token sprayed from many addresses is slowed too).
        var caller: Caller?
        var keys = [source]
        switch scheme {
        case "bearer":
            caller = credentials.caller(bearer: value)
            if caller == nil { keys.append("bearer:\(Secrets.sha256Hex(value).prefix(16))") }
        case "basic":
            guard let data = Data(base64Encoded: value), let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":") else { break }
            let (user, password) = (String(text[..<colon]), String(text[text.index(after: colon)...]))
            keys.append("basic-user:\(user)")
            caller = await credentials.caller(basicUser: user, password: password)
        default:
            IngressMetrics.authFailed("scim", "unsupported_scheme")
            throw SCIMError.unauthorized("Unsupported authorization scheme: send 'Authorization: Bearer <token>' or Basic credentials.")
        }
        guard let caller else {
            // The reason, never the credential (nor its hash).
            context.logger.debug("authentication failed", metadata: ["scheme": "\(scheme)", "source": "\(source)",
                                                                    "reason": "\(scheme == "basic" ? "unknown username or wrong password" : "unknown or disabled token")"])
            throw Self.failed(keys, limiter: limiter, api: "scim", reason: scheme == "basic" ? "wrong_password" : "unknown_token")
        }
        if let wait = rates.take(caller.configurationID) {
            IngressMetrics.throttle("rate_limit")
            throw SCIMError(status: 429, detail: "This configuration sends more than \(Int(rates.rate)) requests per second, its limit (scim.rateLimitPerSecond); retry after \(wait) s.", retryAfter: wait)
        }
        var context = context
        context.caller = caller
        context.audit?.caller = caller
        return try await RequestConfiguration.$current.withValue(caller.configurationID) {
            try await LastLoginVisibility.$current.withValue(caller.showsLastLogin) { try await next(request, context) }
        }
    }

    /// A failed authentication: counted for each key; 401, or 429 while a key is blocked (a failure
    /// while blocked makes the block longer).
    static func failed(_ keys: [String], limiter: FailureLimiter, api: String, reason: String) -> SCIMError {
        let blocked = keys.contains { limiter.retryAfter($0) != nil }
        for key in keys { limiter.recordFailure(key) }
        IngressMetrics.authFailed(api, reason)
        guard blocked else { return SCIMError.unauthorized("The credentials are not valid.") }
        IngressMetrics.throttle("failed_authentications")
        return tooMany(keys.compactMap { limiter.retryAfter($0) }.max() ?? 1)
    }

    static func tooMany(_ wait: Int) -> SCIMError {
        SCIMError(status: 429, detail: "Too many failed authentications from this address or for this username; try again later.", retryAfter: wait)
    }
}

/// Whether the answer being made shows users' last sign-in: the caller's directory setting, for
/// the renderer, which sees no context.
enum LastLoginVisibility {
    @TaskLocal static var current = false
}
