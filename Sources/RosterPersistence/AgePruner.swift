public import Foundation
public import GRDB
public import Logging
import SCIMCore
public import ServiceLifecycle

/// Removes what is older than `keep`, every `interval`: applied event ids (an outbox delivers
/// within minutes, so an id that old cannot come back), the change feed past its retention.
/// Without it those tables would only grow.
public struct AgePruner: Service {
    public typealias Prune = @Sendable (Database, _ cutoff: String) throws -> Int
    let pool: DatabasePool
    let what: String
    let keep: Duration
    let interval: Duration
    let logger: Logger
    let prune: Prune

    public init(pool: DatabasePool, what: String, keep: Duration, interval: Duration, logger: Logger, _ prune: @escaping Prune) {
        self.pool = pool
        self.what = what
        self.keep = keep
        self.interval = interval
        self.logger = logger
        self.prune = prune
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do { try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) } } catch { break }
            do { try await prune(now: Date()) } catch { logger.warning("cannot prune \(what)", metadata: ["error": "\(error)"]) }
        }
    }

    /// Removes what is from before `now - keep`; returns how many rows went.
    @discardableResult
    public func prune(now: Date) async throws -> Int {
        let cutoff = Timestamp.string(from: now.addingTimeInterval(-Double(keep.components.seconds)))
        let prune = self.prune
        let removed = try await pool.write { db in try prune(db, cutoff) }
        if removed > 0 { logger.info("pruned \(what)", metadata: ["rows": "\(removed)"]) }
        return removed
    }
}
