public import SCIMCore

/// A stored group and, when asked for, its members.
public struct StoredGroup: WireCodable, Equatable {
    public var resource: StoredResource
    /// nil when the members were not read (`excludedAttributes=members`).
    public var members: [GroupMember]?

    public init(resource: StoredResource, members: [GroupMember]?) {
        self.resource = resource
        self.members = members
    }

    public init(wire: WireObject) throws(SCIMError) {
        self.init(resource: try StoredResource(wire: WireObject(try wire.object("resource"))),
                  members: try wire.members["members"]?.arrayValue.map { v throws(SCIMError) in try GroupMember.list(v) })
    }

    public var wire: [String: JSONValue] {
        ["resource": .object(resource.wire), "members": members.map { .array($0.map(\.json)) } ?? .null]
    }
}

public struct GroupQueryResult: WireCodable, Equatable {
    public var totalResults: Int
    public var groups: [StoredGroup]

    public init(totalResults: Int, groups: [StoredGroup]) {
        self.totalResults = totalResults
        self.groups = groups
    }

    public init(wire: WireObject) throws(SCIMError) {
        self.init(totalResults: try wire.int("totalResults"), groups: try wire.list("groups", of: StoredGroup.self))
    }

    public var wire: [String: JSONValue] {
        ["totalResults": .int(Int64(totalResults)), "groups": .array(groups.map { .object($0.wire) })]
    }
}

/// Creates a group. `attributes` (normalised, without `members`) and `members` (already checked to be users of the directory).
public struct CreateGroup: Command {
    public static let name = "groups.create"
    public typealias Reply = StoredGroup
    public var directoryID: String
    public var attributes: [String: JSONValue]
    public var members: [GroupMember]

    public init(directoryID: String, attributes: [String: JSONValue], members: [GroupMember]) {
        self.directoryID = directoryID
        self.attributes = attributes
        self.members = members
    }

    public init(wire: WireObject) throws(SCIMError) {
        self.init(directoryID: try wire.string("directoryID"), attributes: try wire.object("attributes"), members: try GroupMember.list(try wire.array("members")))
    }

    public var wire: [String: JSONValue] {
        ["directoryID": .string(directoryID), "attributes": .object(attributes), "members": .array(members.map(\.json))]
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

    public init(wire: WireObject) throws(SCIMError) {
        self.init(directoryID: try wire.string("directoryID"), id: try wire.string("id"), includeMembers: wire.members["includeMembers"] == .bool(true))
    }

    public var wire: [String: JSONValue] { ["directoryID": .string(directoryID), "id": .string(id), "includeMembers": .bool(includeMembers)] }
}

/// PUT: replaces the attributes and the whole member list.
public struct ReplaceGroup: Command {
    public static let name = "groups.replace"
    public typealias Reply = StoredGroup
    public var directoryID: String
    public var id: String
    public var attributes: [String: JSONValue]
    public var members: [GroupMember]
    public var ifMatch: Int?

    public init(directoryID: String, id: String, attributes: [String: JSONValue], members: [GroupMember], ifMatch: Int?) {
        self.directoryID = directoryID
        self.id = id
        self.attributes = attributes
        self.members = members
        self.ifMatch = ifMatch
    }

    public init(wire: WireObject) throws(SCIMError) {
        self.init(directoryID: try wire.string("directoryID"), id: try wire.string("id"), attributes: try wire.object("attributes"),
                  members: try GroupMember.list(try wire.array("members")), ifMatch: wire.optionalInt("ifMatch"))
    }

    public var wire: [String: JSONValue] {
        ["directoryID": .string(directoryID), "id": .string(id), "attributes": .object(attributes), "members": .array(members.map(\.json)),
         "ifMatch": ifMatch.json]
    }
}

/// PATCH: membership operations touch one row per member; other operations apply to the group's attributes.
public struct PatchGroup: Command {
    public static let name = "groups.patch"
    public typealias Reply = StoredGroup
    public var directoryID: String
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

    public init(wire: WireObject) throws(SCIMError) {
        self.init(directoryID: try wire.string("directoryID"), id: try wire.string("id"), operations: .array(try wire.array("operations")),
                  ifMatch: wire.optionalInt("ifMatch"), includeMembers: wire.members["includeMembers"] == .bool(true))
    }

    public var wire: [String: JSONValue] {
        ["directoryID": .string(directoryID), "id": .string(id), "operations": operations, "ifMatch": ifMatch.json, "includeMembers": .bool(includeMembers)]
    }
}

public struct DeleteGroup: DeleteCommand {
    public static let name = "groups.delete"
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

    public init(wire: WireObject) throws(SCIMError) {
        self.init(query: try ResourceQuery(wire: wire), includeMembers: wire.members["includeMembers"] == .bool(true))
    }

    public var wire: [String: JSONValue] { query.wire.merging(["includeMembers": .bool(includeMembers)]) { $1 } }
}
