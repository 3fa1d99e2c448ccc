import Logging
import Foundation
import Hummingbird
import SCIMCore
import RosterConfig

/// At `debug`, one line per authenticated SCIM request: method, path, configuration, status and
/// duration (what support asks for, switched on with `roster log-level debug --for 30m`). Never
/// a header, a body or a query string: those may carry what the audit log redacts.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = SCIMRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard context.logger.logLevel <= .debug else { return try await next(request, context) }
        let started = ContinuousClock.now
        func log(_ status: Int) {
            context.logger.debug("request", metadata: [
                "method": "\(request.method)", "path": "\(request.uri.path)", "configuration": "\(context.caller?.configurationName ?? "-")",
                "status": "\(status)", "ms": "\(started.millisecondsSince)",
            ])
        }
        do {
            let response = try await next(request, context)
            log(Int(response.status.code))
            return response
        } catch let error as SCIMError {
            log(error.status)
            throw error
        } catch {
            log(500)
            throw error
        }
    }
}
