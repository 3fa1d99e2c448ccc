import Foundation
import HTTPTypes
import Hummingbird
import RosterCrypto
import RosterProtocol
import SCIMCore

/// `/Users` (RFC 7644 §3.2–3.6): validates and normalises in the ingress, applies in the users worker.
struct UsersController {
    let users: any CommandTransport
    let configuration: IngressConfiguration
    let hasher: PasswordHasher

    func addRoutes(to group: RouterGroup<SCIMRequestContext>) {
        group.post("Users", use: create)
        group.get("Users", use: list)
        group.post("Users/.search", use: search)
        group.post(".search", use: search)
        group.get("Users/:id", use: get)
        group.put("Users/:id", use: replace)
        group.patch("Users/:id", use: patch)
        group.delete("Users/:id", use: delete)
    }

    @Sendable func create(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let directory = try context.requireDirectory()
        let (attributes, passwordHash) = try await readUser(request, context: context)
        let stored = try await users.send(CreateUser(directoryID: directory, attributes: attributes, passwordHash: passwordHash), shardKey: directory)
        return render(stored, status: .created, request: request)
    }

    @Sendable func get(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let directory = try context.requireDirectory()
        let id = try context.parameters.require("id")
        let stored = try await users.send(GetUser(directoryID: directory, id: id), shardKey: directory)
        if let seen = try SCIMResponse.version(fromETag: request.headers[.ifNoneMatch]), seen == stored.version {
            return Response(status: .notModified, headers: [.eTag: SCIMResponse.etag(version: stored.version)])
        }
        return render(stored, status: .ok, request: request)
    }

    @Sendable func replace(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let directory = try context.requireDirectory()
        let id = try context.parameters.require("id")
        let ifMatch = try SCIMResponse.version(fromETag: request.headers[.ifMatch])
        let (attributes, passwordHash) = try await readUser(request, context: context)
        let stored = try await users.send(
            ReplaceUser(directoryID: directory, id: id, attributes: attributes, passwordHash: passwordHash, ifMatch: ifMatch), shardKey: directory)
        return render(stored, status: .ok, request: request)
    }

    /// PATCH (RFC 7644 §3.5.2): validated here, applied by the worker to the stored user.
    /// Answers 200 with the resource, or 204 when the client sent `Prefer: return=minimal`.
    @Sendable func patch(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let directory = try context.requireDirectory()
        let id = try context.parameters.require("id")
        let ifMatch = try SCIMResponse.version(fromETag: request.headers[.ifMatch])
        let buffer = try await request.body.collect(upTo: configuration.maxBodyBytes)
        let (operations, password) = try PatchRequest(body: try JSONValue.parseObject(Data(buffer.readableBytesView))).extractingPassword()
        var passwordHash: String?
        if case .set(let clear) = password { passwordHash = hasher.hash(clear) }
        let stored = try await users.send(
            PatchUser(directoryID: directory, id: id, operations: operations.wire, passwordHash: passwordHash, clearPassword: password == .remove,
                      ifMatch: ifMatch), shardKey: directory)
        if request.headers[HTTPField.Name("Prefer")!]?.lowercased().contains("return=minimal") == true {
            return Response(status: .noContent, headers: [.eTag: SCIMResponse.etag(version: stored.version)])
        }
        return render(stored, status: .ok, request: request)
    }

    @Sendable func delete(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let directory = try context.requireDirectory()
        let id = try context.parameters.require("id")
        let ifMatch = try SCIMResponse.version(fromETag: request.headers[.ifMatch])
        _ = try await users.send(DeleteUser(directoryID: directory, id: id, ifMatch: ifMatch), shardKey: directory)
        return Response(status: .noContent)
    }

    @Sendable func list(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let search = SearchRequest(
            filter: query["filter"].map(String.init), startIndex: try Self.integer(query["startIndex"], name: "startIndex"),
            count: try Self.integer(query["count"], name: "count"), sortBy: query["sortBy"].map(String.init),
            sortOrder: query["sortOrder"].map(String.init), projection: Self.projection(request))
        return try await run(search, request: request, context: context)
    }

    /// `POST /Users/.search` and `POST /.search` (RFC 7644 §3.4.3): the query in the body.
    @Sendable func search(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let buffer = try await request.body.collect(upTo: configuration.maxBodyBytes)
        let search = try SearchRequest(body: try JSONValue.parseObject(Data(buffer.readableBytesView)))
        return try await run(search, request: request, context: context)
    }

    private func run(_ search: SearchRequest, request: Request, context: SCIMRequestContext) async throws -> Response {
        let directory = try context.requireDirectory()
        if let filter = search.filter { _ = try FilterParser().parse(filter) }  // a bad filter fails here, with its detail
        let startIndex = max(search.startIndex ?? 1, 1)
        let count = min(max(search.count ?? configuration.defaultCount, 0), configuration.maxResults)
        let descending = try SearchRequest.isDescending(search.sortOrder)
        let result = try await users.send(
            QueryUsers(directoryID: directory, filter: search.filter, startIndex: startIndex, count: count, sortBy: search.sortBy, descending: descending),
            shardKey: directory)
        let resources = result.resources.map { resource($0, request: request, projection: search.projection) }
        return SCIMResponse.json(.ok, ListResponse(totalResults: result.totalResults, startIndex: startIndex, resources: resources).body)
    }

    // MARK: - Helpers

    static func integer(_ value: Substring?, name: String) throws(SCIMError) -> Int? {
        guard let value else { return nil }
        guard let n = Int(value) else { throw SCIMError.invalidValue("'\(name)' must be an integer, not '\(value)'.") }
        return n
    }

    /// Reads, validates and normalises a User body; hashes the password (never stored in clear).
    private func readUser(_ request: Request, context: SCIMRequestContext) async throws -> ([String: JSONValue], String?) {
        let buffer = try await request.body.collect(upTo: configuration.maxBodyBytes)
        let body = try JSONValue.parseObject(Data(buffer.readableBytesView))
        let normalized = try ResourceNormalizer.user.normalize(body)
        let passwordHash: String?
        if let password = normalized.writeOnly["password"]?.stringValue {
            passwordHash = hasher.hash(password)
        } else {
            passwordHash = nil
        }
        return (normalized.resource, passwordHash)
    }

    func location(_ id: String, request: Request) -> String {
        "\(configuration.scimBaseURL(for: request))/Users/\(id)"
    }

    func resource(_ stored: StoredResource, request: Request, projection: Projection? = nil) -> JSONValue {
        let projection = projection ?? Self.projection(request)
        var object = stored.attributes
        object["id"] = .string(stored.id)
        object["meta"] = .object([
            "resourceType": .string("User"),
            "created": .string(stored.created),
            "lastModified": .string(stored.lastModified),
            "location": .string(location(stored.id, request: request)),
            "version": .string(SCIMResponse.etag(version: stored.version)),
        ])
        return .object(projection.apply(object))
    }

    static func projection(_ request: Request) -> Projection {
        let query = request.uri.queryParameters
        return Projection(attributes: query["attributes"].map(String.init), excludedAttributes: query["excludedAttributes"].map(String.init))
    }

    func render(_ stored: StoredResource, status: HTTPResponse.Status, request: Request) -> Response {
        SCIMResponse.json(status, resource(stored, request: request), headers: [
            .eTag: SCIMResponse.etag(version: stored.version),
            .location: location(stored.id, request: request),
        ])
    }
}

extension SCIMRequestContext {
    func requireDirectory() throws(SCIMError) -> String {
        guard let directoryID else { throw SCIMError.unauthorized() }
        return directoryID
    }
}
