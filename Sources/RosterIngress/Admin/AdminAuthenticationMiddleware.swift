import Foundation
import Hummingbird
import RosterCrypto
import SCIMCore

/// The admin API's own credential (`auth.adminTokenSha256`), never a configuration token.
struct AdminAuthenticationMiddleware: RouterMiddleware {
    typealias Context = SCIMRequestContext
    let adminTokenSHA256: String?
    let limiter: FailureLimiter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let expected = adminTokenSHA256 else {
            throw SCIMError.unavailable("The admin API is disabled: no admin token is configured (auth.adminTokenSha256).", retryAfter: 60)
        }
        let source = context.remoteAddress ?? "unknown"
        let parts = (request.headers[.authorization] ?? "").split(separator: " ", maxSplits: 1)
        // The token is checked first: only failures are slowed down, never the valid admin token.
        guard parts.count == 2, parts[0].lowercased() == "bearer",
            Secrets.tokenMatches(String(parts[1]).trimmingCharacters(in: .whitespaces), sha256Hex: expected)
        else {
            let error = AuthenticationMiddleware.failed([source], limiter: limiter, api: "admin", reason: "wrong_admin_token")
            if error.status == 401 { throw SCIMError.unauthorized("The admin API needs 'Authorization: Bearer <admin token>'.") }
            throw error
        }
        return try await next(request, context)
    }
}
