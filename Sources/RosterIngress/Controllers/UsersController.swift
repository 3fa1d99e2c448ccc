import Foundation
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
        group.get("Users/:id", use: get)
        group.put("Users/:id", use: replace)
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

    @Sendable func delete(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let directory = try context.requireDirectory()
        let id = try context.parameters.require("id")
        let ifMatch = try SCIMResponse.version(fromETag: request.headers[.ifMatch])
        _ = try await users.send(DeleteUser(directoryID: directory, id: id, ifMatch: ifMatch), shardKey: directory)
        return Response(status: .noContent)
    }

    @Sendable func list(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let directory = try context.requireDirectory()
        let query = request.uri.queryParameters
        let filter = query["filter"].map(String.init)
        if let filter { _ = try FilterParser().parse(filter) }  // reject a bad filter here, with its detail, before any worker sees it
        let startIndex = max(try Self.integer(query["startIndex"], name: "startIndex") ?? 1, 1)
        let count = min(max(try Self.integer(query["count"], name: "count") ?? configuration.defaultCount, 0), configuration.maxResults)
        let result = try await users.send(QueryUsers(directoryID: directory, filter: filter, startIndex: startIndex, count: count), shardKey: directory)
        let list = ListResponse(totalResults: result.totalResults, startIndex: startIndex, resources: result.resources.map { resource($0, request: request) })
        return SCIMResponse.json(.ok, list.body)
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

    func resource(_ stored: StoredResource, request: Request) -> JSONValue {
        var object = stored.attributes
        object["id"] = .string(stored.id)
        object["meta"] = .object([
            "resourceType": .string("User"),
            "created": .string(stored.created),
            "lastModified": .string(stored.lastModified),
            "location": .string(location(stored.id, request: request)),
            "version": .string(SCIMResponse.etag(version: stored.version)),
        ])
        return .object(object)
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
