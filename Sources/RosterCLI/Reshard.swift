import Foundation
import GRDB
import Logging
import RosterMessaging
import RosterPersistence
#if canImport(Glibc)
import Glibc
#endif

/// One kind's part of `roster reshard`: every directory found on any shard file of the kind goes
/// to the shard that owns it under `to`, by ``DirectoryMover`` (copy, then delete: each step can
/// be repeated); shards beyond `to` are emptied, then retired to `DATA/retired/`.
struct Reshard {
    static let journalName = "reshard"
    let data: URL
    let kind: String
    let to: Int
    let tables: DirectoryTables
    let migrator: DatabaseMigrator

    func file(_ shard: Int) -> String { data.appendingPathComponent(ShardLayout.storeFile(kind: kind, shard: shard)).path }

    /// Every file of the kind, not only the recorded count: an interrupted run may have left rows anywhere.
    var present: [Int] { (0..<16).filter { FileManager.default.fileExists(atPath: file($0)) } }

    /// Before anything moves (and before the journal is written): every shard of the new count
    /// exists, every present one is migrated to this build's schema, and none has a table
    /// re-sharding does not know. A refusal here changes nothing.
    func prepare() throws {
        let quiet = Logger(label: "roster.reshard") { _ in SwiftLogNoOpLogHandler() }
        for shard in Set(0..<to).union(present).sorted() {
            let pool = try StoreDatabase.open(path: file(shard), migrator: migrator, logger: quiet)
            do {
                try pool.read { try DirectoryMover.checkKnown($0, tables: tables) }
            } catch {
                throw CLIError("\(file(shard)): \(error)")
            }
        }
    }

    /// Moves what must move (after ``prepare()``); returns how many directories moved.
    func run(_ say: (String) -> Void) throws -> Int {
        let present = self.present
        var targets: [Int: DatabaseQueue] = [:]
        var moves = 0
        for shard in present {
            let source = try DatabaseQueue(path: file(shard))
            for directory in try source.read({ try DirectoryMover.directories($0, tables: tables) }).sorted() {
                let owner = WorkerClient.shard(for: directory, of: to)
                guard owner != shard else { continue }
                let target = try targets[owner] ?? DatabaseQueue(path: file(owner))
                targets[owner] = target
                let counts = try DirectoryMover.copy(directory: directory, from: file(shard), into: target, tables: tables)
                // A test's kill -9 between the two steps (ReshardEndToEndTests).
                if ProcessInfo.processInfo.environment["ROSTER_TEST_RESHARD_KILL_AFTER_COPY"] == "1" { kill(getpid(), SIGKILL) }
                try DirectoryMover.delete(directory: directory, from: source, tables: tables)
                say("\(kind): directory \(directory) moved from shard \(shard) to shard \(owner) (\(counts))")
                moves += 1
            }
        }
        targets.removeAll()
        try retire(present.filter { $0 >= to })
        return moves
    }

    /// Shards beyond the new count hold no directory any more; their files go to `DATA/retired/`
    /// (kept, not deleted: an operator removes them once satisfied).
    private func retire(_ shards: [Int]) throws {
        guard !shards.isEmpty else { return }
        let retired = data.appendingPathComponent("retired")
        try FileManager.default.createDirectory(at: retired, withIntermediateDirectories: true)
        let stamp = Int(Date().timeIntervalSince1970)
        for shard in shards {
            do {
                let queue = try DatabaseQueue(path: file(shard))
                let left = try queue.read { try DirectoryMover.directories($0, tables: tables) }
                guard left.isEmpty else { throw CLIError("\(file(shard)) still holds directories \(left.sorted()); nothing was retired.") }
                _ = try queue.writeWithoutTransaction { try $0.checkpoint(.truncate) }
            }
            let name = ShardLayout.storeFile(kind: kind, shard: shard)
            for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: file(shard) + suffix) {
                try FileManager.default.moveItem(atPath: file(shard) + suffix, toPath: retired.appendingPathComponent("\(stamp)-\(name)\(suffix)").path)
            }
        }
    }

    /// Clears the shards' online-move states (`directoryMove`): after an offline reshard each
    /// directory is whole where the hash puts it, and no shard may go on refusing one.
    func clearMoveStates() throws {
        for shard in present {
            let queue = try DatabaseQueue(path: file(shard))
            try queue.write { db in
                if try db.tableExists("directoryMove") { try db.execute(sql: "DELETE FROM directoryMove") }
            }
        }
    }

    static func journal(in data: URL) throws -> String? {
        (try? String(contentsOf: data.appendingPathComponent(journalName), encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func writeJournal(_ text: String, in data: URL) throws {
        try Data((text + "\n").utf8).write(to: data.appendingPathComponent(journalName), options: .atomic)
    }
}
