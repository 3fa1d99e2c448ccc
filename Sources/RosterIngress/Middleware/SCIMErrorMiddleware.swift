public import Hummingbird
import Logging
import NIOHTTP1
import SCIMCore

/// Outermost middleware: every failure leaves as a SCIM error body, never Hummingbird's own
/// `{"error":…}` and never a stack trace. Unknown errors become a generic 500 and a log line.
public struct SCIMErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let response = Self.response(for: error, request: request, context: context)
            // No route under /scim/v1 (so its group never ran): the 1.1 client still gets 1.1's error shape.
            let path = request.uri.path.lowercased()
            if path == "/scim/v1" || path.hasPrefix("/scim/v1/") { return (try? await SCIM11Answers.translate(response, type: nil)) ?? response }
            return response
        }
    }

    /// The SCIM error response for any error a handler threw.
    static func response(for error: any Error, request: Request, context: Context) -> Response {
        switch error {
        case let error as SCIMError:
            return SCIMResponse.error(error)
        case let error as HTTPError:
            return SCIMResponse.error(Self.translate(error, request: request))
        case let error as any HTTPResponseError:
            return SCIMResponse.error(Self.translate(HTTPError(error.status), request: request))
        case let error as HTTPParserError:
            // The body's framing broke while it was read; HTTPRequestGuard has answered the
            // client already: this answer is for the audit record.
            return SCIMResponse.error(HTTPRequestGuard.scimError(for: error, sawRequestLine: true, head: ""))
        case is HTTPGuardTimeout:
            return SCIMResponse.error(SCIMError(status: 408, detail: "The request body did not arrive in time."))
        case is CancellationError:
            return SCIMResponse.error(.unavailable("The request was cancelled.", retryAfter: 1))
        default:
            context.logger.error("unexpected error", metadata: ["method": "\(request.method)", "path": "\(request.uri.path)", "error": "\(error)"])
            return SCIMResponse.error(.internalError())
        }
    }

    static func translate(_ error: HTTPError, request: Request) -> SCIMError {
        switch error.status {
        case .notFound:
            return .notFound("No endpoint at \(request.method) \(request.uri.path).")
        case .contentTooLarge:
            return .payloadTooLarge("The request body is larger than this server accepts.")
        case .methodNotAllowed:
            return .methodNotAllowed("\(request.method) is not allowed on \(request.uri.path).")
        default:
            return SCIMError(status: Int(error.status.code), detail: error.body ?? error.status.reasonPhrase)
        }
    }
}
