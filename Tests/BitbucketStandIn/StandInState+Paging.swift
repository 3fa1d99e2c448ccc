// Part of the Bitbucket Data Center stand-in, a contract test double built from the Bitbucket Data
// Center 8.19 OpenAPI shapes (not Bitbucket): the paged lists.
import Foundation

/// Which page of a list (query `start`, `limit`, `filter`).
public struct StandInPageRequest: Sendable, Equatable {
    public static let defaultLimit = 25
    public static let maximumLimit = 1000

    public var start: Int
    public var limit: Int
    /// A case-insensitive substring; nil or empty: everything.
    public var filter: String?

    /// `start` below 0 becomes 0; `limit` above 1000 becomes 1000, below 1 the default 25.
    public init(start: Int = 0, limit: Int = StandInPageRequest.defaultLimit, filter: String? = nil) {
        self.start = max(0, start)
        self.limit = limit < 1 ? Self.defaultLimit : min(limit, Self.maximumLimit)
        self.filter = filter
    }

    /// The lowercased filter, nil when there is none.
    var needle: String? {
        guard let filter, !filter.isEmpty else { return nil }
        return filter.lowercased()
    }
}

/// One page: `{"size","limit","isLastPage","start","values"}` plus `nextPageStart` when not last.
public struct StandInPage<Value: Sendable>: Sendable {
    public var values: [Value]
    public var start: Int
    public var limit: Int
    public var isLastPage: Bool
    public var size: Int { values.count }
    public var nextPageStart: Int? { isLastPage ? nil : start + values.count }

    /// The page of the matching keys, in order: skips `start` matches, takes `limit`, and looks one
    /// further to know whether this is the last page.
    static func of<Key>(
        _ keys: some Sequence<Key>, _ request: StandInPageRequest, matches: (Key) -> Bool, value: (Key) -> Value?
    ) -> StandInPage<Value> {
        var values: [Value] = []
        var skipped = 0
        var last = true
        for key in keys where matches(key) {
            if skipped < request.start {
                skipped += 1
                continue
            }
            if values.count == request.limit {
                last = false
                break
            }
            if let v = value(key) { values.append(v) }
        }
        return StandInPage(values: values, start: request.start, limit: request.limit, isLastPage: last)
    }
}

extension StandInUser {
    /// The user filter: name, display name or email address contains the (lowercased) needle.
    func matches(_ needle: String?) -> Bool {
        guard let needle else { return true }
        return name.lowercased().contains(needle) || displayName.lowercased().contains(needle) || emailAddress.lowercased().contains(needle)
    }
}

extension StandInState {
    /// `GET /admin/users`.
    public func usersPage(_ request: StandInPageRequest = .init()) -> StandInPage<StandInUser> {
        let needle = request.needle
        return read { s in
            let users = s.users
            return StandInPage<StandInUser>.of(s.userOrder(), request, matches: { users[$0]!.matches(needle) }, value: { users[$0] })
        }
    }

    /// `GET /admin/groups`: group names.
    public func groupsPage(_ request: StandInPageRequest = .init()) -> StandInPage<String> {
        let needle = request.needle
        return read { s in
            let groups = s.groups
            return StandInPage<String>.of(s.groupOrder(), request, matches: { key in needle.map { key.contains($0) } ?? true }, value: { groups[$0] })
        }
    }

    /// `GET /admin/users/more-members`: the names of the user's groups.
    public func groupsPage(ofUser user: String, _ request: StandInPageRequest = .init()) throws -> StandInPage<String> {
        let needle = request.needle
        return try readThrowing { s in
            let key = try Self.existingUser(user, in: s)
            let groups = s.groups
            let keys = (s.userGroups[key] ?? []).sorted()
            return StandInPage<String>.of(keys, request, matches: { key in needle.map { key.contains($0) } ?? true }, value: { groups[$0] })
        }
    }

    /// `GET /admin/groups/more-members`: the group's members.
    public func membersPage(ofGroup group: String, _ request: StandInPageRequest = .init()) throws -> StandInPage<StandInUser> {
        let needle = request.needle
        return try readThrowing { s in
            let key = try Self.existingGroup(group, in: s)
            let users = s.users
            let keys = (s.members[key] ?? []).sorted()
            return StandInPage<StandInUser>.of(keys, request, matches: { users[$0]!.matches(needle) }, value: { users[$0] })
        }
    }

    /// `GET /admin/permissions/users`: only users with a direct permission.
    public func userPermissionsPage(_ request: StandInPageRequest = .init()) -> StandInPage<StandInUserPermission> {
        let needle = request.needle
        return read { s in
            let users = s.users
            let permissions = s.userPermissions
            return StandInPage<StandInUserPermission>.of(
                s.userOrder(), request, matches: { permissions[$0] != nil && users[$0]!.matches(needle) },
                value: { key in permissions[key].map { StandInUserPermission(user: users[key]!, permission: $0) } })
        }
    }

    /// `GET /admin/permissions/groups`: only groups holding a permission.
    public func groupPermissionsPage(_ request: StandInPageRequest = .init()) -> StandInPage<StandInGroupPermission> {
        let needle = request.needle
        return read { s in
            let groups = s.groups
            let permissions = s.groupPermissions
            return StandInPage<StandInGroupPermission>.of(
                s.groupOrder(), request, matches: { key in permissions[key] != nil && (needle.map { key.contains($0) } ?? true) },
                value: { key in permissions[key].map { StandInGroupPermission(group: groups[key]!, permission: $0) } })
        }
    }
}
