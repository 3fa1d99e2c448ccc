import Foundation
public import GRDB
import RosterProtocol
import SCIMCore

/// The three steps an online reshard asks of the shards of one kind (the sync worker's
/// `reshard` job): freeze a directory on its old shard, export its rows there, import them on
/// the new one. Export and import go through an SQLite file of the store's own schema, copied
/// by ``DirectoryMover`` with its counts checked, so a moved directory is row for row what it was.
extension CommandTable {
    /// Registers the three move commands (`roster-users` and `roster-groups` do it in ``StoreWorker``).
    public mutating func registerDirectoryMoves(tables: DirectoryTables, migrator: DatabaseMigrator, storePath: String) {
        registerExclusive(SetDirectoryMove.self) { db, c, gate in
            guard let gate else { throw SCIMError.notImplemented("This worker's store is not sharded by directory.") }
            try gate.set(db, c.directoryID, c.state)
            return Empty()
        }
        add(ExportDirectory.self, reading: true) { _, c, gate in
            guard gate?.state(of: c.directoryID) == .moving else {
                throw SCIMError(status: 409, scimType: nil, detail: "Directory \(c.directoryID) is not moving on this shard: set its move state first, so that no write lands after the copy.")
            }
            let temp = Self.scratchPath(beside: storePath, "export")
            defer { Self.remove(temp) }
            var configuration = Configuration()
            configuration.busyMode = .timeout(5)
            configuration.prepareDatabase { db in db.add(function: foldFunction) }
            let queue = try DatabaseQueue(path: temp, configuration: configuration)
            try migrator.migrate(queue)
            let counts = try DirectoryMover.copy(directory: c.directoryID, from: storePath, into: queue, tables: tables, sourceIsLive: true)
            try queue.close()
            return DirectoryExport(store: try Data(contentsOf: URL(fileURLWithPath: temp)), counts: counts.description)
        }
        readOnly.insert(ExportDirectory.name)
        registerExclusive(ImportDirectory.self) { db, c, gate in
            let temp = Self.scratchPath(beside: storePath, "import")
            defer { Self.remove(temp) }
            try c.store.write(to: URL(fileURLWithPath: temp))
            let counts = try DirectoryMover.copy(db, directory: c.directoryID, from: temp, tables: tables)
            try gate?.set(db, c.directoryID, nil)
            return DirectoryImported(counts: counts.description)
        }
    }

    private static func scratchPath(beside store: String, _ purpose: String) -> String {
        "\(store).\(purpose)-\(UUID().uuidString.lowercased())"
    }

    private static func remove(_ path: String) {
        for suffix in ["", "-journal", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}
