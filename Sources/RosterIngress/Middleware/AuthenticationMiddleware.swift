import Foundation
public import Hummingbird
import RosterCrypto
import SCIMCore

/// Resolves `Authorization: Bearer <token>` or `Basic <user:password>` to the calling
/// configuration and its directory, or answers 401 (429 once a source keeps failing).
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
        if let wait = limiter.retryAfter(source) {
            throw SCIMError(status: 429, detail: "Too many failed authentications from this address; try again later.", retryAfter: wait)
        }
        guard let header = request.headers[.authorization] else {
            throw SCIMError.unauthorized()
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        let scheme = parts.first?.lowercased() ?? ""
        let value = parts.count == 2 ? String(parts[1]).trimmingCharacters(in: .whitespaces) : ""
        var caller: Caller?
        switch scheme {
        case "bearer":
            caller = credentials.caller(bearer: value)
        case "basic":
            if let data = Data(base64Encoded: value), let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":") {
                caller = await credentials.caller(basicUser: String(text[..<colon]), password: String(text[text.index(after: colon)...]))
            }
        default:
            throw SCIMError.unauthorized("Unsupported authorization scheme: send 'Authorization: Bearer <token>' or Basic credentials.")
        }
        guard let caller else {
            limiter.recordFailure(source)
            throw SCIMError.unauthorized("The credentials are not valid.")
        }
        var context = context
        context.caller = caller
        context.audit?.caller = caller
        return try await next(request, context)
    }
}
