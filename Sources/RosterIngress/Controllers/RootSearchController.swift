import Hummingbird
import SCIMCore

/// `POST /.search` (RFC 7644 §3.4.3): one query over every resource type, users first, then groups.
/// A filter naming an attribute that one type lacks matches nothing of that type.
struct RootSearchController {
    let users: UsersController
    let groups: GroupsController
    let configuration: IngressConfiguration

    func addRoutes(to group: RouterGroup<SCIMRequestContext>) {
        group.post(".search", use: search)
    }

    @Sendable func search(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let body = try await request.jsonObject(limit: configuration.maxBodyBytes)
        let userSearch = try SearchRequest(body: body, core: CoreSchemas.user, extensions: [CoreSchemas.enterpriseUser])
        var groupSearch = userSearch
        groupSearch.projection = Projection(attributes: userSearch.attributes, excludedAttributes: userSearch.excludedAttributes, core: CoreSchemas.group, extensions: [])
        if let filter = userSearch.filter { _ = try FilterParser().parse(filter) }
        let (startIndex, count) = users.renderer.page(userSearch)

        let userPage = try await Self.unlessFilterDoesNotApply {
            try await users.page(userSearch, startIndex: startIndex, count: count, request: request, context: context)
        }
        let userTotal = userPage?.0 ?? 0
        let remaining = count - (userPage?.1.count ?? 0)
        let groupStart = max(1, startIndex - userTotal)
        let groupPage = try await Self.unlessFilterDoesNotApply {
            try await groups.page(groupSearch, startIndex: groupStart, count: remaining, request: request, context: context)
        }
        if userPage == nil, groupPage == nil {
            // Neither type accepts the filter: say why, as the users query would.
            _ = try await users.page(userSearch, startIndex: startIndex, count: count, request: request, context: context)
        }
        let resources = (userPage?.1 ?? []) + (groupPage?.1 ?? [])
        return SCIMResponse.json(.ok, ListResponse(totalResults: userTotal + (groupPage?.0 ?? 0), startIndex: startIndex, resources: resources).body)
    }

    /// The page, or nil when the filter names an attribute this type does not have; any other error (an outage) propagates.
    private static func unlessFilterDoesNotApply(_ body: () async throws -> (Int, [JSONValue])) async throws -> (Int, [JSONValue])? {
        do {
            return try await body()
        } catch let error as SCIMError where error.scimType == .invalidFilter {
            return nil
        }
    }
}
