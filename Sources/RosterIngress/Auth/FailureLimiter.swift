import Foundation
import Synchronization

/// Counts failed authentications per source address and slows a source down once it has failed
/// `limit` times within `window`: it then gets 429 with `Retry-After` until the window ends.
public final class FailureLimiter: Sendable {
    private let limit: Int
    private let window: Duration
    private let state = Mutex<[String: (count: Int, since: ContinuousClock.Instant)]>([:])

    public init(limit: Int = 20, window: Duration = .seconds(60)) {
        self.limit = limit
        self.window = window
    }

    /// Seconds to wait when `source` is blocked now; nil when it may try.
    func retryAfter(_ source: String) -> Int? {
        state.withLock { entries in
            guard let entry = entries[source] else { return nil }
            let elapsed = ContinuousClock.now - entry.since
            if elapsed > window {
                entries.removeValue(forKey: source)
                return nil
            }
            guard entry.count >= limit else { return nil }
            return max(1, Int((window - elapsed).components.seconds))
        }
    }

    func recordFailure(_ source: String) {
        state.withLock { entries in
            let now = ContinuousClock.now
            if let entry = entries[source], now - entry.since <= window {
                entries[source] = (entry.count + 1, entry.since)
            } else {
                if entries.count > 100_000 { entries.removeAll() }  // bounded memory under a spray of sources
                entries[source] = (1, now)
            }
        }
    }
}
