public import SCIMCore
import SwiftProtobuf

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

    public init(message m: Roster_V1_GroupMember) {
        self.init(value: m.value, display: m.hasDisplay ? m.display : nil, type: m.hasType ? m.type : nil)
    }

    public var message: Roster_V1_GroupMember {
        var m = Roster_V1_GroupMember()
        m.value = value
        if let display { m.display = display }
        if let type { m.type = type }
        return m
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

    public init(message m: Roster_V1_MissingUsers) { self.init(directoryID: m.directoryID, ids: m.ids) }

    public var message: Roster_V1_MissingUsers {
        var m = Roster_V1_MissingUsers()
        m.directoryID = directoryID
        m.ids = ids
        return m
    }
}

public struct MissingUsersReply: WireCodable, Equatable {
    public var missing: [String]
    public init(missing: [String]) { self.missing = missing }
    public init(message m: Roster_V1_MissingUsersReply) { missing = m.missing }
    public var message: Roster_V1_MissingUsersReply { .with { $0.missing = missing } }
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

    public init(message m: Roster_V1_GroupsOfMembers) { self.init(directoryID: m.directoryID, memberIDs: m.memberIds) }

    public var message: Roster_V1_GroupsOfMembers {
        var m = Roster_V1_GroupsOfMembers()
        m.directoryID = directoryID
        m.memberIds = memberIDs
        return m
    }
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

    public init(message m: Roster_V1_GroupsOfMembersReply) {
        groups = m.groups.mapValues { $0.memberships.map { Membership(groupID: $0.groupID, displayName: $0.displayName) } }
    }

    public var message: Roster_V1_GroupsOfMembersReply {
        var m = Roster_V1_GroupsOfMembersReply()
        m.groups = groups.mapValues { list in
            .with { $0.memberships = list.map { membership in .with { $0.groupID = membership.groupID; $0.displayName = membership.displayName } } }
        }
        return m
    }
}

/// An effect of a user change on memberships, relayed from the users worker's outbox. Applied at
/// most once per `eventID`.
public struct ApplyUserEvent: Command {
    public static let name = "groups.applyUserEvent"
    public typealias Reply = Empty

    public enum Kind: String, Sendable { case deleted, renamed, reassigned }

    public var eventID: String
    public var kind: Kind
    public var directoryID: String
    public var userID: String
    /// The member display after a rename.
    public var display: String?
    /// The user's new id after a reassignment.
    public var newID: String

    public init(eventID: String, kind: Kind, directoryID: String, userID: String, display: String?, newID: String = "") {
        self.eventID = eventID
        self.kind = kind
        self.directoryID = directoryID
        self.userID = userID
        self.display = display
        self.newID = newID
    }

    public init(message m: Roster_V1_ApplyUserEvent) throws(SCIMError) {
        let kind: Kind
        switch m.kind {
        case .deleted: kind = .deleted
        case .renamed: kind = .renamed
        case .reassigned: kind = .reassigned
        case .unspecified, .UNRECOGNIZED: throw SCIMError.protocolError("Unknown user event kind.")
        }
        self.init(eventID: m.eventID, kind: kind, directoryID: m.directoryID, userID: m.userID, display: m.hasDisplay ? m.display : nil, newID: m.newID)
    }

    public var message: Roster_V1_ApplyUserEvent {
        var m = Roster_V1_ApplyUserEvent()
        m.eventID = eventID
        switch kind {
        case .deleted: m.kind = .deleted
        case .renamed: m.kind = .renamed
        case .reassigned: m.kind = .reassigned
        }
        m.newID = newID
        m.directoryID = directoryID
        m.userID = userID
        if let display { m.display = display }
        return m
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

    public init(message m: Roster_V1_GroupMembersPage) {
        self.init(directoryID: m.directoryID, groupID: m.groupID, after: m.hasAfter ? m.after : nil, limit: Int(m.limit))
    }

    public var message: Roster_V1_GroupMembersPage {
        var m = Roster_V1_GroupMembersPage()
        m.directoryID = directoryID
        m.groupID = groupID
        if let after { m.after = after }
        m.limit = Int64(limit)
        return m
    }
}

public struct GroupMembersPageReply: WireCodable, Equatable {
    public var members: [GroupMember]
    public init(members: [GroupMember]) { self.members = members }
    public init(message m: Roster_V1_GroupMembersPageReply) { members = m.members.map(GroupMember.init(message:)) }
    public var message: Roster_V1_GroupMembersPageReply { .with { $0.members = members.map(\.message) } }
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

    public init(message m: Roster_V1_JoinGroups) {
        self.init(eventID: m.eventID, directoryID: m.directoryID, userID: m.userID, display: m.hasDisplay ? m.display : nil, groupNames: m.groupNames)
    }

    public var message: Roster_V1_JoinGroups {
        var m = Roster_V1_JoinGroups()
        m.eventID = eventID
        m.directoryID = directoryID
        m.userID = userID
        if let display { m.display = display }
        m.groupNames = groupNames
        return m
    }
}
