public import Hummingbird
import Foundation
import RosterCrypto
import SCIMCore

/// A credential the ingress accepts and the directory it serves.
public struct BearerCredential: Sendable {
    /// SHA-256 of the token, lowercase hex; the token itself is never kept.
    public var tokenSHA256: String
    public var directoryID: String

    public init(tokenSHA256: String, directoryID: String) {
        self.tokenSHA256 = tokenSHA256.lowercased()
        self.directoryID = directoryID
    }
}

/// Resolves `Authorization: Bearer <token>` to a directory, or answers 401 with a SCIM error.
public struct AuthenticationMiddleware: RouterMiddleware {
    public typealias Context = SCIMRequestContext
    let credentials: [BearerCredential]

    public init(credentials: [BearerCredential]) {
        self.credentials = credentials
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            throw SCIMError.unauthorized()
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw SCIMError.unauthorized("Unsupported authorization scheme: send 'Authorization: Bearer <token>'.")
        }
        let digest = Secrets.sha256Hex(String(parts[1]).trimmingCharacters(in: .whitespaces))
        // Compare every credential in constant time, so timing reveals nothing about which matched.
        var match: BearerCredential?
        for credential in credentials where Secrets.constantTimeEqual(Array(digest.utf8), Array(credential.tokenSHA256.utf8)) {
            match = credential
        }
        guard let match else { throw SCIMError.unauthorized("The bearer token is not valid.") }
        var context = context
        context.directoryID = match.directoryID
        return try await next(request, context)
    }
}
