public import Hummingbird
public import SCIMCore

/// A ``SCIMError`` as Hummingbird's `HTTPResponseError`: the one place a SCIM error becomes an
/// HTTP answer (status, `Retry-After`, `WWW-Authenticate`, the RFC 7644 §3.12 body).
///
/// A wrapper rather than a conformance of `SCIMError` itself: `SCIMCore` stays free of HTTP
/// types, and `SCIMError.status` is the integer of the wire, not `HTTPResponse.Status`.
public struct SCIMHTTPError: HTTPResponseError {
    public var error: SCIMError

    public init(_ error: SCIMError) { self.error = error }

    public var status: HTTPResponse.Status { .init(code: error.status) }

    public var headers: HTTPFields {
        var headers: HTTPFields = [:]
        if let retryAfter = error.retryAfter { headers[.retryAfter] = String(retryAfter) }
        if error.status == 401 { headers[.wwwAuthenticate] = "Bearer realm=\"roster\"" }
        return headers
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        SCIMResponse.json(status, error.body, headers: headers)
    }
}
