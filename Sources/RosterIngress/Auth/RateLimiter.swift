import Synchronization

/// A token bucket per configuration (`scim.rateLimitPerSecond`, `scim.rateLimitBurst`): an IdP
/// that sends faster than its configuration allows gets 429 with the integer `Retry-After` Okta
/// and Entra honour, while every other configuration keeps its own budget.
public final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var at: ContinuousClock.Instant
    }

    let rate: Double
    let burst: Double
    private let buckets = Mutex<[String: Bucket]>([:])

    /// `perSecond` 0 turns the limit off.
    public init(perSecond: Int, burst: Int) {
        self.rate = Double(max(0, perSecond))
        self.burst = Double(max(1, burst, perSecond))
    }

    /// Takes one request from `key`'s budget: nil when it may go on, else the seconds to wait.
    func take(_ key: String, now: ContinuousClock.Instant = .now) -> Int? {
        guard rate > 0 else { return nil }
        return buckets.withLock { buckets in
            var bucket = buckets[key] ?? Bucket(tokens: burst, at: now)
            bucket.tokens = min(burst, bucket.tokens + (now - bucket.at) / .seconds(1) * rate)
            bucket.at = now
            defer { buckets[key] = bucket }
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                return nil
            }
            return max(1, Int(((1 - bucket.tokens) / rate).rounded(.up)))
        }
    }
}
