public import Foundation
import SwiftProtobuf
public import SCIMCore

/// One effect on a directory in the change feed (docs/change-feed.md).
public struct ChangeEvent: WireCodable, Equatable {
    public var eventID: String
    public var directoryID: String
    /// `user.created`, `group.member.added` … (``ChangeEvent/Kind``).
    public var type: String
    public var resourceType: String
    public var resourceID: String
    /// The resource's version after the change; 0 when it is gone.
    public var version: Int
    /// When the effect committed (RFC 3339).
    public var at: String
    public var configurationID: String?
    /// Attributes the change touched, lower case.
    public var changed: [String]
    /// A JSON object: the resource after the change (no secrets), or the member's details.
    public var data: Data
    /// The directory's sequence number; 0 until the sync worker appends it.
    public var seq: Int64

    public init(eventID: String, directoryID: String, type: String, resourceType: String, resourceID: String, version: Int, at: String,
                configurationID: String? = nil, changed: [String] = [], data: Data = Data("{}".utf8), seq: Int64 = 0) {
        self.eventID = eventID
        self.directoryID = directoryID
        self.type = type
        self.resourceType = resourceType
        self.resourceID = resourceID
        self.version = version
        self.at = at
        self.configurationID = configurationID
        self.changed = changed
        self.data = data
        self.seq = seq
    }

    public init(message m: Roster_V1_ChangeEvent) {
        self.init(eventID: m.eventID, directoryID: m.directoryID, type: m.type, resourceType: m.resourceType, resourceID: m.resourceID, version: Int(m.version),
                  at: m.at, configurationID: m.hasConfigurationID ? m.configurationID : nil, changed: m.changed, data: m.data, seq: m.seq)
    }

    public var message: Roster_V1_ChangeEvent {
        var m = Roster_V1_ChangeEvent()
        m.eventID = eventID
        m.directoryID = directoryID
        m.type = type
        m.resourceType = resourceType
        m.resourceID = resourceID
        m.version = Int64(version)
        m.at = at
        if let configurationID { m.configurationID = configurationID }
        m.changed = changed
        m.data = data
        m.seq = seq
        return m
    }

    /// The event as consumers read it (the pull API and webhooks): `data` inline as JSON.
    public var json: JSONValue {
        var object: [String: JSONValue] = ["id": .string(eventID), "seq": .int(seq), "directoryId": .string(directoryID), "type": .string(type)]
        object["resourceType"] = .string(resourceType)
        object["resourceId"] = .string(resourceID)
        object["version"] = .int(Int64(version))
        object["at"] = .string(at)
        object["data"] = (try? JSONValue.parse(Array(data))) ?? .object([:])
        if let configurationID { object["configurationId"] = .string(configurationID) }
        if !changed.isEmpty { object["changed"] = .array(changed.map { .string($0) }) }
        return .object(object)
    }
}

/// Events from a store's feed relay, appended to their directories' feeds once per event id.
public struct AppendChanges: Command {
    public static let name = "sync.appendChanges"
    public typealias Reply = ChangesAppended
    public var events: [ChangeEvent]
    public init(events: [ChangeEvent]) { self.events = events }
    public init(message m: Roster_V1_AppendChanges) { events = m.events.map(ChangeEvent.init(message:)) }
    public var message: Roster_V1_AppendChanges { .with { $0.events = events.map(\.message) } }
}

public struct ChangesAppended: WireCodable, Equatable {
    public var appended: Int
    public var duplicates: Int
    public init(appended: Int, duplicates: Int) {
        self.appended = appended
        self.duplicates = duplicates
    }
    public init(message m: Roster_V1_ChangesAppended) { self.init(appended: Int(m.appended), duplicates: Int(m.duplicates)) }
    public var message: Roster_V1_ChangesAppended { .with { $0.appended = Int32(appended); $0.duplicates = Int32(duplicates) } }
}

/// A page of a directory's feed after a cursor; a cursor older than retention kept is a 410.
public struct ReadChanges: Command {
    public static let name = "sync.readChanges"
    public typealias Reply = ChangePage
    public var directoryID: String
    public var after: Int64
    public var limit: Int
    public init(directoryID: String, after: Int64, limit: Int) {
        self.directoryID = directoryID
        self.after = after
        self.limit = limit
    }
    public init(message m: Roster_V1_ReadChanges) { self.init(directoryID: m.directoryID, after: m.after, limit: Int(m.limit)) }
    public var message: Roster_V1_ReadChanges { .with { $0.directoryID = directoryID; $0.after = after; $0.limit = Int32(clamping: limit) } }
}

public struct ChangePage: WireCodable, Equatable {
    public var events: [ChangeEvent]
    /// The directory's last sequence number, and the oldest still kept (0: none kept).
    public var head: Int64
    public var oldest: Int64
    public init(events: [ChangeEvent], head: Int64, oldest: Int64) {
        self.events = events
        self.head = head
        self.oldest = oldest
    }
    public init(message m: Roster_V1_ChangePage) { self.init(events: m.events.map(ChangeEvent.init(message:)), head: m.head, oldest: m.oldest) }
    public var message: Roster_V1_ChangePage { .with { $0.events = events.map(\.message); $0.head = head; $0.oldest = oldest } }
}

extension SCIMError {
    /// A feed cursor older than what retention kept: the consumer must read the directory anew.
    public static func cursorExpired(_ detail: String) -> SCIMError {
        SCIMError(status: 410, detail: detail)
    }
}
