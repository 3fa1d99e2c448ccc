import Hummingbird
import RosterProtocol
import SCIMCore

/// `/Groups` (RFC 7644 §3.2–3.6, RFC 7643 §4.2). Members are checked to be users of the caller's
/// directory before anything is sent to the groups worker; `excludedAttributes=members` (or an
/// `attributes` list without it) never reads the membership rows.
struct GroupsController {
    let groups: any CommandTransport
    let users: any CommandTransport
    let configuration: IngressConfiguration

    var renderer: ResourceRenderer {
        ResourceRenderer(resourceType: "Group", endpoint: "Groups", core: CoreSchemas.group, extensions: [], configuration: configuration)
    }

    func addRoutes(to group: RouterGroup<SCIMRequestContext>) {
        group.post("Groups", use: create)
        group.get("Groups", use: list)
        group.post("Groups/.search", use: search)
        group.get("Groups/:id", use: get)
        group.put("Groups/:id", use: replace)
        group.patch("Groups/:id", use: patch)
        group.delete("Groups/:id", use: delete)
    }

    @Sendable func create(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let directory = try context.requireDirectory()
        let (attributes, members) = try await readGroup(request, directory: directory)
        let stored = try await groups.send(CreateGroup(directoryID: directory, attributes: attributes, members: members), shardKey: directory)
        return render(stored, status: .created, request: request)
    }

    /// A group's members are streamed in pages of `scim.memberPageSize`: a group of 100,000 members is
    /// never held whole in the ingress or the worker. (Once the first bytes are sent the status is
    /// 200; a worker failing mid-stream ends the connection rather than send a wrong body.)
    @Sendable func get(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let directory = try context.requireDirectory()
        let id = try context.parameters.require("id")
        let projection = renderer.projection(request)
        // A projection inside members (`attributes=members.value`) is rendered whole, through the projection.
        let projectsInsideMembers = (request.uri.query ?? "").lowercased().contains("members.")
        let stored = try await groups.send(
            GetGroup(directoryID: directory, id: id, includeMembers: projectsInsideMembers && projection.includes("members")), shardKey: directory)
        if let notModified = try renderer.notModified(request, version: stored.resource.version) { return notModified }
        guard projection.includes("members"), !projectsInsideMembers else { return render(stored, status: .ok, request: request) }
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

    static func memberJSON(_ m: GroupMember, base: String) -> JSONValue {
        var o: [String: JSONValue] = ["value": .string(m.value), "$ref": .string("\(base)/Users/\(m.value)"), "type": .string(m.type ?? "User")]
        if let display = m.display { o["display"] = .string(display) }
        return .object(o)
    }

    @Sendable func replace(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let directory = try context.requireDirectory()
        let id = try context.parameters.require("id")
        let ifMatch = try request.ifMatchVersion()
        let (attributes, members) = try await readGroup(request, directory: directory)
        let stored = try await groups.send(ReplaceGroup(directoryID: directory, id: id, attributes: attributes, members: members, ifMatch: ifMatch), shardKey: directory)
        return render(stored, status: .ok, request: request)
    }

    /// PATCH: validated here (and every member it adds checked), applied by the groups worker.
    @Sendable func patch(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let directory = try context.requireDirectory()
        let id = try context.parameters.require("id")
        let ifMatch = try request.ifMatchVersion()
        let operations = try PatchRequest(body: try await request.jsonObject(limit: configuration.maxBodyBytes))
        try await checkMembers(try Self.addedMembers(operations), directory: directory)
        let includeMembers = !request.prefersMinimal && renderer.projection(request).includes("members")
        let stored = try await groups.send(
            PatchGroup(directoryID: directory, id: id, operations: operations.wire, ifMatch: ifMatch, includeMembers: includeMembers), shardKey: directory)
        if request.prefersMinimal { return Response(status: .noContent, headers: [.eTag: SCIMResponse.etag(version: stored.resource.version)]) }
        return render(stored, status: .ok, request: request)
    }

    @Sendable func delete(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let directory = try context.requireDirectory()
        let id = try context.parameters.require("id")
        // Sent first: an optional-chained assignment would skip its right side when auditing is off.
        let deleted = try await groups.send(DeleteGroup(directoryID: directory, id: id, ifMatch: try request.ifMatchVersion()), shardKey: directory)
        context.audit?.subject = deleted.name
        return Response(status: .noContent)
    }

    @Sendable func list(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        try await run(try renderer.search(request), request: request, context: context)
    }

    @Sendable func search(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let search = try SearchRequest(body: try await request.jsonObject(limit: configuration.maxBodyBytes), core: CoreSchemas.group, extensions: [])
        return try await run(search, request: request, context: context)
    }

    private func run(_ search: SearchRequest, request: Request, context: SCIMRequestContext) async throws -> Response {
        if let filter = search.filter { _ = try FilterParser().parse(filter) }
        let (startIndex, count) = renderer.page(search)
        let (total, resources) = try await page(search, startIndex: startIndex, count: count, request: request, context: context)
        return SCIMResponse.json(.ok, ListResponse(totalResults: total, startIndex: startIndex, resources: resources).body)
    }

    /// One page of groups, rendered.
    func page(_ search: SearchRequest, startIndex: Int, count: Int, request: Request, context: SCIMRequestContext) async throws -> (Int, [JSONValue]) {
        let directory = try context.requireDirectory()
        let result = try await groups.send(
            QueryGroups(directoryID: directory, filter: search.filter, startIndex: startIndex, count: count, sortBy: search.sortBy,
                        descending: try SearchRequest.isDescending(search.sortOrder), includeMembers: search.projection.includes("members")),
            shardKey: directory)
        return (result.totalResults, result.groups.map { renderer.resource($0.resource, request: request, projection: search.projection, extra: members($0, request: request)) })
    }

    // MARK: - Helpers

    /// Reads and normalises a Group body, and checks its members.
    private func readGroup(_ request: Request, directory: String) async throws -> ([String: JSONValue], [GroupMember]) {
        var attributes = try ResourceNormalizer.group.normalize(try await request.jsonObject(limit: configuration.maxBodyBytes)).resource
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

    private func members(_ stored: StoredGroup, request: Request) -> [String: JSONValue] {
        guard let members = stored.members else { return [:] }
        let base = configuration.scimBaseURL(for: request)
        return ["members": .array(members.map { Self.memberJSON($0, base: base) })]
    }

    private func render(_ stored: StoredGroup, status: HTTPResponse.Status, request: Request) -> Response {
        renderer.render(stored.resource, status: status, request: request, extra: members(stored, request: request))
    }
}
