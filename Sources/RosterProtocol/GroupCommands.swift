public import SCIMCore

/// One member of a group: a user id, with the display and type the client gave.
public struct GroupMember: Sendable, Equatable, Hashable {
    public var value: String
    public var display: String?
    public var type: String?

    public init(value: String, display: String? = nil, type: String? = nil) {
        self.value = value
        self.display = display
        self.type = type
    }

    /// Reads a `members` element (`{"value": …, "display": …, "type": …}`); keys in any case.
    public init(element: JSONValue) throws(SCIMError) {
        guard let object = element.objectValue, let value = object[caseInsensitive: "value"]?.stringValue, !value.isEmpty else {
            throw SCIMError.invalidValue("Each member needs a 'value': the id of a user.")
        }
        let type = object[caseInsensitive: "type"]?.stringValue
        if let type, type.lowercased() == "group" {
            throw SCIMError.invalidValue("Groups as members of groups are not supported yet (member '\(value)').")
        }
        if let type, type.lowercased() != "user" {
            throw SCIMError.invalidValue("Member type '\(type)' is not one of User, Group.")
        }
        self.init(value: value, display: object[caseInsensitive: "display"]?.stringValue, type: type.map { _ in "User" })
    }

    public var json: JSONValue {
        var o: [String: JSONValue] = ["value": .string(value)]
        if let display { o["display"] = .string(display) }
        if let type { o["type"] = .string(type) }
        return .object(o)
    }

    static func list(_ values: [JSONValue]) throws(SCIMError) -> [GroupMember] {
        var out: [GroupMember] = []
        for v in values { out.append(try GroupMember(element: v)) }
        return out
    }
}

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
        var groups: [StoredGroup] = []
        for g in try wire.array("groups") {
            guard let o = g.objectValue else { throw SCIMError.internalError("Malformed GroupQueryResult between Roster processes.") }
            groups.append(try StoredGroup(wire: WireObject(o)))
        }
        self.init(totalResults: try wire.int("totalResults"), groups: groups)
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

public struct DeleteGroup: Command {
    public static let name = "groups.delete"
    public typealias Reply = Empty
    public var directoryID: String
    public var id: String
    public var ifMatch: Int?

    public init(directoryID: String, id: String, ifMatch: Int?) {
        self.directoryID = directoryID
        self.id = id
        self.ifMatch = ifMatch
    }

    public init(wire: WireObject) throws(SCIMError) {
        self.init(directoryID: try wire.string("directoryID"), id: try wire.string("id"), ifMatch: wire.optionalInt("ifMatch"))
    }

    public var wire: [String: JSONValue] { ["directoryID": .string(directoryID), "id": .string(id), "ifMatch": ifMatch.json] }
}

public struct QueryGroups: Command {
    public static let name = "groups.query"
    public typealias Reply = GroupQueryResult
    public var directoryID: String
    public var filter: String?
    public var startIndex: Int
    public var count: Int
    public var sortBy: String?
    public var descending: Bool
    public var includeMembers: Bool

    public init(directoryID: String, filter: String?, startIndex: Int, count: Int, sortBy: String?, descending: Bool, includeMembers: Bool) {
        self.directoryID = directoryID
        self.filter = filter
        self.startIndex = startIndex
        self.count = count
        self.sortBy = sortBy
        self.descending = descending
        self.includeMembers = includeMembers
    }

    public init(wire: WireObject) throws(SCIMError) {
        self.init(directoryID: try wire.string("directoryID"), filter: wire.optionalString("filter"), startIndex: try wire.int("startIndex"),
                  count: try wire.int("count"), sortBy: wire.optionalString("sortBy"), descending: wire.members["descending"] == .bool(true),
                  includeMembers: wire.members["includeMembers"] == .bool(true))
    }

    public var wire: [String: JSONValue] {
        ["directoryID": .string(directoryID), "filter": filter.json, "startIndex": .int(Int64(startIndex)), "count": .int(Int64(count)),
         "sortBy": sortBy.json, "descending": .bool(descending), "includeMembers": .bool(includeMembers)]
    }
}

/// Asks the users worker which of `ids` are not users of the directory (member validation).
public struct MissingUsers: Command {
    public static let name = "users.missing"
    public typealias Reply = MissingUsersReply
    public var directoryID: String
    public var ids: [String]

    public init(directoryID: String, ids: [String]) {
        self.directoryID = directoryID
        self.ids = ids
    }

    public init(wire: WireObject) throws(SCIMError) {
        self.init(directoryID: try wire.string("directoryID"), ids: try wire.array("ids").compactMap(\.stringValue))
    }

    public var wire: [String: JSONValue] { ["directoryID": .string(directoryID), "ids": .array(ids.map(JSONValue.string))] }
}

public struct MissingUsersReply: WireCodable, Equatable {
    public var missing: [String]
    public init(missing: [String]) { self.missing = missing }
    public init(wire: WireObject) throws(SCIMError) { missing = try wire.array("missing").compactMap(\.stringValue) }
    public var wire: [String: JSONValue] { ["missing": .array(missing.map(JSONValue.string))] }
}

/// The groups each of `memberIDs` belongs to (for the read-only `groups` attribute of users).
public struct GroupsOfMembers: Command {
    public static let name = "groups.ofMembers"
    public typealias Reply = GroupsOfMembersReply
    public var directoryID: String
    public var memberIDs: [String]

    public init(directoryID: String, memberIDs: [String]) {
        self.directoryID = directoryID
        self.memberIDs = memberIDs
    }

    public init(wire: WireObject) throws(SCIMError) {
        self.init(directoryID: try wire.string("directoryID"), memberIDs: try wire.array("memberIDs").compactMap(\.stringValue))
    }

    public var wire: [String: JSONValue] { ["directoryID": .string(directoryID), "memberIDs": .array(memberIDs.map(JSONValue.string))] }
}

public struct GroupsOfMembersReply: WireCodable, Equatable {
    public struct Membership: Sendable, Equatable {
        public var groupID: String
        public var displayName: String
        public init(groupID: String, displayName: String) {
            self.groupID = groupID
            self.displayName = displayName
        }
    }

    /// Member id → its groups, ordered by group name.
    public var groups: [String: [Membership]]

    public init(groups: [String: [Membership]]) { self.groups = groups }

    public init(wire: WireObject) throws(SCIMError) {
        var groups: [String: [Membership]] = [:]
        for (member, list) in try wire.object("groups") {
            groups[member] = (list.arrayValue ?? []).compactMap { element in
                guard let o = element.objectValue, let id = o["id"]?.stringValue, let name = o["displayName"]?.stringValue else { return nil }
                return Membership(groupID: id, displayName: name)
            }
        }
        self.groups = groups
    }

    public var wire: [String: JSONValue] {
        ["groups": .object(groups.mapValues { .array($0.map { .object(["id": .string($0.groupID), "displayName": .string($0.displayName)]) }) })]
    }
}

/// An effect of a user change on memberships, relayed from the users worker's outbox. Applied at
/// most once per `eventID`.
public struct ApplyUserEvent: Command {
    public static let name = "groups.applyUserEvent"
    public typealias Reply = Empty

    public enum Kind: String, Sendable { case deleted, renamed }

    public var eventID: String
    public var kind: Kind
    public var directoryID: String
    public var userID: String
    /// The member display after a rename.
    public var display: String?

    public init(eventID: String, kind: Kind, directoryID: String, userID: String, display: String?) {
        self.eventID = eventID
        self.kind = kind
        self.directoryID = directoryID
        self.userID = userID
        self.display = display
    }

    public init(wire: WireObject) throws(SCIMError) {
        guard let kind = Kind(rawValue: try wire.string("kind")) else { throw SCIMError.invalidValue("Unknown user event kind.") }
        self.init(eventID: try wire.string("eventID"), kind: kind, directoryID: try wire.string("directoryID"), userID: try wire.string("userID"),
                  display: wire.optionalString("display"))
    }

    public var wire: [String: JSONValue] {
        ["eventID": .string(eventID), "kind": .string(kind.rawValue), "directoryID": .string(directoryID), "userID": .string(userID),
         "display": display.json]
    }
}

/// One page of a group's members, in member-id order after `after`: how a large group is streamed.
public struct GroupMembersPage: Command {
    public static let name = "groups.membersPage"
    public typealias Reply = GroupMembersPageReply
    public var directoryID: String
    public var groupID: String
    public var after: String?
    public var limit: Int

    public init(directoryID: String, groupID: String, after: String?, limit: Int) {
        self.directoryID = directoryID
        self.groupID = groupID
        self.after = after
        self.limit = limit
    }

    public init(wire: WireObject) throws(SCIMError) {
        self.init(directoryID: try wire.string("directoryID"), groupID: try wire.string("groupID"), after: wire.optionalString("after"),
                  limit: try wire.int("limit"))
    }

    public var wire: [String: JSONValue] {
        ["directoryID": .string(directoryID), "groupID": .string(groupID), "after": after.json, "limit": .int(Int64(limit))]
    }
}

public struct GroupMembersPageReply: WireCodable, Equatable {
    public var members: [GroupMember]
    public init(members: [GroupMember]) { self.members = members }
    public init(wire: WireObject) throws(SCIMError) { members = try GroupMember.list(try wire.array("members")) }
    public var wire: [String: JSONValue] { ["members": .array(members.map(\.json))] }
}
