import GRDB
import RosterProtocol
import SCIMCore

/// The store of resource types that need nothing beyond their descriptor and table: the
/// `resources.*` commands, for each registered ``ResourceTable``. Adding such a type to a worker
/// is one table, its migration, and this registration; the worker's store needs the change outbox
/// too (``ChangeFeed/registerMigration(_:name:)``), since every write records its feed event.
public struct ResourceStore: Sendable {
    public let tables: [String: ResourceTable]

    public init(_ tables: [ResourceTable]) {
        self.tables = Dictionary(uniqueKeysWithValues: tables.map { ($0.type.name.lowercased(), $0) })
    }

    /// The `resources.*` commands, to merge into a worker's ``CommandTable``.
    public var commands: CommandTable {
        var commands = CommandTable()
        register(into: &commands)
        return commands
    }

    public func register(into commands: inout CommandTable) {
        let store = self
        commands.register(CreateResource.self) { db, c in
            let table = try store.table(c)
            let attributes = try store.validated(c.attributes, table)
            let json = attributes == c.attributes ? c.attributesJSON : WireJSON.bytes(attributes)
            let stored = try table.insert(db, directoryID: c.directoryID, attributes: attributes, json: json).resource
            try ChangeFeed.resourceWritten(db, type: table.type, directoryID: c.directoryID, id: stored.id, before: nil, after: stored)
            return stored
        }
        commands.registerRead(GetResource.self) { db, c in
            let table = try store.table(c)
            return table.forwarded(try table.existingRow(db, id: c.id, directoryID: c.directoryID, ifMatch: nil))
        }
        commands.register(ReplaceResource.self) { db, c in
            let table = try store.table(c)
            let existing = try table.existingRow(db, id: c.id, directoryID: c.directoryID, ifMatch: c.ifMatch)
            return try store.update(db, table, existing, directoryID: c.directoryID, attributes: try store.validated(c.attributes, table))
        }
        commands.register(PatchResource.self) { db, c in
            let table = try store.table(c)
            let existing = try table.existingRow(db, id: c.id, directoryID: c.directoryID, ifMatch: c.ifMatch)
            let current = try table.stored(existing)
            let patched = try PatchEngine(table.type).apply(try PatchRequest(wire: c.operations), to: current.attributes, resourceID: current.id)
            let attributes = try store.validated(patched, table)
            return attributes == current.attributes ? current : try store.update(db, table, existing, directoryID: c.directoryID, attributes: attributes)  // unchanged: same version
        }
        commands.register(DeleteResource.self) { db, c in
            let table = try store.table(c)
            let existing = try table.existingRow(db, id: c.id, directoryID: c.directoryID, ifMatch: c.ifMatch)
            let name = try table.delete(db, existing, directoryID: c.directoryID)
            try ChangeFeed.resourceDeleted(db, type: table.type, directoryID: c.directoryID, id: existing["id"], uniqueValue: name)
            return Deleted(name: name)
        }
        commands.registerRead(QueryResources.self) { db, c in
            let table = try store.table(c)
            let q = c.query
            let sql = try table.query(directoryID: q.directoryID, filter: q.filter, sortBy: q.sortBy, descending: q.descending, locationPrefix: q.locationPrefix)
            let (total, rows) = try table.page(db, sql, directoryID: q.directoryID, filtered: q.filter != nil, startIndex: q.startIndex, count: q.count)
            return QueryResult(totalResults: total, resources: table.forwarded(rows))
        }
    }

    /// A new version, and its feed events.
    private func update(_ db: Database, _ table: ResourceTable, _ existing: Row, directoryID: String, attributes: [String: JSONValue]) throws -> StoredResource {
        let before = try table.stored(existing).attributes
        let stored = try table.update(db, existing, attributes: attributes)
        try ChangeFeed.resourceWritten(db, type: table.type, directoryID: directoryID, id: stored.id, before: before, after: stored)
        return stored
    }

    private func table(_ c: some ResourceCommand) throws(SCIMError) -> ResourceTable {
        guard let table = tables[c.resourceType.lowercased()] else { throw SCIMError.notFound("This worker keeps no '\(c.resourceType)' resources.") }
        return table
    }

    /// The attributes in canonical form, as the store keeps them: nothing write-only (such a type
    /// has nowhere to keep a secret).
    private func validated(_ attributes: [String: JSONValue], _ table: ResourceTable) throws(SCIMError) -> [String: JSONValue] {
        try ResourceNormalizer(table.type).normalizeWithoutSecrets(attributes)
    }
}
