public import Foundation
public import GRDB
public import RosterProtocol
public import SCIMCore

/// Inserting and rewriting a resource row, the same for every type: the common columns, the
/// unique attribute under its rule, the version, the counter. A store adds its own columns
/// (`extra`) and rows beside it.
extension ResourceTable {
    public typealias Columns = [(name: String, value: (any DatabaseValueConvertible)?)]

    /// The unique attribute's value: required, not empty.
    public func uniqueValue(_ attributes: [String: JSONValue]) throws(SCIMError) -> String {
        guard let value = attributes[type.uniqueAttribute]?.stringValue, !value.isEmpty else {
            throw SCIMError.invalidValue("'\(type.uniqueAttribute)' is required.")
        }
        return value
    }

    /// A new resource in the directory, version 1. `json` is `attributes` as canonical JSON (stored as it is).
    public func insert(_ db: Database, directoryID: String, attributes: [String: JSONValue], json: Data, extra: Columns = []) throws -> (seq: Int64, resource: StoredResource) {
        let unique = try uniqueValue(attributes)
        let id = TimeOrderedID.make()
        let now = try Self.now(db)
        let columns: Columns = [
            ("id", id), ("directoryId", directoryID), (uniqueColumns.value, unique), (uniqueColumns.key, unique.lowercased()),
            ("externalId", attributes["externalId"]?.stringValue), ("version", 1), ("created", now), ("lastModified", now),
            ("json", String(decoding: json, as: UTF8.self)),
        ] + extra
        let sql = "INSERT INTO \(name) (\(columns.map(\.name).joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))"
        try self.unique(unique) { try db.statement(sql).execute(arguments: StatementArguments(columns.map(\.value))) }
        let seq = db.lastInsertedRowID
        try adjustCount(db, directoryID: directoryID, by: 1)
        return (seq, StoredResource(id: id, version: 1, created: now, lastModified: now, attributes: attributes, canonicalJSON: json))
    }

    /// New attributes over an existing row, bumping its version; serialised once, stored and sent back as is.
    public func update(_ db: Database, _ existing: Row, attributes: [String: JSONValue], extra: Columns = []) throws -> StoredResource {
        let unique = try uniqueValue(attributes)
        let json = WireJSON.bytes(attributes)
        let version: Int = existing["version"] + 1
        let now = try Self.now(db)
        let columns: Columns = [
            (uniqueColumns.value, unique), (uniqueColumns.key, unique.lowercased()), ("externalId", attributes["externalId"]?.stringValue),
            ("version", version), ("lastModified", now), ("json", String(decoding: json, as: UTF8.self)),
        ] + extra
        let sql = "UPDATE \(name) SET \(columns.map { "\($0.name) = ?" }.joined(separator: ", ")) WHERE seq = ?"
        try self.unique(unique) { try db.statement(sql).execute(arguments: StatementArguments(columns.map(\.value) + [existing["seq"] as Int64])) }
        return StoredResource(id: existing["id"], version: version, created: existing["created"], lastModified: now, attributes: attributes, canonicalJSON: json,
                              lastLogin: existing.hasColumn("lastLogin") ? existing["lastLogin"] : nil)
    }

    /// Removes a resource row (what hangs off it goes by `ON DELETE CASCADE` or its store); returns its unique value.
    public func delete(_ db: Database, _ existing: Row, directoryID: String) throws -> String? {
        try db.statement("DELETE FROM \(name) WHERE seq = ?").execute(arguments: [existing["seq"] as Int64])
        try adjustCount(db, directoryID: directoryID, by: -1)
        return existing[uniqueColumns.value]
    }
}
