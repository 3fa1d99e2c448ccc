public import Foundation
public import SCIMCore
import SwiftProtobuf

/// A command about one directory's resources: a store worker refuses it while that directory is
/// being moved to another shard (writes) or once it has moved (reads too); see ``DirectoryMoveState``.
public protocol DirectoryScoped {
    var directoryID: String { get }
}

/// Where an online reshard stands for one directory on one shard.
public enum DirectoryMoveState: String, Sendable, CaseIterable {
    /// Its rows are being copied to another shard: reads are served, writes refused.
    case moving
    /// It lives on another shard now: everything is refused, until the routers know.
    case moved

    /// The detail of the 503 a store worker answers for a directory in a move; routers that see
    /// it wait briefly and send again (to the new shard once their shard map says so), so an
    /// IdP sees a slower answer, not an error.
    public static let refusalPrefix = "The directory is moving to another shard"

    public func refusal(_ directoryID: String) -> SCIMError {
        .unavailable("\(Self.refusalPrefix) (\(rawValue)); send the request again in a moment.", retryAfter: 1)
    }
}

extension SCIMError {
    /// A refusal of ``DirectoryMoveState``: retried by routers, never a real failure.
    public var isDirectoryMove: Bool { status == 503 && detail.hasPrefix(DirectoryMoveState.refusalPrefix) }
}

/// Sets (or clears, with nil) a directory's move state on one shard.
public struct SetDirectoryMove: Command {
    public static let name = "store.setDirectoryMove"
    public typealias Reply = Empty
    public var directoryID: String
    public var state: DirectoryMoveState?
    public init(directoryID: String, state: DirectoryMoveState?) {
        self.directoryID = directoryID
        self.state = state
    }
    public init(message m: Roster_V1_SetDirectoryMove) { self.init(directoryID: m.directoryID, state: DirectoryMoveState(rawValue: m.state)) }
    public var message: Roster_V1_SetDirectoryMove {
        .with {
            $0.directoryID = directoryID
            $0.state = state?.rawValue ?? ""
        }
    }
}

/// The rows of a directory that is `moving`, as an SQLite file of the store's schema.
public struct ExportDirectory: Command {
    public static let name = "store.exportDirectory"
    public typealias Reply = DirectoryExport
    public var directoryID: String
    public init(directoryID: String) { self.directoryID = directoryID }
    public init(message m: Roster_V1_ExportDirectory) { directoryID = m.directoryID }
    public var message: Roster_V1_ExportDirectory { .with { $0.directoryID = directoryID } }
}

public struct DirectoryExport: WireCodable, Equatable {
    public var store: Data
    public var counts: String
    public init(store: Data, counts: String) {
        self.store = store
        self.counts = counts
    }
    public init(message m: Roster_V1_DirectoryExport) { self.init(store: m.store, counts: m.counts) }
    public var message: Roster_V1_DirectoryExport {
        .with {
            $0.store = store
            $0.counts = counts
        }
    }
}

/// Replaces a shard's rows of a directory with an ``ExportDirectory`` reply.
public struct ImportDirectory: Command {
    public static let name = "store.importDirectory"
    public typealias Reply = DirectoryImported
    public var directoryID: String
    public var store: Data
    public init(directoryID: String, store: Data) {
        self.directoryID = directoryID
        self.store = store
    }
    public init(message m: Roster_V1_ImportDirectory) { self.init(directoryID: m.directoryID, store: m.store) }
    public var message: Roster_V1_ImportDirectory {
        .with {
            $0.directoryID = directoryID
            $0.store = store
        }
    }
}

public struct DirectoryImported: WireCodable, Equatable {
    public var counts: String
    public init(counts: String) { self.counts = counts }
    public init(message m: Roster_V1_DirectoryImported) { counts = m.counts }
    public var message: Roster_V1_DirectoryImported { .with { $0.counts = counts } }
}

/// Which shard holds a directory of one kind: an override, else `fnv1a(directory) mod base`
/// (`base` 0: mod the router's endpoint count, a deployment never resharded online).
public struct ShardPlacement: WireCodable, Equatable {
    public var base: Int
    public var overrides: [String: Int]
    public init(base: Int = 0, overrides: [String: Int] = [:]) {
        self.base = base
        self.overrides = overrides
    }
    public init(message m: Roster_V1_ShardPlacement) { self.init(base: Int(m.base), overrides: m.overrides.mapValues { Int($0) }) }
    public var message: Roster_V1_ShardPlacement {
        .with {
            $0.base = Int64(base)
            $0.overrides = overrides.mapValues { Int64($0) }
        }
    }

    /// The shard of `directory` for a router with `endpoints` shards.
    public func shard(of directory: String, endpoints: Int) -> Int {
        overrides[directory] ?? ShardPlacement.hash(directory, base > 0 ? base : endpoints)
    }

    /// `fnv1a(key) mod count`: the placement of a directory no reshard has moved.
    public static func hash(_ key: String, _ count: Int) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return Int(hash % UInt64(max(1, count)))
    }

    /// The highest shard index this placement can name, +1.
    public var shardsNeeded: Int { max(base, (overrides.values.max() ?? -1) + 1) }
}

public struct GetShardMap: ParameterlessCommand {
    public static let name = "sync.shardMap"
    public typealias Reply = ShardMap
    public typealias Message = Roster_V1_GetShardMap
    public init() {}
}

public struct ShardMap: WireCodable, Equatable {
    public var users: ShardPlacement
    public var groups: ShardPlacement
    public init(users: ShardPlacement = .init(), groups: ShardPlacement = .init()) {
        self.users = users
        self.groups = groups
    }
    public init(message m: Roster_V1_ShardMap) { self.init(users: .init(message: m.users), groups: .init(message: m.groups)) }
    public var message: Roster_V1_ShardMap {
        .with {
            $0.users = users.message
            $0.groups = groups.message
        }
    }
}

/// Queues an online reshard (`roster reshard` while the system runs); 0 leaves a kind unchanged.
public struct StartReshard: Command {
    public static let name = "sync.reshard"
    public typealias Reply = Job
    public var usersShards: Int
    public var groupsShards: Int
    public init(usersShards: Int, groupsShards: Int) {
        self.usersShards = usersShards
        self.groupsShards = groupsShards
    }
    public init(message m: Roster_V1_StartReshard) { self.init(usersShards: Int(m.usersShards), groupsShards: Int(m.groupsShards)) }
    public var message: Roster_V1_StartReshard {
        .with {
            $0.usersShards = Int64(usersShards)
            $0.groupsShards = Int64(groupsShards)
        }
    }
}

// The commands of the users and groups stores that touch one directory's resources.
extension CreateUser: DirectoryScoped {}
extension GetUser: DirectoryScoped {}
extension ReplaceUser: DirectoryScoped {}
extension PatchUser: DirectoryScoped {}
extension DeleteUser: DirectoryScoped {}
extension QueryUsers: DirectoryScoped { public var directoryID: String { query.directoryID } }
extension MissingUsers: DirectoryScoped {}
extension RecordLogins: DirectoryScoped {}
extension CreateGroup: DirectoryScoped {}
extension GetGroup: DirectoryScoped {}
extension ReplaceGroup: DirectoryScoped {}
extension PatchGroup: DirectoryScoped {}
extension DeleteGroup: DirectoryScoped {}
extension QueryGroups: DirectoryScoped { public var directoryID: String { query.directoryID } }
extension GroupsOfMembers: DirectoryScoped {}
extension ApplyUserEvent: DirectoryScoped {}
extension GroupMembersPage: DirectoryScoped {}
extension JoinGroups: DirectoryScoped {}
extension CreateResource: DirectoryScoped {}
extension GetResource: DirectoryScoped {}
extension ReplaceResource: DirectoryScoped {}
extension PatchResource: DirectoryScoped {}
extension DeleteResource: DirectoryScoped {}
extension QueryResources: DirectoryScoped { public var directoryID: String { query.directoryID } }
