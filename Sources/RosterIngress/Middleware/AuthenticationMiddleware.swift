import Foundation
public import Hummingbird
import RosterCrypto
import SCIMCore

/// Resolves `Authorization: Bearer <token>` or `Basic <user:password>` to the calling
/// configuration and its directory, or answers 401 (429 once a source or a Basic username keeps
/// failing; a valid credential always gets through).
public struct AuthenticationMiddleware: RouterMiddleware {
    public typealias Context = SCIMRequestContext
    let credentials: CredentialStore
    let limiter: FailureLimiter

    public init(credentials: CredentialStore, limiter: FailureLimiter) {
        self.credentials = credentials
        self.limiter = limiter
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let source = context.remoteAddress ?? "unknown"
        guard let header = request.headers[.authorization] else {
            throw SCIMError.unauthorized()
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        let scheme = parts.first?.lowercased() ?? ""
        let value = parts.count == 2 ? String(parts[1]).trimmingCharacters(in: .whitespaces) : ""
        // A valid credential is never refused because others failed from the same address (a
        // proxy, Entra's shared egress) or with the same username: the credential is always
        // checked first, and only failures are throttled, per source and per Basic username.
        var caller: Caller?
        var keys = [source]
        switch scheme {
        case "bearer":
            caller = credentials.caller(bearer: value)
        case "basic":
            guard let data = Data(base64Encoded: value), let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":") else { break }
            let (user, password) = (String(text[..<colon]), String(text[text.index(after: colon)...]))
            keys.append("basic-user:\(user)")
            caller = await credentials.caller(basicUser: user, password: password)
        default:
            throw SCIMError.unauthorized("Unsupported authorization scheme: send 'Authorization: Bearer <token>' or Basic credentials.")
        }
        guard let caller else { throw Self.failed(keys, limiter: limiter) }
        var context = context
        context.caller = caller
        context.audit?.caller = caller
        return try await next(request, context)
    }

    /// A failed authentication: counted for each key; 401, or 429 while a key is blocked (a failure
    /// while blocked makes the block longer).
    static func failed(_ keys: [String], limiter: FailureLimiter) -> SCIMError {
        let blocked = keys.contains { limiter.retryAfter($0) != nil }
        for key in keys { limiter.recordFailure(key) }
        guard blocked else { return SCIMError.unauthorized("The credentials are not valid.") }
        return tooMany(keys.compactMap { limiter.retryAfter($0) }.max() ?? 1)
    }

    static func tooMany(_ wait: Int) -> SCIMError {
        SCIMError(status: 429, detail: "Too many failed authentications from this address or for this username; try again later.", retryAfter: wait)
    }
}
