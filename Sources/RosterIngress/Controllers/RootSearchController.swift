import Hummingbird
import RosterProtocol
import SCIMCore

/// `POST /.search` (RFC 7644 §3.4.3): one query over every resource type, in the order of
/// ``ResourceType/all``. A type whose schemas lack an attribute the filter names is skipped (it
/// matches nothing of that type), decided here without asking its worker.
struct RootSearchController {
    let endpoints: [any ResourceEndpoint]
    let configuration: IngressConfiguration

    func addRoutes(to group: RouterGroup<SCIMRequestContext>) {
        group.post(".search", use: search)
    }

    @Sendable func search(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let directory = try context.requireDirectory()
        let body = try await request.jsonObject(limit: configuration.maxBodyBytes)
        // Each type with the caller's directory's declared extensions.
        let declared = { (endpoint: any ResourceEndpoint) in context.resourceType(endpoint.type) }
        let search = try SearchRequest(body: body, type: declared(endpoints[0]))
        var applicable = endpoints
        if let filter = search.filter {
            applicable = endpoints.filter { declared($0).accepts(filter: filter) }
            // No type accepts it: say why, as the first type's query would.
            if applicable.isEmpty { _ = try declared(endpoints[0]).validateFilter(filter) }
        }
        let (startIndex, count) = endpoints[0].renderer.page(search)
        var total = 0
        var resources: [JSONValue] = []
        for endpoint in applicable {
            // The page continues from where the previous types' results end.
            let skip = max(0, startIndex - 1 - total)
            let typed = search.projected(for: declared(endpoint))
            var query = try endpoint.renderer.query(typed, startIndex: skip + 1, count: count - resources.count, request: request, directory: directory)
            query.extensions = context.extensionsWire(endpoint.type)
            let page = try await endpoint.page(typed, query, request: request, directory: directory)
            total += page.total
            resources += page.resources
        }
        return SCIMResponse.json(.ok, ListResponse(totalResults: total, startIndex: startIndex, resources: resources).body)
    }
}
