import Hummingbird
import RosterProtocol
import SCIMCore

/// `/Groups` (RFC 7643 §4.2): members are rows in the groups worker, checked to be users of the
/// caller's directory before anything is sent; `excludedAttributes=members` (or an `attributes`
/// list without it) never reads the membership rows.
struct GroupsEndpoint: ResourceEndpoint {
    let groups: any CommandTransport
    let users: any CommandTransport
    let configuration: IngressConfiguration

    var type: ResourceType { .group }
    var renderer: ResourceRenderer { ResourceRenderer(type: .group, configuration: configuration) }

    func create(_ body: [String: JSONValue], request: Request, context: SCIMRequestContext, directory: String) async throws -> Written {
        let (attributes, members) = try await normalize(body, directory: directory, context: context)
        var command = CreateGroup(directoryID: directory, attributes: attributes, members: members)
        command.extensions = context.extensionsWire(type)
        return written(try await groups.send(command, shardKey: directory), request: request)
    }

    /// A group's members are streamed in pages of `scim.memberPageSize`: a group of 100,000 members is
    /// never held whole in the ingress or the worker. (Once the first bytes are sent the status is
    /// 200; a worker failing mid-stream ends the connection rather than send a wrong body.)
    func get(_ id: String, request: Request, context: SCIMRequestContext, directory: String) async throws -> Response {
        let renderer = renderer(context)
        let projection = renderer.projection(request)
        // A projection inside members (`attributes=members.value`) is rendered whole, through the projection.
        let projectsInsideMembers = (request.uri.query ?? "").lowercased().contains("members.")
        let stored = try await groups.send(
            GetGroup(directoryID: directory, id: id, includeMembers: projectsInsideMembers && projection.includes("members")), shardKey: directory)
        if let notModified = try renderer.notModified(request, version: stored.resource.version) { return notModified }
        guard projection.includes("members"), !projectsInsideMembers else { return renderer.render(written(stored, request: request), status: .ok, request: request) }
        var opening = renderer.resource(stored.resource, request: request, projection: projection).serialized()
        opening.removeLast()  // the closing brace: members follow
        opening.append(contentsOf: Array(#","members":["#.utf8))
        let head = opening
        let base = configuration.scimBaseURL(for: request)
        let groups = self.groups
        let pageSize = configuration.memberPageSize
        let body = ResponseBody { writer in
            try await writer.write(ByteBuffer(bytes: head))
            var after: String?
            var first = true
            while true {
                let page = try await groups.send(GroupMembersPage(directoryID: directory, groupID: id, after: after, limit: pageSize), shardKey: directory)
                var chunk: [UInt8] = []
                for member in page.members {
                    if !first { chunk.append(UInt8(ascii: ",")) }
                    first = false
                    chunk.append(contentsOf: Self.memberJSON(member, base: base).serialized())
                }
                if !chunk.isEmpty { try await writer.write(ByteBuffer(bytes: chunk)) }
                guard page.members.count == pageSize, let last = page.members.last else { break }
                after = last.value
            }
            try await writer.write(ByteBuffer(bytes: Array("]}".utf8)))
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [
            .contentType: SCIMResponse.contentType, .eTag: SCIMResponse.etag(version: stored.resource.version),
            .location: renderer.location(stored.resource.id, request: request),
        ], body: body)
    }

    func replace(_ id: String, body: [String: JSONValue], ifMatch: Int?, request: Request, context: SCIMRequestContext, directory: String) async throws -> Written {
        let (attributes, members) = try await normalize(body, directory: directory, context: context)
        var command = ReplaceGroup(directoryID: directory, id: id, attributes: attributes, members: members, ifMatch: ifMatch)
        command.extensions = context.extensionsWire(type)
        let stored = try await groups.send(command, shardKey: directory)
        return written(stored, request: request)
    }

    /// Every member the PATCH adds is checked first; the groups worker applies it.
    func patch(_ id: String, _ operations: PatchRequest, ifMatch: Int?, showsBody: Bool, request: Request, context: SCIMRequestContext, directory: String)
        async throws -> Written
    {
        try await checkMembers(try Self.addedMembers(operations), directory: directory)
        let includeMembers = showsBody && renderer.projection(request).includes("members")
        var command = PatchGroup(directoryID: directory, id: id, operations: operations.wire, ifMatch: ifMatch, includeMembers: includeMembers)
        command.extensions = context.extensionsWire(type)
        let stored = try await groups.send(command, shardKey: directory)
        return written(stored, request: request)
    }

    /// Every operation is on `members` (by path, or a path-less value holding only members).
    func answersPatchMinimally(_ operations: PatchRequest) -> Bool {
        !operations.operations.isEmpty && operations.operations.allSatisfy { operation in
            if let path = operation.path { return path.lowercased().hasPrefix("members") }
            return operation.value?.objectValue.map { $0.keys.allSatisfy { $0.lowercased() == "members" } } ?? false
        }
    }

    func delete(_ id: String, ifMatch: Int?, context: SCIMRequestContext, directory: String) async throws -> String? {
        try await groups.send(DeleteGroup(directoryID: directory, id: id, ifMatch: ifMatch), shardKey: directory).name
    }

    func page(_ search: SearchRequest, _ query: ResourceQuery, request: Request, directory: String) async throws -> (total: Int, resources: [JSONValue]) {
        let result = try await groups.send(QueryGroups(query: query, includeMembers: search.projection.includes("members")), shardKey: directory)
        return (result.totalResults, result.groups.map {
            renderer.resource($0.resource, request: request, projection: search.projection, extra: written($0, request: request).attached)
        })
    }

    // MARK: - Helpers

    static func memberJSON(_ m: GroupMember, base: String) -> JSONValue {
        var o: [String: JSONValue] = ["value": .string(m.value), "$ref": .string("\(base)/Users/\(m.value)"), "type": .string(m.type ?? "User")]
        if let display = m.display { o["display"] = .string(display) }
        return .object(o)
    }

    /// Validates and normalises a Group body, and checks its members.
    private func normalize(_ body: [String: JSONValue], directory: String, context: SCIMRequestContext) async throws -> ([String: JSONValue], [GroupMember]) {
        var attributes = try ResourceNormalizer(context.resourceType(type), undeclared: context.undeclaredExtensions).normalize(body).resource
        let members = try (attributes.removeValue(forKey: "members")?.arrayValue ?? []).map { element throws(SCIMError) in try GroupMember(element: element) }
        try await checkMembers(members, directory: directory)
        return (attributes, members)
    }

    /// Every member must be a user of the directory: an unknown id is a 400 naming it, and nothing is applied.
    private func checkMembers(_ members: [GroupMember], directory: String) async throws {
        let ids = Array(Set(members.map { $0.value.lowercased() }))
        guard !ids.isEmpty else { return }
        let missing = try await users.send(MissingUsers(directoryID: directory, ids: ids), shardKey: directory).missing
        if !missing.isEmpty {
            throw SCIMError.invalidValue("No user with id \(missing.sorted().map { "'\($0)'" }.joined(separator: ", ")) in this directory; nothing was changed.")
        }
    }

    /// The members a PATCH adds or sets: `members` paths and path-less values with a `members` key.
    static func addedMembers(_ request: PatchRequest) throws(SCIMError) -> [GroupMember] {
        var added: [GroupMember] = []
        for operation in request.operations where operation.op != .remove {
            var value: JSONValue?
            if let path = operation.path {
                if path.lowercased() == "members" { value = operation.value }
            } else {
                value = operation.value?.objectValue?[caseInsensitive: "members"]
            }
            guard let value else { continue }
            for element in value.arrayValue ?? [value] where !element.isNull { added.append(try GroupMember(element: element)) }
        }
        return added
    }

    /// The stored group with its members, when they were read.
    private func written(_ stored: StoredGroup, request: Request) -> Written {
        guard let members = stored.members else { return Written(resource: stored.resource) }
        let base = configuration.scimBaseURL(for: request)
        return Written(resource: stored.resource, attached: ["members": .array(members.map { Self.memberJSON($0, base: base) })])
    }
}
