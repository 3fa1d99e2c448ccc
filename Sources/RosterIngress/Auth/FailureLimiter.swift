import Foundation
import Synchronization

/// Counts failed authentications per key (a source address, a Basic username) and slows a key
/// down once it has failed `limit` times within `window`: further failures get 429 with
/// `Retry-After`, for a block that doubles with every failure made while blocked (up to
/// `maximumBlock`), so a client that keeps hammering waits longer and longer. Only failures are
/// counted: a valid credential is never refused (the middleware checks it first).
public final class FailureLimiter: Sendable {
    private struct Entry {
        var count: Int
        var since: ContinuousClock.Instant
        var blockedUntil: ContinuousClock.Instant?
        var block: Duration
    }

    private let limit: Int
    private let window: Duration
    private let maximumBlock: Duration
    private let state = Mutex<[String: Entry]>([:])

    public init(limit: Int = 20, window: Duration = .seconds(60), maximumBlock: Duration = .seconds(900)) {
        self.limit = limit
        self.window = window
        self.maximumBlock = maximumBlock
    }

    /// Seconds to wait when `key` is blocked now; nil when it may try.
    func retryAfter(_ key: String, now: ContinuousClock.Instant = .now) -> Int? {
        state.withLock { entries in
            guard let entry = entries[key] else { return nil }
            if let until = entry.blockedUntil {
                if now < until { return max(1, Int(((until - now).components.seconds))) + ((until - now).components.attoseconds > 0 ? 1 : 0) }
                return nil
            }
            if now - entry.since > window { entries.removeValue(forKey: key) }
            return nil
        }
    }

    func recordFailure(_ key: String, now: ContinuousClock.Instant = .now) {
        state.withLock { entries in
            guard var entry = entries[key], entry.blockedUntil.map({ now < $0 + maximumBlock }) ?? (now - entry.since <= window) else {
                if entries.count > 100_000 { entries.removeAll() }  // bounded memory under a spray of sources
                entries[key] = Entry(count: 1, since: now, blockedUntil: nil, block: window)
                return
            }
            entry.count += 1
            if let until = entry.blockedUntil, now < until {
                entry.block = min(entry.block * 2, maximumBlock)  // failing while blocked: a longer block
                entry.blockedUntil = now + entry.block
            } else if entry.count >= limit {
                entry.blockedUntil = now + entry.block
            }
            entries[key] = entry
        }
    }
}
