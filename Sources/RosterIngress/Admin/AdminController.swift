import Foundation
import Hummingbird
import RosterCrypto
import RosterProtocol
import SCIMCore

/// The admin API (`/admin/api/v1`): configurations and directories, behind the admin credential.
/// JSON in, JSON out; errors use the SCIM error body. Secrets are returned once, when generated.
struct AdminController {
    let sync: any CommandTransport
    let configuration: IngressConfiguration
    let passwords: PasswordWork
    /// The users workers, for the sign-ins applications report.
    var users: (any CommandTransport)?

    func addRoutes(to group: RouterGroup<SCIMRequestContext>) {
        group.get("configurations") { request, _ in
            let all = try await sync.send(ListConfigurations(), shardKey: "").configurations
            let directories = try await directoryNames()
            return SCIMResponse.json(.ok, .object(["configurations": .array(all.map { view($0, request: request, directories: directories) })]))
        }
        group.post("configurations") { request, _ in try await create(request) }
        group.get("configurations/:id") { request, context in
            SCIMResponse.json(.ok, try await view(try await find(context.parameters.require("id")), request: request))
        }
        group.patch("configurations/:id") { request, context in try await update(request, id: try context.parameters.require("id")) }
        group.post("configurations/:id/rotate") { request, context in try await rotate(request, id: try context.parameters.require("id")) }
        group.post("configurations/:id/disable") { request, context in
            var c = try await find(try context.parameters.require("id"))
            c.enabled = false
            return SCIMResponse.json(.ok, try await view(try await save(c, ifMatch: c.version), request: request))
        }
        group.delete("configurations/:id") { _, context in
            let c = try await find(try context.parameters.require("id"))
            _ = try await sync.send(DeleteConfiguration(id: c.id), shardKey: "")
            return Response(status: .noContent)
        }
        group.get("directories") { _, _ in
            let all = try await sync.send(ListDirectories(), shardKey: "").directories
            return SCIMResponse.json(.ok, .object(["directories": .array(all.map(view))]))
        }
        group.post("directories") { request, _ in
            let body = try await request.jsonObject(limit: configuration.maxBodyBytes)
            guard let name = body["name"]?.stringValue else { throw SCIMError.invalidValue("'name' is required.") }
            return SCIMResponse.json(.created, view(try await sync.send(CreateDirectory(name: name), shardKey: "")))
        }
        addSchemaRoutes(to: group)
        addJobRoutes(to: group)
        addLastLoginRoutes(to: group)
        addImportRoutes(to: group)
        addLogLevelRoutes(to: group)
        addFeedRoutes(to: group)
        addAppRoutes(to: group)
        group.get("openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: AdminOpenAPI.document)))
        }
    }

    /// By id or by name.
    func find(_ key: String) async throws -> IdPConfiguration {
        let all = try await sync.send(ListConfigurations(), shardKey: "").configurations
        guard let c = all.first(where: { $0.id == key || $0.name.lowercased() == key.lowercased() }) else {
            throw SCIMError.notFound("No configuration '\(key)'.")
        }
        return c
    }

    private func save(_ c: IdPConfiguration, newDirectory: String? = nil, ifMatch: Int?) async throws -> IdPConfiguration {
        try await sync.send(SaveConfiguration(configuration: c, newDirectoryName: newDirectory, ifMatch: ifMatch), shardKey: "")
    }

    private func create(_ request: Request) async throws -> Response {
        let body = try await request.jsonObject(limit: configuration.maxBodyBytes)
        guard let name = body["name"]?.stringValue else { throw SCIMError.invalidValue("'name' is required.") }
        let method = IdPConfiguration.AuthMethod(rawValue: body["authMethod"]?.stringValue ?? "bearer")
        guard let method else { throw SCIMError.invalidValue("'authMethod' must be bearer or basic.") }
        let newDirectory = body["newDirectoryName"]?.stringValue
        let directoryID = try await body["directoryId"]?.stringValue.asyncMap(directory) ?? ""
        if newDirectory == nil && directoryID.isEmpty { throw SCIMError.invalidValue("Give 'directoryId' (an existing directory, by id or name) or 'newDirectoryName'.") }
        var c = IdPConfiguration(
            id: "", name: name, directoryID: directoryID, authMethod: method, tokenSHA256: nil, basicUsername: nil, basicPasswordHash: nil,
            deleteMode: try mode(body["deleteMode"]) ?? .delete, defaultGroups: try names(body["defaultGroups"]) ?? [],
            applicationGroups: try names(body["applicationGroups"]) ?? [], enabled: body["enabled"]?.lenientBool ?? true, version: 0)
        c.undeclaredExtensions = try policy(body["undeclaredExtensions"]) ?? .store
        let secret = try await setCredential(&c, body: body)
        let saved = try await save(c, newDirectory: newDirectory, ifMatch: nil)
        return SCIMResponse.json(.created, withSecret(try await view(saved, request: request), secret))
    }

    private func update(_ request: Request, id: String) async throws -> Response {
        let body = try await request.jsonObject(limit: configuration.maxBodyBytes)
        var c = try await find(id)
        if let name = body["name"]?.stringValue { c.name = name }
        if let key = body["directoryId"]?.stringValue { c.directoryID = try await directory(key) }
        if let mode = try mode(body["deleteMode"]) { c.deleteMode = mode }
        if let groups = try names(body["defaultGroups"]) { c.defaultGroups = groups }
        if let groups = try names(body["applicationGroups"]) { c.applicationGroups = groups }
        if let enabled = body["enabled"]?.lenientBool { c.enabled = enabled }
        if let policy = try policy(body["undeclaredExtensions"]) { c.undeclaredExtensions = policy }
        return SCIMResponse.json(.ok, try await view(try await save(c, ifMatch: try request.ifMatchVersion()), request: request))
    }

    /// A new token (bearer) or password (Basic, the one given or a generated one), shown once.
    private func rotate(_ request: Request, id: String) async throws -> Response {
        let body = (try? await request.jsonObject(limit: configuration.maxBodyBytes)) ?? [:]
        var c = try await find(id)
        let secret = try await setCredential(&c, body: body)
        return SCIMResponse.json(.ok, withSecret(try await view(try await save(c, ifMatch: c.version), request: request), secret))
    }

    private func setCredential(_ c: inout IdPConfiguration, body: [String: JSONValue]) async throws -> (String, String) {
        switch c.authMethod {
        case .bearer:
            let token = Secrets.generateToken()
            c.tokenSHA256 = Secrets.sha256Hex(token)
            return ("token", token)
        case .basic:
            guard let user = body["basicUsername"]?.stringValue ?? c.basicUsername, !user.isEmpty, !user.contains(":") else {
                throw SCIMError.invalidValue("A Basic configuration needs 'basicUsername' (without ':').")
            }
            let password = body["basicPassword"]?.stringValue ?? Secrets.generateToken()
            guard password.count >= 12 else { throw SCIMError.invalidValue("'basicPassword' must be at least 12 characters.") }
            c.basicUsername = user
            c.basicPasswordHash = try await passwords.hash(password)
            return ("basicPassword", password)
        }
    }

    private func mode(_ value: JSONValue?) throws(SCIMError) -> IdPConfiguration.DeleteMode? {
        guard let value else { return nil }
        guard let m = value.stringValue.flatMap(IdPConfiguration.DeleteMode.init(rawValue:)) else { throw SCIMError.invalidValue("'deleteMode' must be delete or disable.") }
        return m
    }

    private func policy(_ value: JSONValue?) throws(SCIMError) -> UndeclaredExtensionPolicy? {
        guard let value else { return nil }
        guard let p = value.stringValue.flatMap(UndeclaredExtensionPolicy.init(rawValue:)) else { throw SCIMError.invalidValue("'undeclaredExtensions' must be store or reject.") }
        return p
    }

    private func names(_ value: JSONValue?) throws(SCIMError) -> [String]? {
        guard let value else { return nil }
        guard let list = value.arrayValue, list.allSatisfy({ $0.stringValue != nil }) else { throw SCIMError.invalidValue("Group lists must be arrays of names.") }
        return list.compactMap(\.stringValue)
    }

    private func withSecret(_ view: JSONValue, _ secret: (String, String)) -> JSONValue {
        var o = view.objectValue ?? [:]
        o[secret.0] = .string(secret.1)
        o["secretNote"] = .string("Shown once: Roster keeps only a hash of it.")
        return .object(o)
    }

    /// A directory as the admin API documents it (`Directory` in its OpenAPI document), not the
    /// internal message.
    func view(_ d: Directory) -> JSONValue {
        .object(["id": .string(d.id), "name": .string(d.name), "created": .string(d.created), "settings": .object(["lastLogin": .bool(d.lastLoginVisible)])])
    }

    /// Directory names by id, for the views.
    private func directoryNames() async throws -> [String: String] {
        Dictionary(try await sync.send(ListDirectories(), shardKey: "").directories.map { ($0.id, $0.name) }) { first, _ in first }
    }

    /// A directory's id, from its id or its name (ignoring case).
    func directory(_ key: String) async throws -> String {
        let all = try await sync.send(ListDirectories(), shardKey: "").directories
        guard let match = all.first(where: { $0.id == key }) ?? all.first(where: { $0.name.lowercased() == key.lowercased() }) else {
            throw SCIMError.invalidValue("No directory '\(key)' (by id or name): see GET /admin/api/v1/directories.")
        }
        return match.id
    }

    func view(_ c: IdPConfiguration, request: Request) async throws -> JSONValue {
        view(c, request: request, directories: try await directoryNames())
    }

    /// A configuration as an admin sees it: never a secret or a hash; with the URLs to give the IdP.
    func view(_ c: IdPConfiguration, request: Request, directories: [String: String]) -> JSONValue {
        let base = configuration.publicBase(for: request)
        var o: [String: JSONValue] = [
            "id": .string(c.id), "name": .string(c.name), "directoryId": .string(c.directoryID), "directoryName": directories[c.directoryID].json,
            "authMethod": .string(c.authMethod.rawValue),
            "deleteMode": .string(c.deleteMode.rawValue), "defaultGroups": .array(c.defaultGroups.map(JSONValue.string)),
            "applicationGroups": .array(c.applicationGroups.map(JSONValue.string)), "enabled": .bool(c.enabled), "version": .int(Int64(c.version)),
            "undeclaredExtensions": .string(c.undeclaredExtensions.rawValue),
            "scimBaseUrls": .object(["v2": .string("\(base)/scim/v2"), "v1.1": .string("\(base)/scim/v1")]),
            "scimBaseUrlNote": .string(configuration.publicURL == nil
                ? "Built from the listening address (or an http.allowedHosts Host); behind a proxy set http.publicUrl to the URL your IdP must use."
                : "Built from http.publicUrl."),
        ]
        if let user = c.basicUsername { o["basicUsername"] = .string(user) }
        return .object(o)
    }
}

extension Optional {
    /// `map` with an async transform.
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
