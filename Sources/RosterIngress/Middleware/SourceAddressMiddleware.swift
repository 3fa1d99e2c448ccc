import HTTPTypes
public import Hummingbird

/// Outermost: the client's address for throttling and the audit log, read from `Forwarded` /
/// `X-Forwarded-For` only when the peer is one of `http.trustedProxies`.
public struct SourceAddressMiddleware: RouterMiddleware {
    public typealias Context = SCIMRequestContext
    let proxies: TrustedProxies

    public init(proxies: TrustedProxies) { self.proxies = proxies }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !proxies.isEmpty else { return try await next(request, context) }
        var context = context
        context.remoteAddress = proxies.client(
            peer: context.remoteAddress, forwarded: request.headers[.forwarded], forwardedFor: request.headers[.xForwardedFor])
        return try await next(request, context)
    }
}

extension HTTPField.Name {
    static let forwarded = Self("Forwarded")!
    static let xForwardedFor = Self("X-Forwarded-For")!
}
