public import Foundation
public import SCIMCore
import SwiftProtobuf

/// A stored group and, when asked for, its members.
public struct StoredGroup: WireCodable, Equatable {
    public var resource: StoredResource
    /// nil when the members were not read (`excludedAttributes=members`).
    public var members: [GroupMember]?

    public init(resource: StoredResource, members: [GroupMember]?) {
        self.resource = resource
        self.members = members
    }

    public init(message m: Roster_V1_StoredGroup) throws(SCIMError) {
        self.init(resource: try StoredResource(message: m.resource), members: m.hasMembers ? m.members.members.map(GroupMember.init(message:)) : nil)
    }

    public var message: Roster_V1_StoredGroup {
        var m = Roster_V1_StoredGroup()
        m.resource = resource.message
        if let members { m.members = .with { $0.members = members.map(\.message) } }
        return m
    }
}

public struct GroupQueryResult: WireCodable, Equatable {
    public var totalResults: Int
    public var groups: [StoredGroup]

    public init(totalResults: Int, groups: [StoredGroup]) {
        self.totalResults = totalResults
        self.groups = groups
    }

    public init(message m: Roster_V1_GroupQueryResult) throws(SCIMError) {
        self.init(totalResults: Int(m.totalResults), groups: try m.groups.map { g throws(SCIMError) in try StoredGroup(message: g) })
    }

    public var message: Roster_V1_GroupQueryResult {
        var m = Roster_V1_GroupQueryResult()
        m.totalResults = Int64(totalResults)
        m.groups = groups.map(\.message)
        return m
    }
}

/// Creates a group. `attributes` (normalised, without `members`) and `members` (already checked to be users of the directory).
public struct CreateGroup: Command {
    public static let name = "groups.create"
    public typealias Reply = StoredGroup
    public var directoryID: String
    /// The directory's declared extension schemas for this type (`DeclaredSchemas.wire`); empty: none.
    public var extensions: [UInt8] = []
    /// The normalised attributes and their canonical JSON.
    public var body: CanonicalAttributes
    public var attributes: [String: JSONValue] { body.object }
    public var attributesJSON: Data { body.json }
    public var members: [GroupMember]

    public init(directoryID: String, attributes: [String: JSONValue], members: [GroupMember]) {
        self.directoryID = directoryID
        self.body = CanonicalAttributes(attributes)
        self.members = members
    }

    public init(message m: Roster_V1_CreateGroup) throws(SCIMError) {
        directoryID = m.directoryID
        body = try CanonicalAttributes(json: m.attributesJson)
        members = m.members.map(GroupMember.init(message:))
        extensions = Array(m.extensionsJson)
    }

    public var message: Roster_V1_CreateGroup {
        var m = Roster_V1_CreateGroup()
        m.directoryID = directoryID
        m.attributesJson = attributesJSON
        m.members = members.map(\.message)
        m.extensionsJson = Data(extensions)
        return m
    }
}

public struct GetGroup: Command {
    public static let name = "groups.get"
    public typealias Reply = StoredGroup
    public var directoryID: String
    public var id: String
    public var includeMembers: Bool

    public init(directoryID: String, id: String, includeMembers: Bool) {
        self.directoryID = directoryID
        self.id = id
        self.includeMembers = includeMembers
    }

    public init(message m: Roster_V1_GetGroup) { self.init(directoryID: m.directoryID, id: m.id, includeMembers: m.includeMembers) }

    public var message: Roster_V1_GetGroup {
        var m = Roster_V1_GetGroup()
        m.directoryID = directoryID
        m.id = id
        m.includeMembers = includeMembers
        return m
    }
}

/// PUT: replaces the attributes and the whole member list.
public struct ReplaceGroup: Command {
    public static let name = "groups.replace"
    public typealias Reply = StoredGroup
    public var directoryID: String
    /// The directory's declared extension schemas for this type (`DeclaredSchemas.wire`); empty: none.
    public var extensions: [UInt8] = []
    public var id: String
    /// The normalised attributes and their canonical JSON.
    public var body: CanonicalAttributes
    public var attributes: [String: JSONValue] { body.object }
    public var attributesJSON: Data { body.json }
    public var members: [GroupMember]
    public var ifMatch: Int?

    public init(directoryID: String, id: String, attributes: [String: JSONValue], members: [GroupMember], ifMatch: Int?) {
        self.directoryID = directoryID
        self.id = id
        self.body = CanonicalAttributes(attributes)
        self.members = members
        self.ifMatch = ifMatch
    }

    public init(message m: Roster_V1_ReplaceGroup) throws(SCIMError) {
        directoryID = m.directoryID
        id = m.id
        body = try CanonicalAttributes(json: m.attributesJson)
        members = m.members.map(GroupMember.init(message:))
        ifMatch = m.hasIfMatch ? Int(m.ifMatch) : nil
        extensions = Array(m.extensionsJson)
    }

    public var message: Roster_V1_ReplaceGroup {
        var m = Roster_V1_ReplaceGroup()
        m.directoryID = directoryID
        m.id = id
        m.attributesJson = attributesJSON
        m.members = members.map(\.message)
        if let ifMatch { m.ifMatch = Int64(ifMatch) }
        m.extensionsJson = Data(extensions)
        return m
    }
}

/// PATCH: membership operations touch one row per member; other operations apply to the group's attributes.
public struct PatchGroup: Command {
    public static let name = "groups.patch"
    public typealias Reply = StoredGroup
    public var directoryID: String
    /// The directory's declared extension schemas for this type (`DeclaredSchemas.wire`); empty: none.
    public var extensions: [UInt8] = []
    public var id: String
    public var operations: JSONValue
    public var ifMatch: Int?
    public var includeMembers: Bool

    public init(directoryID: String, id: String, operations: JSONValue, ifMatch: Int?, includeMembers: Bool) {
        self.directoryID = directoryID
        self.id = id
        self.operations = operations
        self.ifMatch = ifMatch
        self.includeMembers = includeMembers
    }

    public init(message m: Roster_V1_PatchGroup) throws(SCIMError) {
        self.init(directoryID: m.directoryID, id: m.id, operations: try WireJSON.value(m.operationsJson, field: "operations"),
                  ifMatch: m.hasIfMatch ? Int(m.ifMatch) : nil, includeMembers: m.includeMembers)
        extensions = Array(m.extensionsJson)
    }

    public var message: Roster_V1_PatchGroup {
        var m = Roster_V1_PatchGroup()
        m.directoryID = directoryID
        m.id = id
        m.operationsJson = WireJSON.bytes(operations)
        if let ifMatch { m.ifMatch = Int64(ifMatch) }
        m.includeMembers = includeMembers
        m.extensionsJson = Data(extensions)
        return m
    }
}

public struct DeleteGroup: DeleteCommand {
    public static let name = "groups.delete"
    public typealias Message = Roster_V1_DeleteGroup
    public var directoryID: String
    public var id: String
    public var ifMatch: Int?

    public init(directoryID: String, id: String, ifMatch: Int?) {
        self.directoryID = directoryID
        self.id = id
        self.ifMatch = ifMatch
    }
}

public struct QueryGroups: Command {
    public static let name = "groups.query"
    public typealias Reply = GroupQueryResult
    public var query: ResourceQuery
    public var includeMembers: Bool

    public init(query: ResourceQuery, includeMembers: Bool) {
        self.query = query
        self.includeMembers = includeMembers
    }

    public init(message m: Roster_V1_QueryGroups) {
        self.init(query: ResourceQuery(message: m.query), includeMembers: m.includeMembers)
    }

    public var message: Roster_V1_QueryGroups {
        var m = Roster_V1_QueryGroups()
        m.query = query.message
        m.includeMembers = includeMembers
        return m
    }
}
