import Hummingbird
import SCIMCore

/// `/ServiceProviderConfig`, `/ResourceTypes` and `/Schemas` (RFC 7644 §4), describing what this
/// server really supports. They are read-only: other methods get 405 with a SCIM error.
struct DiscoveryController {
    let configuration: IngressConfiguration
    let resourceTypes: [ResourceType]
    let credentials: CredentialStore

    /// Where the IdP guides are (`documentationUri`).
    static let documentation = "https://github.com/roster-scim/roster/tree/main/docs/integrations"

    /// The schemes a directory's configurations sign in with: the bearer token always, HTTP Basic
    /// when one of them uses it (RFC 7643 §5: what the client may use, no more).
    static func authenticationSchemes(basic: Bool) -> [JSONValue] {
        var schemes: [JSONValue] = [.object([
            "type": .string("oauthbearertoken"), "name": .string("Bearer token"), "primary": .bool(true),
            "description": .string("A configuration's bearer token in 'Authorization: Bearer <token>'."),
            "specUri": .string("https://www.rfc-editor.org/info/rfc6750"), "documentationUri": .string(documentation),
        ])]
        if basic {
            schemes.append(.object([
                "type": .string("httpbasic"), "name": .string("HTTP Basic"), "primary": .bool(false),
                "description": .string("A configuration's username and password in 'Authorization: Basic …'."),
                "specUri": .string("https://www.rfc-editor.org/info/rfc7617"), "documentationUri": .string(documentation),
            ]))
        }
        return schemes
    }

    /// The schemas of `types`, each once, in their order.
    static func schemas(_ types: [ResourceType]) -> [Schema] {
        var seen: [Schema] = []
        for type in types {
            for schema in type.schemas where !seen.contains(where: { $0.id == schema.id }) { seen.append(schema) }
        }
        return seen
    }

    func addRoutes(to group: RouterGroup<SCIMRequestContext>) {
        group.get("ServiceProviderConfig") { request, context in
            SCIMResponse.json(.ok, serviceProviderConfig(request, basic: context.directoryID.map(credentials.usesBasic) ?? false))
        }
        // The caller's directory's declared extensions are listed with the built-in ones.
        let types = resourceTypes
        addCollection(to: group, "ResourceTypes", what: "resource type", { context in types.map(context.resourceType) }, id: \.name) { $0.representation(location: $1) }
        addCollection(to: group, "Schemas", what: "schema", { context in Self.schemas(types.map(context.resourceType)) }, id: \.id) { $0.representation(location: $1) }
        Self.refuseWrites(on: group, ["ServiceProviderConfig", "ResourceTypes", "ResourceTypes/:id", "Schemas", "Schemas/:id"])
    }

    /// Discovery is read-only: every write method on `paths` gets 405 with a SCIM error.
    static func refuseWrites(on group: RouterGroup<SCIMRequestContext>, _ paths: [String]) {
        for path in paths {
            for method in [HTTPRequest.Method.post, .put, .patch, .delete] {
                group.on(RouterPath(path), method: method) { request, _ -> Response in
                    throw SCIMError.methodNotAllowed("\(request.method) is not allowed on /\(path.split(separator: "/")[0]): it is read-only.")
                }
            }
        }
    }

    /// `GET /<endpoint>` as a ListResponse and `GET /<endpoint>/<id>`.
    private func addCollection<Item: Sendable>(
        to group: RouterGroup<SCIMRequestContext>, _ endpoint: String, what: String, _ items: @escaping @Sendable (SCIMRequestContext) -> [Item],
        id: @escaping @Sendable (Item) -> String, render: @escaping @Sendable (Item, String) -> JSONValue
    ) {
        group.get(RouterPath(endpoint)) { request, context in
            let all = items(context).map { render($0, location(request, endpoint, id($0))) }
            return SCIMResponse.json(.ok, ListResponse(totalResults: all.count, startIndex: 1, resources: all).body)
        }
        group.get(RouterPath("\(endpoint)/:id")) { request, context in
            let wanted = try context.parameters.require("id")
            guard let item = items(context).first(where: { id($0).lowercased() == wanted.lowercased() }) else { throw SCIMError.notFound("No \(what) '\(wanted)'.") }
            return SCIMResponse.json(.ok, render(item, location(request, endpoint, wanted)))
        }
    }

    private func location(_ request: Request, _ endpoint: String, _ id: String) -> String {
        "\(configuration.scimBaseURL(for: request))/\(endpoint)/\(id)"
    }

    /// What this server supports, the same in SCIM 2.0 and 1.1 discovery.
    static func capabilities(maxResults: Int) -> [String: JSONValue] {
        [
            "patch": .object(["supported": .bool(true)]),
            "bulk": .object(["supported": .bool(false), "maxOperations": .int(0), "maxPayloadSize": .int(0)]),
            "filter": .object(["supported": .bool(true), "maxResults": .int(Int64(maxResults))]),
            "changePassword": .object(["supported": .bool(true)]),
            "sort": .object(["supported": .bool(true)]),
            "etag": .object(["supported": .bool(true)]),
        ]
    }

    func serviceProviderConfig(_ request: Request, basic: Bool) -> JSONValue {
        .object(Self.capabilities(maxResults: configuration.maxResults).merging([
            "schemas": .array([.string("urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig")]),
            "documentationUri": .string(Self.documentation),
            "authenticationSchemes": .array(Self.authenticationSchemes(basic: basic)),
            "meta": .object([
                "resourceType": .string("ServiceProviderConfig"),
                "location": .string("\(configuration.scimBaseURL(for: request))/ServiceProviderConfig"),
            ]),
        ]) { _, mine in mine })
    }
}
