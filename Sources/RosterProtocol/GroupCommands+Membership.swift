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

/// A user created through a configuration joins its default and application groups (created when
/// missing). Relayed from the users worker's outbox, applied once per `eventID`.
public struct JoinGroups: Command {
    public static let name = "groups.join"
    public typealias Reply = Empty
    public var eventID: String
    public var directoryID: String
    public var userID: String
    public var display: String?
    public var groupNames: [String]

    public init(eventID: String, directoryID: String, userID: String, display: String?, groupNames: [String]) {
        self.eventID = eventID
        self.directoryID = directoryID
        self.userID = userID
        self.display = display
        self.groupNames = groupNames
    }

    public init(wire: WireObject) throws(SCIMError) {
        self.init(eventID: try wire.string("eventID"), directoryID: try wire.string("directoryID"), userID: try wire.string("userID"),
                  display: wire.optionalString("display"), groupNames: try wire.array("groupNames").compactMap(\.stringValue))
    }

    public var wire: [String: JSONValue] {
        ["eventID": .string(eventID), "directoryID": .string(directoryID), "userID": .string(userID), "display": display.json,
         "groupNames": .array(groupNames.map(JSONValue.string))]
    }
}
