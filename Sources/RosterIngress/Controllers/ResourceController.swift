import Hummingbird
import RosterProtocol
import SCIMCore

/// One collection of RFC 7644 §3.2–3.6 for any resource type: validates and normalises what
/// every type shares here, and leaves to its ``ResourceEndpoint`` only what differs.
struct ResourceController<Endpoint: ResourceEndpoint>: Sendable {
    let endpoint: Endpoint
    let configuration: IngressConfiguration

    var type: ResourceType { endpoint.type }
    var renderer: ResourceRenderer { endpoint.renderer }

    func addRoutes(to group: RouterGroup<SCIMRequestContext>) {
        let path = type.endpoint
        group.post(RouterPath(path), use: create)
        group.get(RouterPath(path), use: list)
        group.post(RouterPath("\(path)/.search"), use: search)
        group.get(RouterPath("\(path)/:id"), use: get)
        group.put(RouterPath("\(path)/:id"), use: replace)
        group.patch(RouterPath("\(path)/:id"), use: patch)
        group.delete(RouterPath("\(path)/:id"), use: delete)
    }

    @Sendable func create(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let directory = try context.requireDirectory()
        let written = try await endpoint.create(try await request.jsonObject(limit: configuration.maxBodyBytes), request: request, context: context, directory: directory)
        return endpoint.renderer(context).render(written, status: .created, request: request)
    }

    @Sendable func get(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        try await endpoint.get(try context.parameters.require("id"), request: request, context: context, directory: try context.requireDirectory())
    }

    @Sendable func replace(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let directory = try context.requireDirectory()
        let id = try context.parameters.require("id")
        let ifMatch = try request.ifMatchVersion()
        let body = try await request.jsonObject(limit: configuration.maxBodyBytes)
        let written = try await endpoint.replace(id, body: body, ifMatch: ifMatch, request: request, context: context, directory: directory)
        return endpoint.renderer(context).render(written, status: .ok, request: request)
    }

    /// PATCH (RFC 7644 §3.5.2): validated here, applied by the worker to the stored resource.
    /// Answers 200 with the resource, or 204 when the client sent `Prefer: return=minimal`, or for a
    /// membership change (``ResourceEndpoint/answersPatchMinimally(_:)``) unless the client asks for
    /// the resource (`attributes`, `excludedAttributes` or `Prefer: return=representation`).
    @Sendable func patch(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let directory = try context.requireDirectory()
        let id = try context.parameters.require("id")
        let ifMatch = try request.ifMatchVersion()
        let received = try PatchRequest(body: try await request.jsonObject(limit: configuration.maxBodyBytes))
        let operations = try PatchEngine(context.resourceType(type), undeclared: context.undeclaredExtensions).checked(received)
        let minimal = request.prefersMinimal || (endpoint.answersPatchMinimally(operations) && !request.asksForRepresentation)
        let written = try await endpoint.patch(id, operations, ifMatch: ifMatch, showsBody: !minimal, request: request, context: context, directory: directory)
        if minimal { return Response(status: .noContent, headers: [.eTag: SCIMResponse.etag(version: written.resource.version)]) }
        return endpoint.renderer(context).render(written, status: .ok, request: request)
    }

    @Sendable func delete(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let directory = try context.requireDirectory()
        // Sent first: an optional-chained assignment would skip its right side when auditing is off.
        let name = try await endpoint.delete(try context.parameters.require("id"), ifMatch: try request.ifMatchVersion(), context: context, directory: directory)
        context.audit?.subject = name
        return Response(status: .noContent)
    }

    @Sendable func list(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        try await run(try endpoint.renderer(context).search(request), request: request, context: context)
    }

    /// `POST /<endpoint>/.search` (RFC 7644 §3.4.3): the query in the body.
    @Sendable func search(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let search = try SearchRequest(body: try await request.jsonObject(limit: configuration.maxBodyBytes), type: context.resourceType(type))
        return try await run(search, request: request, context: context)
    }

    private func run(_ search: SearchRequest, request: Request, context: SCIMRequestContext) async throws -> Response {
        let declared = context.resourceType(type)
        if let filter = search.filter { _ = try declared.validateFilter(filter) }  // a bad filter fails here, before anything is sent
        if let sortBy = search.sortBy { _ = try declared.sortAttribute(sortBy) }
        let (startIndex, count) = renderer.page(search)
        let directory = try context.requireDirectory()
        var query = try renderer.query(search, startIndex: startIndex, count: count, request: request, directory: directory)
        query.extensions = context.extensionsWire(type)
        let page = try await endpoint.page(search, query, request: request, directory: directory)
        return SCIMResponse.json(.ok, ListResponse(totalResults: page.total, startIndex: startIndex, resources: page.resources).body)
    }
}

extension SCIMRequestContext {
    func requireDirectory() throws(SCIMError) -> String {
        guard let directoryID else { throw SCIMError.unauthorized() }
        return directoryID
    }
}
