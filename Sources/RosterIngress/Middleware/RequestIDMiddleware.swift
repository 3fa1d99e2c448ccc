import HTTPTypes
public import Hummingbird
import Logging
import RosterMessaging

/// Outermost: every request gets an id, the client's `X-Request-Id` when it is a sane one (a proxy
/// or an IdP may set it), else a new one. It is answered as `X-Request-Id`, put on every log line
/// of the request, and carried by every command to the workers (``RequestID/current``), whose
/// debug lines name it: one grep follows a request through every process.
public struct RequestIDMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let id = request.headers[requestIDHeader].flatMap { RequestID.isAcceptable($0) ? $0 : nil } ?? RequestID.new()
        var context = context
        context.logger[metadataKey: "request"] = "\(id)"
        var response = try await RequestID.$current.withValue(id) { try await next(request, context) }
        response.headers[requestIDHeader] = id
        return response
    }
}

/// `X-Request-Id`, made once.
let requestIDHeader = HTTPField.Name("X-Request-Id")!
