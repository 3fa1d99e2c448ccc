// Part of the Bitbucket Data Center stand-in, a contract test double built from the Bitbucket Data
// Center 8.19 OpenAPI shapes (not Bitbucket). The values of the model and the storage behind the lock.

/// A Bitbucket global permission, lowest first. Each one implies the ones below it.
public enum StandInPermission: String, Sendable, Codable, CaseIterable, Comparable {
    case licensedUser = "LICENSED_USER"
    case projectCreate = "PROJECT_CREATE"
    case admin = "ADMIN"
    case sysAdmin = "SYS_ADMIN"

    var rank: Int {
        switch self {
        case .licensedUser: 0
        case .projectCreate: 1
        case .admin: 2
        case .sysAdmin: 3
        }
    }

    public static func < (lhs: StandInPermission, rhs: StandInPermission) -> Bool { lhs.rank < rhs.rank }
}

/// A user as the stand-in keeps it (the fields of `RestDetailedUser` that vary).
public struct StandInUser: Sendable, Codable, Equatable {
    public var id: Int
    /// The username as given; matched without regard to case.
    public var name: String
    public var slug: String
    public var displayName: String
    public var emailAddress: String
    /// Epoch milliseconds of the last sign-in; nil: never signed in.
    public var lastAuthenticationTimestamp: Int64?
    /// False: the user comes from a read-only directory (details cannot change).
    public var mutableDetails: Bool
    /// False: the user's group memberships cannot change.
    public var mutableGroups: Bool

    public init(
        id: Int, name: String, slug: String, displayName: String, emailAddress: String,
        lastAuthenticationTimestamp: Int64? = nil, mutableDetails: Bool = true, mutableGroups: Bool = true
    ) {
        self.id = id
        self.name = name
        self.slug = slug
        self.displayName = displayName
        self.emailAddress = emailAddress
        self.lastAuthenticationTimestamp = lastAuthenticationTimestamp
        self.mutableDetails = mutableDetails
        self.mutableGroups = mutableGroups
    }
}

/// A user's direct global permission (`GET /admin/permissions/users`).
public struct StandInUserPermission: Sendable, Equatable {
    public var user: StandInUser
    public var permission: StandInPermission
}

/// A group's global permission (`GET /admin/permissions/groups`).
public struct StandInGroupPermission: Sendable, Equatable {
    public var group: String
    public var permission: StandInPermission
}

/// The slug Bitbucket derives from a username: lowercased, every character outside `[a-z0-9._-]`
/// replaced by `_` (uniqueness, `_2`, `_3`…, is the storage's job).
public func standInSlug(_ name: String) -> String {
    var slug = ""
    for character in name.lowercased() {
        let scalars = character.unicodeScalars
        if scalars.count == 1, let scalar = scalars.first, isSlugScalar(scalar.value) {
            slug.unicodeScalars.append(scalar)
        } else {
            slug.append("_")
        }
    }
    return slug
}

/// `[a-z0-9._-]`.
private func isSlugScalar(_ value: UInt32) -> Bool {
    switch value {
    case 0x61...0x7A, 0x30...0x39, 0x2E, 0x5F, 0x2D: true
    default: false
    }
}

/// Everything behind the state's lock: the model with its indexes, and the test controls.
/// Keys are lowercased names; the names as given live in the values. No locking here.
struct StandInStorage: Sendable {
    var nextID = 1
    var users: [String: StandInUser] = [:]
    /// slug → user key.
    var slugs: [String: String] = [:]
    /// group key → the group name as given.
    var groups: [String: String] = [:]
    /// group key → user keys; and the reverse index, kept in step.
    var members: [String: Set<String>] = [:]
    var userGroups: [String: Set<String>] = [:]
    var userPermissions: [String: StandInPermission] = [:]
    var groupPermissions: [String: StandInPermission] = [:]
    /// The keys in list order, rebuilt after a user or group is added, removed or renamed.
    var sortedUserKeys: [String]?
    var sortedGroupKeys: [String]?

    // Test controls (never saved).
    var requestTotal = 0
    var requestWrites = 0
    var requestsByRoute: [String: Int] = [:]
    var failStatus = 0
    /// Requests still to fail; -1: until cleared.
    var failRemaining = 0
    var stallMilliseconds = 0

    static func key(_ name: String) -> String { name.lowercased() }

    mutating func userOrder() -> [String] {
        if let keys = sortedUserKeys { return keys }
        let keys = users.keys.sorted()
        sortedUserKeys = keys
        return keys
    }

    mutating func groupOrder() -> [String] {
        if let keys = sortedGroupKeys { return keys }
        let keys = groups.keys.sorted()
        sortedGroupKeys = keys
        return keys
    }

    // MARK: Licences

    /// Whether the user has a direct permission or is in a group holding one.
    func isLicensed(_ userKey: String) -> Bool {
        if userPermissions[userKey] != nil { return true }
        guard let groups = userGroups[userKey] else { return false }
        return groups.contains { groupPermissions[$0] != nil }
    }

    func licensedCount() -> Int {
        users.keys.reduce(0) { $0 + (isLicensed($1) ? 1 : 0) }
    }

    /// Throws the licence error when `newlyLicensed` more users would exceed the limit.
    func checkLicence(limit: Int?, newlyLicensed: Int) throws {
        guard let limit, newlyLicensed > 0 else { return }
        if licensedCount() + newlyLicensed > limit { throw StandInError.licenceLimitExceeded }
    }

    // MARK: Changes (callers validate first: nothing here fails)

    /// The slug for `name`, made unique among the other users' slugs.
    func uniqueSlug(for name: String, owner: String?) -> String {
        let base = standInSlug(name)
        var candidate = base
        var n = 2
        while let holder = slugs[candidate], holder != owner {
            candidate = "\(base)_\(n)"
            n += 1
        }
        return candidate
    }

    mutating func insertUser(name: String, displayName: String, emailAddress: String) -> StandInUser {
        let key = Self.key(name)
        let user = StandInUser(id: nextID, name: name, slug: uniqueSlug(for: name, owner: key), displayName: displayName, emailAddress: emailAddress)
        nextID += 1
        users[key] = user
        slugs[user.slug] = key
        sortedUserKeys = nil
        return user
    }

    mutating func insertGroup(_ name: String) {
        groups[Self.key(name)] = name
        sortedGroupKeys = nil
    }

    mutating func join(user: String, group: String) {
        members[group, default: []].insert(user)
        userGroups[user, default: []].insert(group)
    }

    mutating func leave(user: String, group: String) {
        members[group]?.remove(user)
        userGroups[user]?.remove(group)
        if members[group]?.isEmpty == true { members[group] = nil }
        if userGroups[user]?.isEmpty == true { userGroups[user] = nil }
    }

    mutating func removeUser(_ key: String) -> StandInUser? {
        guard let user = users.removeValue(forKey: key) else { return nil }
        for group in userGroups[key] ?? [] { leave(user: key, group: group) }
        userPermissions[key] = nil
        if slugs[user.slug] == key { slugs[user.slug] = nil }
        sortedUserKeys = nil
        return user
    }

    mutating func removeGroup(_ key: String) -> String? {
        guard let name = groups.removeValue(forKey: key) else { return nil }
        for user in members[key] ?? [] { leave(user: user, group: key) }
        groupPermissions[key] = nil
        sortedGroupKeys = nil
        return name
    }

    /// Renames a user (the new name is free or the same user's); memberships and permission follow.
    mutating func renameUser(_ key: String, to newName: String) -> StandInUser {
        var user = users.removeValue(forKey: key)!
        let newKey = Self.key(newName)
        if slugs[user.slug] == key { slugs[user.slug] = nil }
        user.name = newName
        user.slug = uniqueSlug(for: newName, owner: newKey)
        users[newKey] = user
        slugs[user.slug] = newKey
        if newKey != key {
            for group in userGroups[key] ?? [] {
                leave(user: key, group: group)
                join(user: newKey, group: group)
            }
            if let permission = userPermissions.removeValue(forKey: key) { userPermissions[newKey] = permission }
        }
        sortedUserKeys = nil
        return user
    }
}
