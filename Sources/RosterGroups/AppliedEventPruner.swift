import Foundation
import GRDB
import Logging
import SCIMCore
import ServiceLifecycle

/// Forgets applied event ids after `keep`: the outbox delivers within seconds or minutes of an
/// event, so an id that old can no longer come back; without this the table would only grow.
struct AppliedEventPruner: Service {
    let pool: DatabasePool
    let keep: Duration
    let interval: Duration
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do { try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) } } catch { break }
            do { try await prune(now: Date()) } catch { logger.warning("cannot prune applied events", metadata: ["error": "\(error)"]) }
        }
    }

    /// Deletes the ids applied before `now - keep`; returns how many.
    @discardableResult
    func prune(now: Date) async throws -> Int {
        let cutoff = Timestamp.string(from: now.addingTimeInterval(-Double(keep.components.seconds)))
        return try await pool.write { db in
            try db.execute(sql: "DELETE FROM appliedEvent WHERE applied < ?", arguments: [cutoff])
            return db.changesCount
        }
    }
}
