public import SCIMCore
import SwiftProtobuf

/// One line of a configuration's compatibility report: a client it was, a tolerance its
/// requests needed, or an undeclared extension they carried.
public struct Observation: WireCodable, Equatable {
    public enum Kind: String, Sendable, CaseIterable { case client, tolerance, undeclaredExtension }

    public var configurationID: String
    public var kind: Kind
    public var name: String
    /// `client`: its last User-Agent; `undeclaredExtension`: the attribute names, comma-separated.
    public var detail: String
    public var count: Int
    public var firstSeen: String
    public var lastSeen: String

    public init(configurationID: String, kind: Kind, name: String, detail: String = "", count: Int, firstSeen: String, lastSeen: String) {
        self.configurationID = configurationID
        self.kind = kind
        self.name = name
        self.detail = detail
        self.count = count
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
    }

    public init(message m: Roster_V1_Observation) throws(SCIMError) {
        guard let kind = Kind(rawValue: m.kind) else { throw SCIMError.protocolError("Unknown observation kind '\(m.kind)'.") }
        self.init(configurationID: m.configurationID, kind: kind, name: m.name, detail: m.detail, count: Int(m.count), firstSeen: m.firstSeen, lastSeen: m.lastSeen)
    }

    public var message: Roster_V1_Observation {
        .with {
            $0.configurationID = configurationID
            $0.kind = kind.rawValue
            $0.name = name
            $0.detail = detail
            $0.count = Int64(count)
            $0.firstSeen = firstSeen
            $0.lastSeen = lastSeen
        }
    }
}

/// An ingress's counts since its last report, added to the stored ones.
public struct RecordObservations: Command {
    public static let name = "sync.recordObservations"
    public typealias Reply = Empty
    public var observations: [Observation]
    public init(observations: [Observation]) { self.observations = observations }
    public init(message m: Roster_V1_RecordObservations) throws(SCIMError) {
        observations = try m.observations.map { o throws(SCIMError) in try Observation(message: o) }
    }
    public var message: Roster_V1_RecordObservations { .with { $0.observations = observations.map(\.message) } }
}

public struct ListObservations: Command {
    public static let name = "sync.listObservations"
    public typealias Reply = ObservationList
    public var configurationID: String?
    public init(configurationID: String? = nil) { self.configurationID = configurationID }
    public init(message m: Roster_V1_ListObservations) { configurationID = m.hasConfigurationID ? m.configurationID : nil }
    public var message: Roster_V1_ListObservations {
        var m = Roster_V1_ListObservations()
        if let configurationID { m.configurationID = configurationID }
        return m
    }
}

public struct ObservationList: WireCodable, Equatable {
    public var observations: [Observation]
    public init(observations: [Observation]) { self.observations = observations }
    public init(message m: Roster_V1_ObservationList) throws(SCIMError) {
        observations = try m.observations.map { o throws(SCIMError) in try Observation(message: o) }
    }
    public var message: Roster_V1_ObservationList { .with { $0.observations = observations.map(\.message) } }
}
