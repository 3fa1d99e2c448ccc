import Foundation
import GRDB
import RosterPersistence
import RosterProtocol
import SCIMCore

/// Declared extension schemas, and the compatibility observations the ingresses report.
extension SyncStore {
    /// At most this many extensions per directory and resource type: each arrives with every command.
    static let maxExtensionsPerType = 20
    /// Rows of the compatibility report kept per configuration.
    static let maxObservationsPerConfiguration = 200

    static func registerSchemaCommands(_ table: inout CommandTable) {
        table.register(PutSchema.self) { try putSchema($0, $1.schema) }
        table.registerRead(ListSchemas.self) { db, _ in
            SchemaList(schemas: try Row.fetchAll(db.statement("SELECT * FROM extensionSchema ORDER BY directoryId, resourceType, created, urn")).map(extensionSchema))
        }
        table.register(DeleteSchema.self) { db, c in
            try db.statement("DELETE FROM extensionSchema WHERE directoryId = ? AND resourceType = ? AND urn = ?")
                .execute(arguments: [c.directoryID, try resourceType(c.resourceType), c.urn])
            guard db.changesCount == 1 else { throw SCIMError.notFound("No schema '\(c.urn)' is declared for \(c.resourceType) in that directory.") }
            return Empty()
        }
        table.register(RecordObservations.self) { db, c in
            try record(db, c.observations)
            return Empty()
        }
        table.registerRead(ListObservations.self) { db, c in
            let rows = try c.configurationID.map { id in
                try Row.fetchAll(db.statement("SELECT * FROM observation WHERE configurationId = ? ORDER BY kind, count DESC, name"), arguments: [id])
            } ?? Row.fetchAll(db.statement("SELECT * FROM observation ORDER BY configurationId, kind, count DESC, name"))
            return ObservationList(observations: rows.compactMap(observation))
        }
    }

    static func resourceType(_ name: String) throws(SCIMError) -> String {
        guard let type = ["User", "Group"].first(where: { $0.lowercased() == name.lowercased() }) else {
            throw SCIMError.invalidValue("Extensions can be declared for User or Group, not '\(name)'.")
        }
        return type
    }

    /// The declaration is read again here, the store's own check: what the ingress sends is not trusted.
    static func putSchema(_ db: Database, _ s: ExtensionSchema) throws -> ExtensionSchema {
        let type = try resourceType(s.resourceType)
        let schema = try Schema(declaration: try JSONValue.parse(s.declarationJSON))
        guard try Int.fetchOne(db.statement("SELECT 1 FROM directory WHERE id = ?"), arguments: [s.directoryID]) != nil else {
            throw SCIMError.notFound("No directory '\(s.directoryID)'.")
        }
        let existing = try Row.fetchOne(db.statement("SELECT created FROM extensionSchema WHERE directoryId = ? AND resourceType = ? AND urn = ?"),
                                        arguments: [s.directoryID, type, schema.id])
        if existing == nil {
            let count = try Int.fetchOne(db.statement("SELECT COUNT(*) FROM extensionSchema WHERE directoryId = ? AND resourceType = ?"), arguments: [s.directoryID, type]) ?? 0
            guard count < maxExtensionsPerType else { throw SCIMError.invalidValue("A directory declares at most \(maxExtensionsPerType) extensions per resource type.") }
        }
        let now = Timestamp.string(from: try db.transactionDate)
        let created: String = existing?["created"] ?? now
        let json = schema.declaration.serializedString()
        try db.statement("""
            INSERT INTO extensionSchema (directoryId, resourceType, urn, declaration, created, updated) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (directoryId, resourceType, urn) DO UPDATE SET urn = excluded.urn, declaration = excluded.declaration, updated = excluded.updated
            """).execute(arguments: [s.directoryID, type, schema.id, json, created, now])
        return ExtensionSchema(directoryID: s.directoryID, resourceType: type, urn: schema.id, declarationJSON: Data(json.utf8), created: created, updated: now)
    }

    static func extensionSchema(_ row: Row) -> ExtensionSchema {
        let json: String = row["declaration"]
        return ExtensionSchema(directoryID: row["directoryId"], resourceType: row["resourceType"], urn: row["urn"], declarationJSON: Data(json.utf8),
                               created: row["created"], updated: row["updated"])
    }

    /// Adds counts; keeps the earliest first and the latest last sighting; a client's detail is
    /// its latest User-Agent, an undeclared extension's the union of its attribute names.
    static func record(_ db: Database, _ observations: [Observation]) throws {
        let read = try db.statement("SELECT detail FROM observation WHERE configurationId = ? AND kind = ? AND name = ?")
        let upsert = try db.statement("""
            INSERT INTO observation (configurationId, kind, name, detail, count, firstSeen, lastSeen) VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (configurationId, kind, name) DO UPDATE SET detail = excluded.detail, count = count + excluded.count,
            firstSeen = min(firstSeen, excluded.firstSeen), lastSeen = max(lastSeen, excluded.lastSeen)
            """)
        let rows = try db.statement("SELECT COUNT(*) FROM observation WHERE configurationId = ?")
        for o in observations where o.count > 0 {
            var name = String(o.name.prefix(512))
            let old = try String.fetchOne(read, arguments: [o.configurationID, o.kind.rawValue, name])
            // Bounded per configuration, whatever the ingresses send: the rest is counted as other.
            if old == nil, try Int.fetchOne(rows, arguments: [o.configurationID]) ?? 0 >= maxObservationsPerConfiguration { name = "(other)" }
            var detail = String(o.detail.prefix(1024))
            if o.kind == .undeclaredExtension {
                // Whole names only, at most 1,024 characters of them.
                var kept: [String] = []
                var length = 0
                for name in Set((old ?? "").split(separator: ",").map(String.init)).union(o.detail.split(separator: ",").map(String.init)).sorted() {
                    guard length + name.count + 1 <= 1024 else { break }
                    kept.append(name)
                    length += name.count + 1
                }
                detail = kept.joined(separator: ",")
            }
            try upsert.execute(arguments: [o.configurationID, o.kind.rawValue, name, detail, o.count, o.firstSeen, o.lastSeen])
        }
    }

    static func observation(_ row: Row) -> Observation? {
        guard let kind = Observation.Kind(rawValue: row["kind"]) else { return nil }
        return Observation(configurationID: row["configurationId"], kind: kind, name: row["name"], detail: row["detail"], count: row["count"],
                           firstSeen: row["firstSeen"], lastSeen: row["lastSeen"])
    }
}
