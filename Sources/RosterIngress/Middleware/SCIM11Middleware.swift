import Foundation
import Hummingbird
import SCIMCore
import Synchronization

/// SCIM 1.1 at `/scim/v1`: the same controllers as 2.0, with the representation translated at
/// the edge by ``SCIM11`` (SCIMCore). Two halves, so that nothing of a body is read before the
/// caller is authenticated: ``SCIM11Answers`` (outermost in the group) renders every answer and
/// every error in 1.1's shape; ``SCIM11Requests`` (after authentication) turns 1.1 bodies and
/// filters into their 2.0 form.
struct SCIM11Answers: RouterMiddleware {
    typealias Context = SCIMRequestContext
    let types: [ResourceType]

    /// The resource type a `/scim/v1/<Endpoint>…` path names.
    static func type(of path: String, in types: [ResourceType]) -> ResourceType? {
        let parts = path.split(separator: "/")
        guard parts.count >= 3 else { return nil }
        return types.first { $0.endpoint.lowercased() == parts[2].lowercased() }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = SCIMErrorMiddleware<Context>.response(for: error, request: request, context: context)
        }
        return try await Self.translate(response, type: Self.type(of: request.uri.path, in: types))
    }

    /// A 2.0 answer as 1.1: errors as `Errors`, lists and resources with 1.1's schemas.
    static func translate(_ response: Response, type: ResourceType?) async throws -> Response {
        guard response.headers[.contentType]?.hasPrefix("application/scim+json") == true else { return response }
        let bytes = try await collect(response.body)
        guard case .object(let object)? = try? JSONValue.parse(bytes) else { return response }
        let translated: JSONValue
        if response.status.code >= 400 {
            let error = SCIMError(status: Int(response.status.code), detail: object["detail"]?.stringValue ?? response.status.reasonPhrase)
            translated = SCIM11.errorBody(error)
        } else if let type, object["Resources"] != nil {
            translated = .object(SCIM11.listFromV2(object, type: type))
        } else if let type {
            translated = .object(SCIM11.resourceFromV2(object, type: type))
        } else {
            translated = .object(object)
        }
        var headers = response.headers
        // Links point at the version the client speaks.
        if let location = headers[.location] { headers[.location] = SCIM11.link(location) }
        let body = translated.serialized()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.contentLength] = String(body.count)
        return Response(status: response.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// The whole body of an answer (a group's streamed members included).
    static func collect(_ body: ResponseBody) async throws -> [UInt8] {
        let sink = Sink()
        try await body.write(sink)
        return sink.bytes.withLock { $0 }
    }

    private final class Sink: ResponseBodyWriter, Sendable {
        let bytes = Mutex<[UInt8]>([])
        func write(_ buffer: ByteBuffer) async throws { bytes.withLock { $0 += buffer.readableBytesView } }
        func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }
}

/// The inner half: 1.1 request bodies (resources, partial-resource PATCH) and filters become 2.0.
struct SCIM11Requests: RouterMiddleware {
    typealias Context = SCIMRequestContext
    let types: [ResourceType]
    let maxBodyBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var request = request
        if let filter = request.scimQuery["filter"] { try SCIM11.checkFilter(filter) }
        if let base = SCIM11Answers.type(of: request.uri.path, in: types), [.post, .put, .patch].contains(request.method) {
            let body = try await request.jsonObject(limit: maxBodyBytes)
            let type = context.resourceType(base)
            let v2: JSONValue
            if request.method == .patch {
                let operations = try SCIM11.patchToV2(body, type: type, undeclared: context.undeclaredExtensions)
                v2 = .object(["schemas": .array([.string(PatchRequest.schemaURN)]), "Operations": operations.wire])
            } else {
                v2 = .object(try SCIM11.resourceToV2(body, type: type, undeclared: context.undeclaredExtensions))
            }
            request.body = RequestBody(buffer: ByteBuffer(bytes: v2.serialized()))
        }
        return try await next(request, context)
    }
}
