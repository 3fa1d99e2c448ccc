public import Foundation
public import SCIMCore
public import SwiftProtobuf

/// What an import did with one record; see `ImportResult` in common.proto.
public struct ImportResult: Sendable, Equatable {
    public enum Outcome: String, Sendable { case created, unchanged, failed }
    public var line: Int
    public var outcome: Outcome
    public var id: String
    public var reason: String
    public init(line: Int, outcome: Outcome, id: String = "", reason: String = "") {
        self.line = line
        self.outcome = outcome
        self.id = id
        self.reason = reason
    }
}

public struct ImportResults: WireCodable, Equatable {
    public var results: [ImportResult]
    public init(results: [ImportResult]) { self.results = results }
    public init(message m: Roster_V1_ImportResults) {
        results = m.results.map { ImportResult(line: Int($0.line), outcome: .init(rawValue: $0.outcome) ?? .failed, id: $0.id, reason: $0.reason) }
    }
    public var message: Roster_V1_ImportResults {
        .with { $0.results = results.map { r in .with { $0.line = Int64(r.line); $0.outcome = r.outcome.rawValue; $0.id = r.id; $0.reason = r.reason } } }
    }
}

/// Users of an import job, matched by userName or created (`users.import`).
public struct ImportUsers: Command, DirectoryScoped {
    public static let name = "users.import"
    public typealias Reply = ImportResults
    public struct Record: Sendable, Equatable {
        public var line: Int
        public var attributes: [String: JSONValue]
        public init(line: Int, attributes: [String: JSONValue]) {
            self.line = line
            self.attributes = attributes
        }
    }
    public var jobID: String
    public var directoryID: String
    public var records: [Record]
    /// Without a SCIM id: reserved and out of SCIM's sight until a map.
    public var unmapped: Bool
    /// A userName not found is matched by the primary e-mail, when one user alone has it.
    public var matchEmail: Bool
    public init(jobID: String, directoryID: String, records: [Record], unmapped: Bool = false, matchEmail: Bool = false) {
        self.jobID = jobID
        self.directoryID = directoryID
        self.records = records
        self.unmapped = unmapped
        self.matchEmail = matchEmail
    }
    public init(message m: Roster_V1_ImportUsers) throws(SCIMError) {
        var records: [Record] = []
        for r in m.records { records.append(Record(line: Int(r.line), attributes: try WireJSON.object(r.attributesJson, field: "attributes"))) }
        self.init(jobID: m.jobID, directoryID: m.directoryID, records: records, unmapped: m.unmapped, matchEmail: m.matchEmail)
    }
    public var message: Roster_V1_ImportUsers {
        .with {
            $0.jobID = jobID
            $0.directoryID = directoryID
            $0.unmapped = unmapped
            $0.matchEmail = matchEmail
            $0.records = records.map { r in .with { $0.line = Int64(r.line); $0.attributesJson = WireJSON.bytes(r.attributes) } }
        }
    }
}

/// Ids (and userNames) of a directory's users named by id or userName (`users.resolve`).
public struct ResolveUsers: Command, DirectoryScoped {
    public static let name = "users.resolve"
    public typealias Reply = ResolvedUsers
    public var directoryID: String
    public var keys: [String]
    public init(directoryID: String, keys: [String]) {
        self.directoryID = directoryID
        self.keys = keys
    }
    public init(message m: Roster_V1_ResolveUsers) { self.init(directoryID: m.directoryID, keys: m.keys) }
    public var message: Roster_V1_ResolveUsers {
        .with {
            $0.directoryID = directoryID
            $0.keys = keys
        }
    }
}

public struct ResolvedUsers: WireCodable, Equatable {
    public var ids: [String: String]
    public var names: [String: String]
    public init(ids: [String: String], names: [String: String]) {
        self.ids = ids
        self.names = names
    }
    public init(message m: Roster_V1_ResolvedUsers) { self.init(ids: m.ids, names: m.names) }
    public var message: Roster_V1_ResolvedUsers {
        .with {
            $0.ids = ids
            $0.names = names
        }
    }
}

/// An import job ended: the users store forgets which users it created.
public struct ForgetImport: Command {
    public static let name = "users.forgetImport"
    public typealias Reply = Empty
    public var jobID: String
    public init(jobID: String) { self.jobID = jobID }
    public init(message m: Roster_V1_ForgetImport) { jobID = m.jobID }
    public var message: Roster_V1_ForgetImport { .with { $0.jobID = jobID } }
}

/// Groups and named memberships of an import job (`groups.import`).
public struct ImportGroups: Command, DirectoryScoped {
    public static let name = "groups.import"
    public typealias Reply = ImportResults
    public struct Group: Sendable, Equatable {
        public var line: Int
        public var attributes: [String: JSONValue]
        public var members: [GroupMember]
        public init(line: Int, attributes: [String: JSONValue], members: [GroupMember]) {
            self.line = line
            self.attributes = attributes
            self.members = members
        }
    }
    public struct Membership: Sendable, Equatable {
        public var line: Int
        public var userID: String
        public var display: String
        public var groupNames: [String]
        public init(line: Int, userID: String, display: String, groupNames: [String]) {
            self.line = line
            self.userID = userID
            self.display = display
            self.groupNames = groupNames
        }
    }
    public var jobID: String
    public var directoryID: String
    public var groups: [Group]
    public var memberships: [Membership]
    public init(jobID: String, directoryID: String, groups: [Group], memberships: [Membership]) {
        self.jobID = jobID
        self.directoryID = directoryID
        self.groups = groups
        self.memberships = memberships
    }
    public init(message m: Roster_V1_ImportGroups) throws(SCIMError) {
        var groups: [Group] = []
        for g in m.groups {
            groups.append(Group(line: Int(g.line), attributes: try WireJSON.object(g.attributesJson, field: "attributes"), members: g.members.map(GroupMember.init(message:))))
        }
        self.init(jobID: m.jobID, directoryID: m.directoryID, groups: groups,
                  memberships: m.memberships.map { Membership(line: Int($0.line), userID: $0.userID, display: $0.display, groupNames: $0.groupNames) })
    }
    public var message: Roster_V1_ImportGroups {
        .with {
            $0.jobID = jobID
            $0.directoryID = directoryID
            $0.groups = groups.map { g in .with { $0.line = Int64(g.line); $0.attributesJson = WireJSON.bytes(g.attributes); $0.members = g.members.map(\.message) } }
            $0.memberships = memberships.map { m in .with { $0.line = Int64(m.line); $0.userID = m.userID; $0.display = m.display; $0.groupNames = m.groupNames } }
        }
    }
}

/// Part of an uploaded import file, written at its offset (`sync.uploadChunk`).
public struct UploadChunk: Command {
    public static let name = "sync.uploadChunk"
    public typealias Reply = UploadReceived
    public var uploadID: String
    public var offset: Int
    public var data: Data
    public init(uploadID: String, offset: Int, data: Data) {
        self.uploadID = uploadID
        self.offset = offset
        self.data = data
    }
    public init(message m: Roster_V1_UploadChunk) { self.init(uploadID: m.uploadID, offset: Int(m.offset), data: m.data) }
    public var message: Roster_V1_UploadChunk {
        .with {
            $0.uploadID = uploadID
            $0.offset = Int64(offset)
            $0.data = data
        }
    }
}

public struct UploadReceived: WireCodable, Equatable {
    public var bytes: Int
    public init(bytes: Int) { self.bytes = bytes }
    public init(message m: Roster_V1_UploadReceived) { bytes = Int(m.bytes) }
    public var message: Roster_V1_UploadReceived { .with { $0.bytes = Int64(bytes) } }
}

/// Queues the import of an uploaded file into a directory (`sync.startImport`).
public struct StartImport: Command {
    public static let name = "sync.startImport"
    public typealias Reply = Job
    public var directoryID: String
    public var uploadID: String
    public var format: String
    public var bytes: Int
    public var unmapped: Bool
    public init(directoryID: String, uploadID: String, format: String, bytes: Int, unmapped: Bool = false) {
        self.directoryID = directoryID
        self.uploadID = uploadID
        self.format = format
        self.bytes = bytes
        self.unmapped = unmapped
    }
    public init(message m: Roster_V1_StartImport) {
        self.init(directoryID: m.directoryID, uploadID: m.uploadID, format: m.format, bytes: Int(m.bytes), unmapped: m.unmapped)
    }
    public var message: Roster_V1_StartImport {
        .with {
            $0.unmapped = unmapped
            $0.directoryID = directoryID
            $0.uploadID = uploadID
            $0.format = format
            $0.bytes = Int64(bytes)
        }
    }
}

/// A batch of a directory job on a users or groups store: up to `limit` resources, then how many
/// are left (`limit` 0 only counts). The same message shape for every such batch.
public protocol DirectoryBatchMessage: SwiftProtobuf.Message {
    var directoryID: String { get set }
    var limit: Int64 { get set }
}

public protocol DirectoryBatchCommand: Command where Reply == RemovedBatch, Message: DirectoryBatchMessage {
    var directoryID: String { get }
    var limit: Int { get }
    init(directoryID: String, limit: Int)
}

extension DirectoryBatchCommand {
    public init(message m: Message) { self.init(directoryID: m.directoryID, limit: Int(m.limit)) }
    public var message: Message {
        var m = Message()
        m.directoryID = directoryID
        m.limit = Int64(limit)
        return m
    }
}

extension Roster_V1_RemoveDirectoryBatch: DirectoryBatchMessage {}
extension Roster_V1_ClearSCIMBatch: DirectoryBatchMessage {}
extension Roster_V1_MapBatch: DirectoryBatchMessage {}

/// Clears the SCIM ids of up to `limit` users of a directory (`users.clearBatch`).
public struct ClearSCIMBatch: DirectoryBatchCommand, DirectoryScoped {
    public static let name = "users.clearBatch"
    public typealias Message = Roster_V1_ClearSCIMBatch
    public var directoryID: String
    public var limit: Int
    public init(directoryID: String, limit: Int) {
        self.directoryID = directoryID
        self.limit = limit
    }
}

/// Gives up to `limit` accounts of a directory without a SCIM id a new one (`users.mapBatch`).
public struct MapBatch: DirectoryBatchCommand, DirectoryScoped {
    public static let name = "users.mapBatch"
    public typealias Message = Roster_V1_MapBatch
    public var directoryID: String
    public var limit: Int
    public init(directoryID: String, limit: Int) {
        self.directoryID = directoryID
        self.limit = limit
    }
}

/// A job that cannot be undone, confirmed by the directory's name.
public protocol ConfirmedDirectoryMessage: SwiftProtobuf.Message {
    var directoryID: String { get set }
    var confirmName: String { get set }
}

public protocol ConfirmedDirectoryCommand: Command where Reply == Job, Message: ConfirmedDirectoryMessage {
    var directoryID: String { get }
    var confirmName: String { get }
    init(directoryID: String, confirmName: String)
}

extension ConfirmedDirectoryCommand {
    public init(message m: Message) { self.init(directoryID: m.directoryID, confirmName: m.confirmName) }
    public var message: Message {
        var m = Message()
        m.directoryID = directoryID
        m.confirmName = confirmName
        return m
    }
}

extension Roster_V1_RemoveDirectory: ConfirmedDirectoryMessage {}
extension Roster_V1_ClearSCIM: ConfirmedDirectoryMessage {}

/// Queues "clear SCIM data" for a directory, confirmed by its name (`sync.clearSCIM`).
public struct ClearSCIM: ConfirmedDirectoryCommand {
    public static let name = "sync.clearSCIM"
    public typealias Message = Roster_V1_ClearSCIM
    public var directoryID: String
    public var confirmName: String
    public init(directoryID: String, confirmName: String) {
        self.directoryID = directoryID
        self.confirmName = confirmName
    }
}

/// Queues the map ("sync users & groups") of a directory (`sync.map`).
public struct MapDirectory: Command {
    public static let name = "sync.map"
    public typealias Reply = Job
    public var directoryID: String
    public init(directoryID: String) { self.directoryID = directoryID }
    public init(message m: Roster_V1_MapDirectory) { directoryID = m.directoryID }
    public var message: Roster_V1_MapDirectory { .with { $0.directoryID = directoryID } }
}

/// Clears the SCIM ids of up to `limit` groups of a directory (`groups.clearBatch`).
public struct ClearGroupsBatch: DirectoryBatchCommand, DirectoryScoped {
    public static let name = "groups.clearBatch"
    public typealias Message = Roster_V1_ClearSCIMBatch
    public var directoryID: String
    public var limit: Int
    public init(directoryID: String, limit: Int) {
        self.directoryID = directoryID
        self.limit = limit
    }
}

/// Gives up to `limit` groups of a directory without a SCIM id a new one (`groups.mapBatch`).
public struct MapGroupsBatch: DirectoryBatchCommand, DirectoryScoped {
    public static let name = "groups.mapBatch"
    public typealias Message = Roster_V1_MapBatch
    public var directoryID: String
    public var limit: Int
    public init(directoryID: String, limit: Int) {
        self.directoryID = directoryID
        self.limit = limit
    }
}
