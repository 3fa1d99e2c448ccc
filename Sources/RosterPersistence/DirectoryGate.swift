import GRDB
public import RosterProtocol
import SCIMCore
import Synchronization

/// The directories of this shard that an online reshard is moving away (their writes refused) or
/// has moved (everything refused): a row each in `directoryMove`, so that a worker restarted in the
/// middle of a move keeps refusing, and a copy in memory, so that the check costs a dictionary
/// lookup on the hot path (nothing at all when no move is under way).
public final class DirectoryGate: Sendable {
    static let table = "directoryMove"
    private let states: Mutex<[String: DirectoryMoveState]>

    static func create(_ db: Database) throws {
        try db.execute(sql: "CREATE TABLE IF NOT EXISTS directoryMove (directoryId TEXT PRIMARY KEY NOT NULL, state TEXT NOT NULL)")
    }

    init(_ db: Database) throws {
        try Self.create(db)
        let rows = try Row.fetchAll(db, sql: "SELECT directoryId, state FROM directoryMove")
        states = Mutex(Dictionary(rows.compactMap { row in DirectoryMoveState(rawValue: row["state"]).map { (row["directoryId"] as String, $0) } }) { a, _ in a })
    }

    /// Throws the refusal a command on `directory` gets while it moves.
    func admit(_ directory: String, reading: Bool) throws(SCIMError) {
        guard let state = states.withLock({ $0.isEmpty ? nil : $0[directory] }) else { return }
        if state == .moving && reading { return }
        throw state.refusal(directory)
    }

    public func state(of directory: String) -> DirectoryMoveState? { states.withLock { $0[directory] } }

    /// Records `state` (nil: none) for `directory`, committed before it takes effect in memory.
    func set(_ db: Database, _ directory: String, _ state: DirectoryMoveState?) throws {
        try db.inTransaction {
            if let state {
                try db.execute(sql: "INSERT OR REPLACE INTO directoryMove (directoryId, state) VALUES (?, ?)", arguments: [directory, state.rawValue])
            } else {
                try db.execute(sql: "DELETE FROM directoryMove WHERE directoryId = ?", arguments: [directory])
            }
            return .commit
        }
        states.withLock { $0[directory] = state }
    }
}
