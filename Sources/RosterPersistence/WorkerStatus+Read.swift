import Foundation
import Logging
import GRDB
import RosterConfig
import RosterMessaging
import RosterProtocol
import SCIMCore

extension WorkerStatus {
    /// When this process started: its uptime is counted from here.
    static let started = Date()

    /// This worker's figures, read from `db` (a reader) and the store's files.
    static func read(_ db: Database, worker: String, path: String) throws -> WorkerStatus {
        func size(_ file: String) -> Int { (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0 }
        var pending = -1, oldest = 0, dead = -1
        if try db.tableExists("outbox") {
            pending = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox") ?? 0
            dead = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outboxDead") ?? 0
            if let created = try String.fetchOne(db, sql: "SELECT created FROM outbox ORDER BY seq LIMIT 1"), let date = Timestamp.date(from: created) {
                oldest = max(0, Int(Date().timeIntervalSince(date)))
            }
        }
        return WorkerStatus(worker: worker, pid: Int(getpid()), uptimeSeconds: Int(Date().timeIntervalSince(started)), storeBytes: size(path),
                            walBytes: size(path + "-wal"), outboxPending: pending, outboxOldestSeconds: oldest, outboxDead: dead,
                            logLevel: LogLevelSwitch.shared.level.rawValue, readerQueueDepth: CommandServer.queuedReads)
    }
}
