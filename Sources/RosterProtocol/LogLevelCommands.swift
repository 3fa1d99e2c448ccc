import SwiftProtobuf

/// A worker's log level from now on (`roster log-level`); empty level: its startup level.
public struct SetLogLevel: Command {
    public static let name = "log.setLevel"
    public typealias Reply = Empty
    public var level: String
    public var forMilliseconds: Int64
    public init(level: String, forMilliseconds: Int64 = 0) {
        self.level = level
        self.forMilliseconds = forMilliseconds
    }
    public init(message m: Roster_V1_SetLogLevel) { self.init(level: m.level, forMilliseconds: m.forMs) }
    public var message: Roster_V1_SetLogLevel {
        .with {
            $0.level = level
            $0.forMs = forMilliseconds
        }
    }
}

/// A runtime log level of one service (or `all`), until `untilMilliseconds` (0: until changed).
public struct RuntimeLogLevel: WireCodable, Equatable {
    public static let services = ["all", "ingress", "users", "groups", "sync", "audit"]
    public var service: String
    public var level: String
    public var untilMilliseconds: Int64
    public init(service: String, level: String, untilMilliseconds: Int64) {
        self.service = service
        self.level = level
        self.untilMilliseconds = untilMilliseconds
    }
    public init(message m: Roster_V1_RuntimeLogLevel) { self.init(service: m.service, level: m.level, untilMilliseconds: m.untilMs) }
    public var message: Roster_V1_RuntimeLogLevel {
        .with {
            $0.service = service
            $0.level = level
            $0.untilMs = untilMilliseconds
        }
    }
}

public struct SetRuntimeLogLevel: Command {
    public static let name = "sync.setRuntimeLogLevel"
    public typealias Reply = RuntimeLogLevels
    public var level: RuntimeLogLevel
    public init(level: RuntimeLogLevel) { self.level = level }
    public init(message m: Roster_V1_SetRuntimeLogLevel) { level = RuntimeLogLevel(message: m.level) }
    public var message: Roster_V1_SetRuntimeLogLevel { .with { $0.level = level.message } }
}

public struct GetRuntimeLogLevels: ParameterlessCommand {
    public static let name = "sync.getRuntimeLogLevels"
    public typealias Reply = RuntimeLogLevels
    public typealias Message = Roster_V1_GetRuntimeLogLevels
    public init() {}
}

public struct RuntimeLogLevels: WireCodable, Equatable {
    public var levels: [RuntimeLogLevel]
    public init(levels: [RuntimeLogLevel]) { self.levels = levels }
    public init(message m: Roster_V1_RuntimeLogLevels) { levels = m.levels.map(RuntimeLogLevel.init(message:)) }
    public var message: Roster_V1_RuntimeLogLevels { .with { $0.levels = levels.map(\.message) } }

    /// The level in force for `service`: its own, else the one for all; nil: its startup level.
    public func effective(for service: String) -> (level: String, untilMilliseconds: Int64)? {
        (levels.first { $0.service == service } ?? levels.first { $0.service == "all" }).map { ($0.level, $0.untilMilliseconds) }
    }
}
