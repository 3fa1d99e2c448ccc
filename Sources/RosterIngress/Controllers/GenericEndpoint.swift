import Hummingbird
import RosterProtocol
import SCIMCore

/// A resource type that needs nothing beyond its descriptor: served through the `resources.*`
/// commands by a worker's `ResourceStore`. Adding one is its schema, its ``ResourceType``, its
/// table in a store, and an entry in ``IngressDependencies/resources``.
struct GenericEndpoint: ResourceEndpoint {
    let type: ResourceType
    let worker: any CommandTransport
    let configuration: IngressConfiguration

    var renderer: ResourceRenderer { ResourceRenderer(type: type, configuration: configuration) }

    func create(_ body: [String: JSONValue], request: Request, context: SCIMRequestContext, directory: String) async throws -> Written {
        Written(resource: try await worker.send(
            CreateResource(resourceType: type.name, directoryID: directory, attributes: try normalize(body)), shardKey: directory))
    }

    func get(_ id: String, request: Request, context: SCIMRequestContext, directory: String) async throws -> Response {
        let stored = try await worker.send(GetResource(resourceType: type.name, directoryID: directory, id: id), shardKey: directory)
        if let notModified = try renderer.notModified(request, version: stored.version) { return notModified }
        return renderer.render(Written(resource: stored), status: .ok, request: request)
    }

    func replace(_ id: String, body: [String: JSONValue], ifMatch: Int?, request: Request, context: SCIMRequestContext, directory: String) async throws -> Written {
        Written(resource: try await worker.send(
            ReplaceResource(resourceType: type.name, directoryID: directory, id: id, attributes: try normalize(body), ifMatch: ifMatch), shardKey: directory))
    }

    func patch(_ id: String, _ operations: PatchRequest, ifMatch: Int?, showsBody: Bool, request: Request, context: SCIMRequestContext, directory: String)
        async throws -> Written
    {
        Written(resource: try await worker.send(
            PatchResource(resourceType: type.name, directoryID: directory, id: id, operations: operations.wire, ifMatch: ifMatch), shardKey: directory))
    }

    func delete(_ id: String, ifMatch: Int?, context: SCIMRequestContext, directory: String) async throws -> String? {
        try await worker.send(DeleteResource(resourceType: type.name, directoryID: directory, id: id, ifMatch: ifMatch), shardKey: directory).name
    }

    func page(_ search: SearchRequest, _ query: ResourceQuery, request: Request, directory: String) async throws -> (total: Int, resources: [JSONValue]) {
        let result = try await worker.send(QueryResources(resourceType: type.name, query: query), shardKey: directory)
        return (result.totalResults, result.resources.map { renderer.resource($0, request: request, projection: search.projection) })
    }

    private func normalize(_ body: [String: JSONValue]) throws(SCIMError) -> [String: JSONValue] {
        try ResourceNormalizer(type).normalizeWithoutSecrets(body)
    }
}
