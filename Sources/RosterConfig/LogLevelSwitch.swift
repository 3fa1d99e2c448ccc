public import Logging
import Synchronization

/// The log level of this process, changeable while it runs (`roster log-level`): every logger the
/// process made reads it on each call, so a change applies at once. Not persisted: a restarted
/// process is back at its startup level (`log.level`).
public final class LogLevelSwitch: Sendable {
    public static let shared = LogLevelSwitch()

    private struct State {
        var startup: Logger.Level = .info
        var current: Logger.Level = .info
        /// When the runtime level returns to the startup one by itself.
        var until: ContinuousClock.Instant?
    }

    private let state = Mutex(State())

    public var level: Logger.Level {
        state.withLock { s in
            if let until = s.until, ContinuousClock.now >= until {
                s.current = s.startup
                s.until = nil
            }
            return s.current
        }
    }

    /// The startup level (`log.level`); also the current one.
    public func start(at level: Logger.Level) {
        state.withLock {
            $0.startup = level
            $0.current = level
            $0.until = nil
        }
    }

    /// A runtime level, for `duration` (nil: until changed); nil level: back to the startup level.
    public func set(_ level: Logger.Level?, for duration: Duration? = nil) {
        state.withLock { s in
            s.current = level ?? s.startup
            s.until = level == nil ? nil : duration.map { ContinuousClock.now + $0 }
        }
    }

    public var startupLevel: Logger.Level { state.withLock { $0.startup } }
}
