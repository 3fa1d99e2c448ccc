public import SCIMCore

/// System-wide settings held by the sync worker and polled by every ingress (e.g. `audit.enabled`).
public struct Settings: WireCodable, Equatable {
    /// Whether the ingress records audit records; off unless an admin turned it on.
    public static let auditEnabled = "audit.enabled"
    /// The keys an admin may set, with the values each accepts.
    public static let allowed: [String: Set<String>] = [auditEnabled: ["true", "false"]]

    public var values: [String: String]

    public init(values: [String: String]) { self.values = values }

    public init(wire: WireObject) throws(SCIMError) {
        values = try wire.object("values").compactMapValues(\.stringValue)
    }

    public var wire: [String: JSONValue] { ["values": .object(values.mapValues(JSONValue.string))] }

    public var isAuditEnabled: Bool { values[Self.auditEnabled] == "true" }
}

public struct GetSettings: ParameterlessCommand {
    public static let name = "sync.getSettings"
    public typealias Reply = Settings
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

    public init(wire: WireObject) throws(SCIMError) { self.init(key: try wire.string("key"), value: try wire.string("value")) }
    public var wire: [String: JSONValue] { ["key": .string(key), "value": .string(value)] }
}
