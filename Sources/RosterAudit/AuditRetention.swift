public import Foundation
public import Configuration
public import GRDB
public import Logging
public import ServiceLifecycle

/// How long the history is kept: records older than `maxAgeDays`, and all but the newest
/// `maxRecords`, are removed in the background. Nil: no limit of that kind.
public struct AuditRetention: Sendable, Equatable {
    public var maxAgeDays: Int?
    public var maxRecords: Int?

    public init(maxAgeDays: Int?, maxRecords: Int?) {
        self.maxAgeDays = maxAgeDays
        self.maxRecords = maxRecords
    }

    /// What applies now: the limits an admin set (the `auditSetting` table), else these defaults.
    static func effective(_ db: Database, defaults: AuditRetention) throws -> AuditRetention {
        let set = Dictionary(try Row.fetchAll(db, sql: "SELECT key, value FROM auditSetting").map { ($0["key"] as String, $0["value"] as Int) },
                             uniquingKeysWith: { a, _ in a })
        func limit(_ key: String, _ fallback: Int?) -> Int? {
            guard let value = set[key] else { return fallback }
            return value > 0 ? value : nil
        }
        return AuditRetention(maxAgeDays: limit("maxAgeDays", defaults.maxAgeDays), maxRecords: limit("maxRecords", defaults.maxRecords))
    }

    /// `audit.retention.maxAgeDays` (default 90) and `audit.retention.maxRecords` (default
    /// 5,000,000); 0 turns a limit off.
    public init(reader: ConfigReader?) {
        let age = reader?.int(forKey: "audit.retention.maxAgeDays", default: 90) ?? 90
        let count = reader?.int(forKey: "audit.retention.maxRecords", default: 5_000_000) ?? 5_000_000
        self.init(maxAgeDays: age > 0 ? age : nil, maxRecords: count > 0 ? count : nil)
    }
}

/// Enforces the effective ``AuditRetention`` (`retention` gives the defaults) every `interval`, in small transactions so that appends never
/// wait long behind it; then lets SQLite refresh its planner statistics.
public struct AuditRetentionService: Service {
    let pool: DatabasePool
    let retention: AuditRetention
    let interval: Duration
    let logger: Logger

    public init(pool: DatabasePool, retention: AuditRetention, interval: Duration, logger: Logger) {
        self.pool = pool
        self.retention = retention
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let removed = try await enforce(now: Date())
                if removed > 0 { logger.info("audit retention removed old records", metadata: ["removed": "\(removed)"]) }
                try await pool.write { db in try db.execute(sql: "PRAGMA optimize") }
            } catch {
                logger.warning("cannot enforce audit retention", metadata: ["error": "\(error)"])
            }
            do { try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) } } catch { break }
        }
    }

    /// Removes what the retention no longer allows, as of `now`; returns how many records went.
    @discardableResult
    public func enforce(now: Date, chunk: Int = 5000) async throws -> Int {
        let defaults = self.retention
        let retention = try await pool.read { db in try AuditRetention.effective(db, defaults: defaults) }
        var removed = 0
        if let days = retention.maxAgeDays {
            let cutoff = Int64((now.timeIntervalSince1970 - Double(days) * 86_400) * 1000)
            removed += try await removeChunks(chunk) { db, n in
                try Int64.fetchAll(db, sql: "SELECT id FROM audit WHERE id < ? ORDER BY id LIMIT ?", arguments: [AuditStore.firstID(at: cutoff), n])
            }
        }
        if let keep = retention.maxRecords {
            removed += try await removeChunks(chunk) { db, n in
                let excess = (try Int.fetchOne(db, sql: "SELECT count(*) FROM audit") ?? 0) - keep
                guard excess > 0 else { return [] }
                return try Int64.fetchAll(db, sql: "SELECT id FROM audit ORDER BY id LIMIT ?", arguments: [min(excess, n)])
            }
        }
        return removed
    }

    private func removeChunks(_ chunk: Int, _ select: @escaping @Sendable (Database, Int) throws -> [Int64]) async throws -> Int {
        var removed = 0
        while !Task.isCancelled {
            let n = try await pool.write { db in
                let ids = try select(db, chunk)
                try AuditStore.remove(db, ids: ids)
                return ids.count
            }
            removed += n
            if n < chunk { break }
        }
        return removed
    }
}
