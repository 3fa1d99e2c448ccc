import RosterPersistence
import Synchronization

/// What is in flight, and when a failing subscription or link may try again: one delivery at
/// a time each (so in order), and none before its backoff ends.
final class DeliverySchedule: Sendable {
    let state = Mutex<(inFlight: Set<String>, retryAt: [String: ContinuousClock.Instant])>(([], [:]))

    func claim(_ id: String, failing: Bool) -> Bool {
        state.withLock { s in
            if s.inFlight.contains(id) { return false }
            if failing, let at = s.retryAt[id], at > .now { return false }
            s.inFlight.insert(id)
            return true
        }
    }

    /// A delivery ended: its retry time, if it failed; and the store's commit signal moves, so
    /// that the next round comes at once (a full batch delivered may have more behind it).
    func finish(_ id: String, retryAfter wait: Duration?) {
        state.withLock { s in
            s.inFlight.remove(id)
            s.retryAt[id] = wait.map { .now + $0 }
        }
        CommitSignal.bump()
    }

    /// The earliest retry still to come.
    var nextRetry: ContinuousClock.Instant? { state.withLock { $0.retryAt.values.filter { $0 > .now }.min() } }
}
