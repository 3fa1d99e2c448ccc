import Foundation
import Hummingbird
import RosterProtocol
import SCIMCore

/// Declared extension schemas of a directory, and the compatibility report of a configuration.
extension AdminController {
    func addSchemaRoutes(to group: RouterGroup<SCIMRequestContext>) {
        group.get("directories/:id/schemas") { _, context in
            let directory = try await directory(try context.parameters.require("id"))
            let all = try await sync.send(ListSchemas(), shardKey: "").schemas.filter { $0.directoryID == directory }
            return SCIMResponse.json(.ok, .object(["schemas": .array(all.map(view))]))
        }
        group.post("directories/:id/schemas") { request, context in
            let directory = try await directory(try context.parameters.require("id"))
            let body = try await request.jsonObject(limit: configuration.maxBodyBytes)
            guard let type = body["resourceType"]?.stringValue else { throw SCIMError.invalidValue("'resourceType' (User or Group) is required.") }
            guard let declaration = body["schema"] else { throw SCIMError.invalidValue("'schema' (an RFC 7643 §7 schema) is required.") }
            let schema = try Schema(declaration: declaration)  // fails here with its detail; the sync worker checks again
            let saved = try await sync.send(PutSchema(schema: ExtensionSchema(
                directoryID: directory, resourceType: type, urn: schema.id, declarationJSON: schema.declaration.serializedData())), shardKey: "")
            return SCIMResponse.json(saved.created == saved.updated ? .created : .ok, view(saved))
        }
        group.delete("directories/:id/schemas/:urn") { request, context in
            let directory = try await directory(try context.parameters.require("id"))
            let type = request.uri.queryParameters["resourceType"].map(String.init) ?? "User"
            _ = try await sync.send(DeleteSchema(directoryID: directory, resourceType: type, urn: try context.parameters.require("urn")), shardKey: "")
            return Response(status: .noContent)
        }
        group.get("configurations/:id/compatibility") { _, context in
            let c = try await find(try context.parameters.require("id"))
            let observed = try await sync.send(ListObservations(configurationID: c.id), shardKey: "").observations
            return SCIMResponse.json(.ok, Self.compatibility(c, observed))
        }
    }

    func view(_ s: ExtensionSchema) -> JSONValue {
        .object([
            "directoryId": .string(s.directoryID), "resourceType": .string(s.resourceType), "urn": .string(s.urn),
            "schema": (try? JSONValue.parse(s.declarationJSON)) ?? .null, "created": .string(s.created), "updated": .string(s.updated),
        ])
    }

    /// Which IdP talks to the configuration, and what its requests needed.
    static func compatibility(_ c: IdPConfiguration, _ observed: [Observation]) -> JSONValue {
        let clients = observed.filter { $0.kind == .client }.sorted { $0.lastSeen > $1.lastSeen }
        func line(_ o: Observation, _ extra: [String: JSONValue]) -> JSONValue {
            .object(extra.merging(["count": .int(Int64(o.count)), "firstSeen": .string(o.firstSeen), "lastSeen": .string(o.lastSeen)]) { a, _ in a })
        }
        return .object([
            "configuration": .string(c.name), "undeclaredExtensions": .string(c.undeclaredExtensions.rawValue),
            // The latest client with a name: "(other)" is the overflow of the report's bounds.
            "identityProvider": (clients.first { $0.name != "(other)" } ?? clients.first).map { .object(["name": .string($0.name), "lastSeen": .string($0.lastSeen), "userAgent": .string($0.detail)]) } ?? .null,
            "clients": .array(clients.map { line($0, ["name": .string($0.name), "userAgent": .string($0.detail)]) }),
            "tolerances": .array(observed.filter { $0.kind == .tolerance }.map {
                line($0, ["rule": .string($0.name), "description": .string(Tolerance.Rule(rawValue: $0.name)?.summary ?? "")])
            }),
            "undeclaredExtensionsSeen": .array(observed.filter { $0.kind == .undeclaredExtension }.map {
                line($0, ["urn": .string($0.name), "attributes": .array($0.detail.split(separator: ",").map { .string(String($0)) })])
            }),
        ])
    }
}
