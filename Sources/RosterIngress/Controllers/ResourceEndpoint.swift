import Hummingbird
import RosterProtocol
import SCIMCore

/// A write's result as the controller renders it: the stored resource, and the attributes that
/// live outside its store (a user's `groups`, a group's `members`), when the answer shows them.
struct Written: Sendable {
    var resource: StoredResource
    var attached: [String: JSONValue] = [:]
}

/// What one resource type does at the ingress beyond what ``ResourceController`` does for every
/// type (routes, bodies, `If-Match`, `Prefer`, filters, paging, list responses, audit names):
/// the commands it sends, and the attributes it attaches from elsewhere.
protocol ResourceEndpoint: Sendable {
    var type: ResourceType { get }
    var renderer: ResourceRenderer { get }

    func create(_ body: [String: JSONValue], request: Request, context: SCIMRequestContext, directory: String) async throws -> Written
    /// The whole answer: a type may stream (a group's members) or answer 304.
    func get(_ id: String, request: Request, context: SCIMRequestContext, directory: String) async throws -> Response
    func replace(_ id: String, body: [String: JSONValue], ifMatch: Int?, request: Request, context: SCIMRequestContext, directory: String) async throws -> Written
    /// `showsBody`: false for `Prefer: return=minimal`, so nothing is read only to be dropped.
    func patch(_ id: String, _ operations: PatchRequest, ifMatch: Int?, showsBody: Bool, request: Request, context: SCIMRequestContext, directory: String)
        async throws -> Written
    /// Whether a PATCH answers 204 unless the client asks for the resource: a group's membership
    /// changes, whose answer would otherwise grow with the group (Entra and Okta expect 204).
    func answersPatchMinimally(_ operations: PatchRequest) -> Bool
    /// The name of what was removed (userName, displayName), for the audit log.
    func delete(_ id: String, ifMatch: Int?, context: SCIMRequestContext, directory: String) async throws -> String?
    /// One page, rendered with the search's projection.
    func page(_ search: SearchRequest, _ query: ResourceQuery, request: Request, directory: String) async throws -> (total: Int, resources: [JSONValue])
}

extension ResourceEndpoint {
    func answersPatchMinimally(_ operations: PatchRequest) -> Bool { false }

    /// The renderer of this type with the caller's declared extensions: projections
    /// (`attributes=urn:…:tag`) and `returned` apply to them too.
    func renderer(_ context: SCIMRequestContext) -> ResourceRenderer {
        let declared = context.resourceType(type)
        return declared.extensions.count == type.extensions.count ? renderer : ResourceRenderer(type: declared, configuration: renderer.configuration)
    }
}
