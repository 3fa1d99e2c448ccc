import Foundation
public import Hummingbird
import SCIMCore

/// Content negotiation (RFC 7644 §3.1, §8.1): bodies must be `application/scim+json` or
/// `application/json`; an `Accept` that allows neither gets 406.
public struct MediaTypeMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    static func isJSON(_ mediaType: Substring) -> Bool {
        let type = mediaType.split(separator: ";").first.map { String($0).trimmingCharacters(in: .whitespaces) } ?? ""
        return type == "application/scim+json" || type == "application/json"
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let accept = request.headers[.accept]?.lowercased() {
            let acceptable = accept.split(separator: ",").contains { range in
                let type = range.split(separator: ";").first.map { String($0).trimmingCharacters(in: .whitespaces) } ?? ""
                return type == "*/*" || type == "application/*" || type == "application/scim+json" || type == "application/json"
            }
            if !acceptable {
                throw SCIMError.notAcceptable("This server answers only application/scim+json or application/json; Accept was '\(accept)'.")
            }
        }
        if [.post, .put, .patch].contains(request.method), let contentType = request.headers[.contentType]?.lowercased(),
            !Self.isJSON(Substring(contentType))
        {
            throw SCIMError.unsupportedMediaType("Send the body as application/scim+json (or application/json), not '\(contentType)'.")
        }
        return try await next(request, context)
    }
}
