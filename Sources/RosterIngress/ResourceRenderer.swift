import Hummingbird
import RosterProtocol
import SCIMCore

/// Renders stored resources of one type: `id`, `meta`, `Location` and `ETag`, and the projection
/// the client asked for.
struct ResourceRenderer: Sendable {
    let type: ResourceType
    let configuration: IngressConfiguration

    func location(_ id: String, request: Request) -> String {
        locationPrefix(request) + id
    }

    /// `https://…/scim/v2/Users/`: every `meta.location` of this type starts with it.
    func locationPrefix(_ request: Request) -> String {
        "\(configuration.scimBaseURL(for: request))/\(type.endpoint)/"
    }

    /// `attributes` / `excludedAttributes` from the query string.
    func projection(_ request: Request) -> Projection {
        let query = request.scimQuery
        return Projection(attributes: query["attributes"], excludedAttributes: query["excludedAttributes"], type: type)
    }

    /// A query from the URL of a `GET` on the collection.
    func search(_ request: Request) throws(SCIMError) -> SearchRequest {
        let query = request.scimQuery
        return SearchRequest(
            filter: query["filter"], startIndex: try Self.integer(query["startIndex"], name: "startIndex"),
            count: try Self.integer(query["count"], name: "count"), sortBy: query["sortBy"],
            sortOrder: query["sortOrder"], projection: projection(request),
            attributes: query["attributes"], excludedAttributes: query["excludedAttributes"])
    }

    static func integer(_ value: String?, name: String) throws(SCIMError) -> Int? {
        guard let value else { return nil }
        guard let n = Int(value) else { throw SCIMError.invalidValue("'\(name)' must be an integer, not '\(value)'.") }
        return n
    }

    func resource(_ stored: StoredResource, request: Request, projection: Projection, extra: [String: JSONValue] = [:]) -> JSONValue {
        var object = stored.attributes
        for (k, v) in extra { object[k] = v }
        object["id"] = .string(stored.id)
        var meta: [String: JSONValue] = [
            "resourceType": .string(type.name),
            "created": .string(stored.created),
            "lastModified": .string(stored.lastModified),
            "location": .string(location(stored.id, request: request)),
            "version": .string(SCIMResponse.etag(version: stored.version)),
        ]
        // The last sign-in, only for a directory that shows it, and only once one was reported.
        if LastLoginVisibility.current, let lastLogin = stored.lastLogin {
            meta["lastLogin"] = .string(lastLogin)
            object[CoreSchemas.lastLoginURN] = .object(["lastLogin": .string(lastLogin)])
            if case .array(let schemas)? = object["schemas"], !schemas.contains(.string(CoreSchemas.lastLoginURN)) {
                object["schemas"] = .array(schemas + [.string(CoreSchemas.lastLoginURN)])
            }
        }
        object["meta"] = .object(meta)
        return .object(projection.apply(object))
    }

    func render(_ stored: StoredResource, status: HTTPResponse.Status, request: Request, extra: [String: JSONValue] = [:]) -> Response {
        SCIMResponse.json(status, resource(stored, request: request, projection: projection(request), extra: extra), headers: [
            .eTag: SCIMResponse.etag(version: stored.version),
            .location: location(stored.id, request: request),
        ])
    }

    func render(_ written: Written, status: HTTPResponse.Status, request: Request) -> Response {
        render(written.resource, status: status, request: request, extra: written.attached)
    }

    /// The worker's form of a query: the effective page, the sort order, and the location prefix.
    func query(_ search: SearchRequest, startIndex: Int, count: Int, request: Request, directory: String) throws(SCIMError) -> ResourceQuery {
        ResourceQuery(directoryID: directory, filter: search.filter, startIndex: startIndex, count: count, sortBy: search.sortBy,
                      descending: try SearchRequest.isDescending(search.sortOrder), locationPrefix: locationPrefix(request))
    }

    /// 304 when `If-None-Match` names the current version.
    func notModified(_ request: Request, version: Int) throws(SCIMError) -> Response? {
        guard let seen = try SCIMResponse.version(fromETag: request.headers[.ifNoneMatch]), seen == version else { return nil }
        return Response(status: .notModified, headers: [.eTag: SCIMResponse.etag(version: version)])
    }

    /// The effective start and page size of a query.
    func page(_ search: SearchRequest) -> (startIndex: Int, count: Int) {
        (max(search.startIndex ?? 1, 1), min(max(search.count ?? configuration.defaultCount, 0), configuration.maxResults))
    }
}
