import Foundation
public import GRDB
import Logging
import RosterMessaging
public import RosterPersistence
public import RosterProtocol

/// A store on a real SQLite file in its own temporary directory, removed afterwards, behind the
/// same group-commit handler a worker uses. `body` gets the handler, the pool and the file's path.
public func withStore(
    migrator: DatabaseMigrator, commands: CommandTable, directoryTables: DirectoryTables? = nil, _ body: (GroupCommitHandler, DatabasePool, String) throws -> Void
) throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("roster-store-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("store.sqlite").path
    let pool = try StoreDatabase.open(path: path, migrator: migrator, logger: Logger(label: "test"))
    var table = commands
    // With its directory tables, the store is gated and moves directories as a shard worker does.
    if let directoryTables { table.registerDirectoryMoves(tables: directoryTables, migrator: migrator, storePath: path) }
    try body(try GroupCommitHandler(pool: pool, table: table, logger: Logger(label: "test"), gated: directoryTables != nil), pool, path)
}

extension GroupCommitHandler {
    /// Runs one command the way the worker would: reads on a reader connection, writes in a batch transaction.
    public func run<C: Command>(_ command: C) throws -> C.Reply {
        let incoming = IncomingCommand(name: C.name, payload: CommandCodec.encode(command))
        let result = isReadOnly(C.name) ? read(incoming) : handle([incoming])[0]
        return try CommandCodec.decode(C.Reply.self, from: result.get())
    }
}
