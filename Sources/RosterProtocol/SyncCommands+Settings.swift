import SCIMCore
import SwiftProtobuf

/// System-wide settings held by the sync worker and polled by every ingress (e.g. `audit.enabled`).
public struct Settings: WireCodable, Equatable {
    /// Whether the ingress records audit records; off unless an admin turned it on.
    public static let auditEnabled = "audit.enabled"
    /// The keys an admin may set, with the values each accepts.
    public static let allowed: [String: Set<String>] = [auditEnabled: ["true", "false"]]

    public var values: [String: String]

    public init(values: [String: String]) { self.values = values }

    public init(message m: Roster_V1_Settings) { values = m.values }

    public var message: Roster_V1_Settings {
        var m = Roster_V1_Settings()
        m.values = values
        return m
    }

    public var isAuditEnabled: Bool { values[Self.auditEnabled] == "true" }
}

public struct GetSettings: ParameterlessCommand {
    public static let name = "sync.getSettings"
    public typealias Reply = Settings
    public typealias Message = Roster_V1_GetSettings
    public init() {}
}

/// Sets one setting (only keys and values in ``Settings/allowed``); replies with all settings.
public struct PutSetting: Command {
    public static let name = "sync.putSetting"
    public typealias Reply = Settings
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }

    public init(message m: Roster_V1_PutSetting) { self.init(key: m.key, value: m.value) }

    public var message: Roster_V1_PutSetting {
        var m = Roster_V1_PutSetting()
        m.key = key
        m.value = value
        return m
    }
}
