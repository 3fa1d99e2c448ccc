import GRDB
public import Logging
public import ServiceLifecycle

/// Checkpoints the WAL from its own connection, so that the fsync of a checkpoint never stalls
/// the worker thread that commits (docs/design.md, "ZeroMQ and SQLite pitfalls").
///
/// A PASSIVE checkpoint never blocks the writer, but under steady writes the WAL is never reset
/// and grows without bound (measured: 84 MB of WAL beside a 6 MB store after 11k inserts). So
/// once the WAL passes `restartFrames`, a RESTART checkpoint briefly holds the writer back; most
/// pages were already copied by the passive passes, so the pause is short, and the next commit
/// starts the WAL from its beginning (then truncated to `journal_size_limit`).
public struct Checkpointer: Service {
    let path: String
    let interval: Duration
    let restartFrames: Int
    let logger: Logger

    public init(path: String, interval: Duration = .seconds(1), restartFrames: Int = 4096, logger: Logger) {
        self.path = path
        self.interval = interval
        self.restartFrames = restartFrames
        self.logger = logger
    }

    public func run() async throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(2)
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                break
            }
            do {
                let restartFrames = self.restartFrames
                try await queue.writeWithoutTransaction { db in
                    let row = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)")
                    let walFrames: Int = row?[1] ?? 0
                    if walFrames > restartFrames {
                        try db.execute(sql: "PRAGMA wal_checkpoint(RESTART)")
                    }
                }
            } catch {
                logger.warning("WAL checkpoint failed", metadata: ["error": "\(error)"])
            }
        }
        try? await queue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
    }
}
