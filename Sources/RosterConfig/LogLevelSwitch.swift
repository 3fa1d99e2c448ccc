import Dispatch
public import Logging
import Synchronization

/// The log level of this process, changeable while it runs (`roster log-level`): every logger the
/// process made reads it on each call, so a change applies at once. Atomics, not a lock: it is
/// read on every log call, skipped ones included. Not persisted: a restarted process is back at
/// its startup level (`log.level`).
public final class LogLevelSwitch: Sendable {
    public static let shared = LogLevelSwitch()

    private static let levels = Logger.Level.allCases
    private let startup = Atomic<UInt8>(2)  // info
    private let current = Atomic<UInt8>(2)
    /// When the runtime level lapses (DispatchTime uptime nanoseconds); 0: never.
    private let until = Atomic<UInt64>(0)

    public init() {}

    public var level: Logger.Level {
        let end = until.load(ordering: .relaxed)
        if end != 0, DispatchTime.now().uptimeNanoseconds >= end {
            current.store(startup.load(ordering: .relaxed), ordering: .relaxed)
            until.store(0, ordering: .relaxed)
        }
        return Self.levels[Int(current.load(ordering: .relaxed))]
    }

    /// The startup level (`log.level`); also the current one.
    public func start(at level: Logger.Level) {
        let index = Self.index(level)
        startup.store(index, ordering: .relaxed)
        until.store(0, ordering: .relaxed)
        current.store(index, ordering: .relaxed)
    }

    /// A runtime level, for `duration` (nil: until changed); nil level: back to the startup level.
    public func set(_ level: Logger.Level?, for duration: Duration? = nil) {
        guard let level else {
            until.store(0, ordering: .relaxed)
            current.store(startup.load(ordering: .relaxed), ordering: .relaxed)
            return
        }
        let nanoseconds = duration.map { UInt64(max(1, $0 / .nanoseconds(1))) }
        until.store(nanoseconds.map { DispatchTime.now().uptimeNanoseconds + $0 } ?? 0, ordering: .relaxed)
        current.store(Self.index(level), ordering: .relaxed)
    }

    public var startupLevel: Logger.Level { Self.levels[Int(startup.load(ordering: .relaxed))] }

    private static func index(_ level: Logger.Level) -> UInt8 { UInt8(levels.firstIndex(of: level) ?? 2) }
}
