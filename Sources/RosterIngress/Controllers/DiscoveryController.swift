import Hummingbird
import SCIMCore

/// `/ServiceProviderConfig`, `/ResourceTypes` and `/Schemas` (RFC 7644 §4), describing what this
/// server really supports. They are read-only: other methods get 405 with a SCIM error.
struct DiscoveryController {
    let configuration: IngressConfiguration
    let resourceTypes: [ResourceType] = [.user]

    var schemas: [Schema] {
        var seen: [Schema] = []
        for type in resourceTypes {
            for schema in [type.schema] + type.extensions where !seen.contains(where: { $0.id == schema.id }) { seen.append(schema) }
        }
        return seen
    }

    func addRoutes(to group: RouterGroup<SCIMRequestContext>) {
        group.get("ServiceProviderConfig") { request, _ in SCIMResponse.json(.ok, serviceProviderConfig(request)) }
        group.get("ResourceTypes") { request, _ in
            let all = resourceTypes.map { $0.representation(location: location(request, "ResourceTypes", $0.name)) }
            return SCIMResponse.json(.ok, ListResponse(totalResults: all.count, startIndex: 1, resources: all).body)
        }
        group.get("ResourceTypes/:id") { request, context in
            let id = try context.parameters.require("id")
            guard let type = resourceTypes.first(where: { $0.name == id }) else { throw SCIMError.notFound("No resource type '\(id)'.") }
            return SCIMResponse.json(.ok, type.representation(location: location(request, "ResourceTypes", type.name)))
        }
        group.get("Schemas") { request, _ in
            let all = schemas.map { $0.representation(location: location(request, "Schemas", $0.id)) }
            return SCIMResponse.json(.ok, ListResponse(totalResults: all.count, startIndex: 1, resources: all).body)
        }
        group.get("Schemas/:id") { request, context in
            let id = try context.parameters.require("id")
            guard let schema = schemas.first(where: { $0.id == id }) else { throw SCIMError.notFound("No schema '\(id)'.") }
            return SCIMResponse.json(.ok, schema.representation(location: location(request, "Schemas", schema.id)))
        }
        for path in ["ServiceProviderConfig", "ResourceTypes", "ResourceTypes/:id", "Schemas", "Schemas/:id"] {
            for method in [HTTPRequest.Method.post, .put, .patch, .delete] {
                group.on(RouterPath(path), method: method) { request, _ -> Response in
                    throw SCIMError.methodNotAllowed("\(request.method) is not allowed on /\(path.split(separator: "/")[0]): it is read-only.")
                }
            }
        }
    }

    private func location(_ request: Request, _ endpoint: String, _ id: String) -> String {
        "\(configuration.scimBaseURL(for: request))/\(endpoint)/\(id)"
    }

    func serviceProviderConfig(_ request: Request) -> JSONValue {
        .object([
            "schemas": .array([.string("urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig")]),
            "documentationUri": .string("https://github.com/roster-scim/roster#readme"),
            "patch": .object(["supported": .bool(true)]),
            "bulk": .object(["supported": .bool(false), "maxOperations": .int(0), "maxPayloadSize": .int(0)]),
            "filter": .object(["supported": .bool(true), "maxResults": .int(Int64(configuration.maxResults))]),
            "changePassword": .object(["supported": .bool(true)]),
            "sort": .object(["supported": .bool(true)]),
            "etag": .object(["supported": .bool(true)]),
            "authenticationSchemes": .array([.object([
                "type": .string("oauthbearertoken"), "name": .string("Bearer token"), "primary": .bool(true),
                "description": .string("A configuration's bearer token in 'Authorization: Bearer <token>'."),
            ])]),
            "meta": .object([
                "resourceType": .string("ServiceProviderConfig"),
                "location": .string("\(configuration.scimBaseURL(for: request))/ServiceProviderConfig"),
            ]),
        ])
    }
}
