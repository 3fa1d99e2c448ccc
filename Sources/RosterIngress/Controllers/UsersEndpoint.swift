import Hummingbird
import RosterProtocol
import SCIMCore

/// `/Users`: users live in the users worker; their read-only `groups` (RFC 7643 §4.1.2) come
/// from the groups worker; passwords are hashed here (never stored or sent in clear); DELETE
/// deactivates instead where the caller's configuration says so.
struct UsersEndpoint: ResourceEndpoint {
    let users: any CommandTransport
    let groups: any CommandTransport
    let configuration: IngressConfiguration
    let passwords: PasswordWork

    var type: ResourceType { .user }
    var renderer: ResourceRenderer { ResourceRenderer(type: .user, configuration: configuration) }

    func create(_ body: [String: JSONValue], request: Request, context: SCIMRequestContext, directory: String) async throws -> Written {
        let (attributes, passwordHash) = try await normalize(body, context)
        let joins = (context.caller?.defaultGroups ?? []) + (context.caller?.applicationGroups ?? [])
        var command = CreateUser(directoryID: directory, attributes: attributes, passwordHash: passwordHash, joinGroups: joins)
        command.extensions = context.extensionsWire(type)
        let stored = try await users.send(command, shardKey: directory)
        return Written(resource: stored)  // a new user is in no group yet
    }

    func get(_ id: String, request: Request, context: SCIMRequestContext, directory: String) async throws -> Response {
        // Both reads need only the id: the groups worker is asked while the users worker answers,
        // so a read waits for the slower hop, not for both in turn (docs/benchmarks.md, issue 19).
        let showsGroups = renderer.projection(request).includes("groups")
        async let memberships: [String: JSONValue] = showsGroups ? groupsAttribute(of: [id], directory: directory, request: request) : [:]
        let stored = try await users.send(GetUser(directoryID: directory, id: id), shardKey: directory)
        if let notModified = try renderer.notModified(request, version: stored.version) { return notModified }
        return renderer(context).render(Written(stored, groups: try await memberships.values.first), status: .ok, request: request)
    }

    func replace(_ id: String, body: [String: JSONValue], ifMatch: Int?, request: Request, context: SCIMRequestContext, directory: String) async throws -> Written {
        let (attributes, passwordHash) = try await normalize(body, context)
        var command = ReplaceUser(directoryID: directory, id: id, attributes: attributes, passwordHash: passwordHash, ifMatch: ifMatch)
        command.extensions = context.extensionsWire(type)
        let stored = try await users.send(command, shardKey: directory)
        return try await withGroups(stored, request: request, directory: directory)
    }

    /// A password change is taken out of the operations and travels hashed.
    func patch(_ id: String, _ operations: PatchRequest, ifMatch: Int?, showsBody: Bool, request: Request, context: SCIMRequestContext, directory: String)
        async throws -> Written
    {
        let (operations, password) = try operations.extractingPassword()
        var passwordHash: String?
        if case .set(let clear) = password { passwordHash = try await passwords.hash(clear) }
        var command = PatchUser(directoryID: directory, id: id, operations: operations.wire, passwordHash: passwordHash, clearPassword: password == .remove,
                                ifMatch: ifMatch)
        command.extensions = context.extensionsWire(type)
        let stored = try await users.send(command, shardKey: directory)
        return showsBody ? try await withGroups(stored, request: request, directory: directory) : Written(resource: stored)
    }

    func delete(_ id: String, ifMatch: Int?, context: SCIMRequestContext, directory: String) async throws -> String? {
        guard context.caller?.deleteMode == .disable else {
            return try await users.send(DeleteUser(directoryID: directory, id: id, ifMatch: ifMatch), shardKey: directory).name
        }
        // This configuration's rule: DELETE deactivates; the user stays, with `active: false`.
        let deactivate = PatchRequest(operations: [.init(op: .replace, path: "active", value: .bool(false))])
        var command = PatchUser(directoryID: directory, id: id, operations: deactivate.wire, passwordHash: nil, clearPassword: false, ifMatch: ifMatch)
        command.extensions = context.extensionsWire(type)
        let stored = try await users.send(command, shardKey: directory)
        return stored.attributes["userName"]?.stringValue
    }

    func page(_ search: SearchRequest, _ query: ResourceQuery, request: Request, directory: String) async throws -> (total: Int, resources: [JSONValue]) {
        let result = try await users.send(QueryUsers(query: query), shardKey: directory)
        let memberships = search.projection.includes("groups") ? try await groupsAttribute(of: result.resources.map(\.id), directory: directory, request: request) : [:]
        return (result.totalResults, result.resources.map {
            renderer.resource($0, request: request, projection: search.projection, extra: memberships[$0.id].map { ["groups": $0] } ?? [:])
        })
    }

    // MARK: - Helpers

    /// Validates and normalises a User body; hashes the password (never stored in clear).
    private func normalize(_ body: [String: JSONValue], _ context: SCIMRequestContext) async throws -> ([String: JSONValue], String?) {
        let normalized = try ResourceNormalizer(context.resourceType(type), undeclared: context.undeclaredExtensions).normalize(body)
        guard let password = normalized.writeOnly["password"]?.stringValue else { return (normalized.resource, nil) }
        return (normalized.resource, try await passwords.hash(password))
    }

    /// A written user with its `groups`, read from the groups worker when the response shows them.
    /// The write is committed: a groups worker that is down costs the read-only `groups`, not the
    /// answer (the client must not be told a change failed that was applied).
    private func withGroups(_ stored: StoredResource, request: Request, directory: String) async throws -> Written {
        guard renderer.projection(request).includes("groups") else { return Written(resource: stored) }
        do {
            return Written(stored, groups: try await groupsAttribute(of: [stored.id], directory: directory, request: request)[stored.id])
        } catch let error as SCIMError where error.status >= 500 {
            return Written(resource: stored)
        }
    }

    /// The read-only `groups` attribute (RFC 7643 §4.1.2) of each user: direct memberships only.
    private func groupsAttribute(of ids: [String], directory: String, request: Request) async throws -> [String: JSONValue] {
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

extension Written {
    /// A user with its read-only `groups`; none (unassigned) leaves the attribute out (RFC 7643 §2.5).
    fileprivate init(_ resource: StoredResource, groups: JSONValue?) {
        self.init(resource: resource, attached: groups.map { ["groups": $0] } ?? [:])
    }
}
