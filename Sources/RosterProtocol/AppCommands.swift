public import SCIMCore
import SwiftProtobuf

// Application connectors (apps.proto). These messages are plain records with nothing to derive
// or validate on decoding, so they are used as generated rather than wrapped: each conforms to
// `WireCodable` as itself.

/// An application link of a directory (``Roster_V1_App``).
public typealias App = Roster_V1_App

extension Roster_V1_App: WireCodable {
    public init(message: Roster_V1_App) { self = message }
    public var message: Roster_V1_App { self }

    /// The link as the admin API shows it: never a secret.
    public var json: JSONValue {
        .object([
            "id": .string(id), "directoryId": .string(directoryID), "kind": .string(kind), "url": .string(url), "username": .string(username),
            "auth": .string(auth), "state": .string(state), "reason": .string(reason), "cursor": .int(cursor), "head": .int(head),
            "lag": .int(max(0, head - cursor)), "failureStreak": .int(failureStreak), "lastError": .string(lastError), "failingSince": .string(failingSince),
            "created": .string(created), "groupMap": .object(groupMap.mapValues { .string($0) }), "addToDefaultGroup": .bool(addToDefaultGroup),
            "loginsEverySeconds": .int(loginsEverySeconds), "applied": .int(applied), "requests": .int(requests), "lastApplied": .string(lastApplied),
            "notes": .array(notes.map { .string($0) }), "lastLogins": .string(lastLogins),
        ])
    }
}

extension Roster_V1_AppList: WireCodable {
    public init(message: Roster_V1_AppList) { self = message }
    public var message: Roster_V1_AppList { self }
}

public typealias CreateApp = Roster_V1_CreateApp
extension Roster_V1_CreateApp: Command {
    public static let name = "sync.createApp"
    public typealias Reply = App
    public init(message: Roster_V1_CreateApp) { self = message }
    public var message: Roster_V1_CreateApp { self }
}

public typealias ListApps = Roster_V1_ListApps
extension Roster_V1_ListApps: Command {
    public static let name = "sync.listApps"
    public typealias Reply = Roster_V1_AppList
    public init(message: Roster_V1_ListApps) { self = message }
    public var message: Roster_V1_ListApps { self }
}

public typealias ChangeApp = Roster_V1_ChangeApp
extension Roster_V1_ChangeApp: Command {
    public static let name = "sync.changeApp"
    public typealias Reply = App
    public static let actions = ["pause", "resume", "skip", "delete", "credentials"]
    public init(message: Roster_V1_ChangeApp) { self = message }
    public var message: Roster_V1_ChangeApp { self }
}

public typealias StartAppJob = Roster_V1_StartAppJob
extension Roster_V1_StartAppJob: Command {
    public static let name = "sync.startAppJob"
    public typealias Reply = Job
    public init(message: Roster_V1_StartAppJob) { self = message }
    public var message: Roster_V1_StartAppJob { self }
}

public typealias ListDrift = Roster_V1_ListDrift
extension Roster_V1_ListDrift: Command {
    public static let name = "sync.listDrift"
    public typealias Reply = Roster_V1_DriftList
    public init(message: Roster_V1_ListDrift) { self = message }
    public var message: Roster_V1_ListDrift { self }
}

public typealias Drift = Roster_V1_Drift
extension Roster_V1_DriftList: WireCodable {
    public init(message: Roster_V1_DriftList) { self = message }
    public var message: Roster_V1_DriftList { self }
}

extension Job {
    /// An application's jobs: map its existing accounts, compare it with the directory, read its
    /// last logins. The job's `source` is `app:<app id>`.
    public static let appMap = "app-map"
    public static let appReconcile = "app-reconcile"
    public static let appLogins = "app-logins"
}
