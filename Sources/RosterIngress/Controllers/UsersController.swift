import Foundation
import Hummingbird
import RosterCrypto
import RosterProtocol
import SCIMCore

/// `/Users` (RFC 7644 §3.2–3.6): validates and normalises in the ingress, applies in the users worker.
struct UsersController {
    let users: any CommandTransport
    /// Answers the read-only `groups` attribute.
    let groups: any CommandTransport
    let configuration: IngressConfiguration
    let passwords: PasswordWork

    var renderer: ResourceRenderer {
        ResourceRenderer(resourceType: "User", endpoint: "Users", core: CoreSchemas.user, extensions: [CoreSchemas.enterpriseUser], configuration: configuration)
    }

    func addRoutes(to group: RouterGroup<SCIMRequestContext>) {
        group.post("Users", use: create)
        group.get("Users", use: list)
        group.post("Users/.search", use: search)
        group.get("Users/:id", use: get)
        group.put("Users/:id", use: replace)
        group.patch("Users/:id", use: patch)
        group.delete("Users/:id", use: delete)
    }

    @Sendable func create(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let directory = try context.requireDirectory()
        let (attributes, passwordHash) = try await readUser(request, context: context)
        let joins = (context.caller?.defaultGroups ?? []) + (context.caller?.applicationGroups ?? [])
        let stored = try await users.send(CreateUser(directoryID: directory, attributes: attributes, passwordHash: passwordHash, joinGroups: joins), shardKey: directory)
        return render(stored, status: .created, request: request, groups: nil)  // a new user is in no group yet
    }

    @Sendable func get(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let directory = try context.requireDirectory()
        let id = try context.parameters.require("id")
        let stored = try await users.send(GetUser(directoryID: directory, id: id), shardKey: directory)
        if let notModified = try renderer.notModified(request, version: stored.version) { return notModified }
        return try await render(stored, status: .ok, request: request, directory: directory)
    }

    @Sendable func replace(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let directory = try context.requireDirectory()
        let id = try context.parameters.require("id")
        let ifMatch = try request.ifMatchVersion()
        let (attributes, passwordHash) = try await readUser(request, context: context)
        let stored = try await users.send(
            ReplaceUser(directoryID: directory, id: id, attributes: attributes, passwordHash: passwordHash, ifMatch: ifMatch), shardKey: directory)
        return try await render(stored, status: .ok, request: request, directory: directory, committed: true)
    }

    /// PATCH (RFC 7644 §3.5.2): validated here, applied by the worker to the stored user.
    /// Answers 200 with the resource, or 204 when the client sent `Prefer: return=minimal`.
    @Sendable func patch(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let directory = try context.requireDirectory()
        let id = try context.parameters.require("id")
        let ifMatch = try request.ifMatchVersion()
        let (operations, password) = try PatchRequest(body: try await request.jsonObject(limit: configuration.maxBodyBytes)).extractingPassword()
        var passwordHash: String?
        if case .set(let clear) = password { passwordHash = try await passwords.hash(clear) }
        let stored = try await users.send(
            PatchUser(directoryID: directory, id: id, operations: operations.wire, passwordHash: passwordHash, clearPassword: password == .remove,
                      ifMatch: ifMatch), shardKey: directory)
        if request.prefersMinimal {
            return Response(status: .noContent, headers: [.eTag: SCIMResponse.etag(version: stored.version)])
        }
        return try await render(stored, status: .ok, request: request, directory: directory, committed: true)
    }

    @Sendable func delete(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let directory = try context.requireDirectory()
        let id = try context.parameters.require("id")
        let ifMatch = try request.ifMatchVersion()
        if context.caller?.deleteMode == .disable {
            // This configuration's rule: DELETE deactivates; the user stays, with `active: false`.
            let deactivate = PatchRequest(operations: [.init(op: .replace, path: "active", value: .bool(false))])
            let stored = try await users.send(PatchUser(directoryID: directory, id: id, operations: deactivate.wire, passwordHash: nil, clearPassword: false, ifMatch: ifMatch),
                                              shardKey: directory)
            context.audit?.subject = stored.attributes["userName"]?.stringValue
        } else {
            // Sent first: an optional-chained assignment would skip its right side when auditing is off.
            let deleted = try await users.send(DeleteUser(directoryID: directory, id: id, ifMatch: ifMatch), shardKey: directory)
            context.audit?.subject = deleted.name
        }
        return Response(status: .noContent)
    }

    @Sendable func list(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        try await run(try renderer.search(request), request: request, context: context)
    }

    /// `POST /Users/.search` and `POST /.search` (RFC 7644 §3.4.3): the query in the body.
    @Sendable func search(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let search = try SearchRequest(body: try await request.jsonObject(limit: configuration.maxBodyBytes))
        return try await run(search, request: request, context: context)
    }

    private func run(_ search: SearchRequest, request: Request, context: SCIMRequestContext) async throws -> Response {
        if let filter = search.filter { _ = try FilterParser().parse(filter) }  // a bad filter fails here, with its detail
        let (startIndex, count) = renderer.page(search)
        let (total, resources) = try await page(search, startIndex: startIndex, count: count, request: request, context: context)
        return SCIMResponse.json(.ok, ListResponse(totalResults: total, startIndex: startIndex, resources: resources).body)
    }

    /// One page of users, rendered.
    func page(_ search: SearchRequest, startIndex: Int, count: Int, request: Request, context: SCIMRequestContext) async throws -> (Int, [JSONValue]) {
        let directory = try context.requireDirectory()
        let result = try await users.send(
            QueryUsers(directoryID: directory, filter: search.filter, startIndex: startIndex, count: count, sortBy: search.sortBy,
                       descending: try SearchRequest.isDescending(search.sortOrder)),
            shardKey: directory)
        let memberships = search.projection.includes("groups") ? try await groupsAttribute(of: result.resources.map(\.id), directory: directory, request: request) : [:]
        return (result.totalResults, result.resources.map {
            renderer.resource($0, request: request, projection: search.projection, extra: memberships[$0.id].map { ["groups": $0] } ?? [:])
        })
    }

    // MARK: - Helpers

    /// Reads, validates and normalises a User body; hashes the password (never stored in clear).
    private func readUser(_ request: Request, context: SCIMRequestContext) async throws -> ([String: JSONValue], String?) {
        let normalized = try ResourceNormalizer.user.normalize(try await request.jsonObject(limit: configuration.maxBodyBytes))
        let passwordHash: String?
        if let password = normalized.writeOnly["password"]?.stringValue {
            passwordHash = try await passwords.hash(password)
        } else {
            passwordHash = nil
        }
        return (normalized.resource, passwordHash)
    }

    func render(_ stored: StoredResource, status: HTTPResponse.Status, request: Request, groups: JSONValue?) -> Response {
        renderer.render(stored, status: status, request: request, extra: groups.map { ["groups": $0] } ?? [:])
    }

    /// Renders a user with its `groups`, read from the groups worker when the response shows them.
    /// After a committed write, a groups worker that is down costs the read-only `groups`, not the
    /// answer: the client must not be told a change failed that was applied.
    func render(_ stored: StoredResource, status: HTTPResponse.Status, request: Request, directory: String, committed: Bool = false) async throws -> Response {
        guard renderer.projection(request).includes("groups") else { return render(stored, status: status, request: request, groups: nil) }
        do {
            let groups = try await groupsAttribute(of: [stored.id], directory: directory, request: request)[stored.id]
            return render(stored, status: status, request: request, groups: groups)
        } catch let error as SCIMError where committed && error.status >= 500 {
            return render(stored, status: status, request: request, groups: nil)
        }
    }

    /// The read-only `groups` attribute (RFC 7643 §4.1.2) of each user: direct memberships only.
    func groupsAttribute(of ids: [String], directory: String, request: Request) async throws -> [String: JSONValue] {
        guard !ids.isEmpty else { return [:] }
        let reply = try await groups.send(GroupsOfMembers(directoryID: directory, memberIDs: ids), shardKey: directory)
        let base = configuration.scimBaseURL(for: request)
        var out: [String: JSONValue] = [:]
        for id in ids {
            let memberships = reply.groups[id.lowercased()] ?? []
            if memberships.isEmpty { continue }  // unassigned: left out (RFC 7643 §2.5)
            out[id] = .array(memberships.map {
                .object(["value": .string($0.groupID), "display": .string($0.displayName), "$ref": .string("\(base)/Groups/\($0.groupID)"), "type": .string("direct")])
            })
        }
        return out
    }
}

extension SCIMRequestContext {
    func requireDirectory() throws(SCIMError) -> String {
        guard let directoryID else { throw SCIMError.unauthorized() }
        return directoryID
    }
}
