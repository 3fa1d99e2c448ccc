// Part of the Bitbucket Data Center stand-in, a contract test double built from the Bitbucket Data
// Center 8.19 OpenAPI shapes (not Bitbucket): the in-memory model and its rules, without HTTP.
import Foundation
import Synchronization

/// The stand-in's whole state behind one `Mutex`: users, groups, memberships, global permissions,
/// and the test controls. Usable directly from unit tests; the router only translates HTTP to the
/// operations here. No operation awaits while holding the lock.
///
/// Rules (from the Bitbucket Data Center 8.19 REST contract):
/// - Names (users and groups) match without regard to case and are kept as given.
/// - A user's slug is its lowercased name with every character outside `[a-z0-9._-]` replaced by
///   `_`, then `_2`, `_3`… until it is unique.
/// - The group ``defaultGroup`` (`stash-users`) exists at start and holds `LICENSED_USER`.
/// - A user is licensed when it has a direct global permission or is in a group holding one. With
///   ``licenceLimit`` set, an operation that would license one user too many fails with 403
///   `LicenseLimitExceededException` and changes nothing.
/// - Every failing operation changes nothing.
public final class StandInState: Sendable {
    /// The group new users join (`addToDefaultGroup`), holding `LICENSED_USER` at start.
    public static let defaultGroup = "stash-users"

    let storage: Mutex<StandInStorage>
    /// The most users that may be licensed at once; nil: no limit.
    public let licenceLimit: Int?
    /// Where the model is saved after every successful change; nil: memory only.
    public let stateFile: String?

    /// An empty model (only the default group), not loaded from or seeded by anything.
    public init(licenceLimit: Int? = nil, stateFile: String? = nil) {
        self.licenceLimit = licenceLimit
        self.stateFile = stateFile
        var initial = StandInStorage()
        let key = StandInStorage.key(Self.defaultGroup)
        initial.insertGroup(Self.defaultGroup)
        initial.groupPermissions[key] = .licensedUser
        self.storage = Mutex(initial)
    }

    /// The state a stand-in process starts with: the options' state file when it exists, else the
    /// seed (saved to the state file, if one is set).
    public convenience init(options: StandInOptions) throws {
        self.init(licenceLimit: options.licenceLimit, stateFile: options.stateFile)
        if let path = options.stateFile, FileManager.default.fileExists(atPath: path) {
            try load(from: path)
        } else {
            seed(users: options.seedUsers, groups: options.seedGroups, memberships: options.seedMemberships)
        }
    }

    // MARK: Locking

    /// Runs `body` under the lock without saving: reads, and the test controls (never saved).
    func read<T: Sendable>(_ body: (inout StandInStorage) -> T) -> T {
        storage.withLock { body(&$0) }
    }

    func readThrowing<T: Sendable>(_ body: (inout StandInStorage) throws -> T) throws -> T {
        try storage.withLock { s throws -> T in try body(&s) }
    }

    /// Runs a change and, when it succeeds, saves the model to the state file (under the lock, so
    /// the file always holds the latest change). `body` validates before it changes anything.
    func mutate<T: Sendable>(_ body: (inout StandInStorage) throws -> T) throws -> T {
        try storage.withLock { s throws -> T in
            let result = try body(&s)
            save(s)
            return result
        }
    }

    /// The key of an existing user, or 404.
    static func existingUser(_ name: String, in s: StandInStorage) throws -> String {
        let key = StandInStorage.key(name)
        guard s.users[key] != nil else { throw StandInError.noSuchUser(name) }
        return key
    }

    /// The key of an existing group, or 404.
    static func existingGroup(_ name: String, in s: StandInStorage) throws -> String {
        let key = StandInStorage.key(name)
        guard s.groups[key] != nil else { throw StandInError.noSuchGroup(name) }
        return key
    }

    static func requireNonEmpty(_ value: String, _ parameter: String) throws {
        guard !value.trimmingWhitespace().isEmpty else { throw StandInError.missingParameter(parameter) }
    }

    // MARK: Users

    /// `POST /admin/users`. With `addToDefaultGroup` the user joins ``defaultGroup`` (when it exists),
    /// which licenses it: the licence limit applies. A password is never given here: the REST layer
    /// accepts and discards it.
    @discardableResult
    public func createUser(name: String, displayName: String, emailAddress: String, addToDefaultGroup: Bool = true) throws -> StandInUser {
        try Self.requireNonEmpty(name, "name")
        try Self.requireNonEmpty(displayName, "displayName")
        try Self.requireNonEmpty(emailAddress, "emailAddress")
        return try mutate { s in
            let key = StandInStorage.key(name)
            guard s.users[key] == nil else { throw StandInError.userExists }
            let defaultKey = StandInStorage.key(Self.defaultGroup)
            let joins = addToDefaultGroup && s.groups[defaultKey] != nil
            if joins, s.groupPermissions[defaultKey] != nil { try s.checkLicence(limit: licenceLimit, newlyLicensed: 1) }
            let user = s.insertUser(name: name, displayName: displayName, emailAddress: emailAddress)
            if joins { s.join(user: key, group: defaultKey) }
            return user
        }
    }

    /// The user named `name` (any case), if any.
    public func user(named name: String) -> StandInUser? {
        read { $0.users[StandInStorage.key(name)] }
    }

    /// `PUT /admin/users`: new display name and/or email address (nil: unchanged).
    public func updateUser(name: String, displayName: String?, emailAddress: String?) throws -> StandInUser {
        if let displayName { try Self.requireNonEmpty(displayName, "displayName") }
        if let emailAddress { try Self.requireNonEmpty(emailAddress, "email") }
        return try mutate { s in
            let key = try Self.existingUser(name, in: s)
            var user = s.users[key]!
            guard user.mutableDetails else { throw StandInError.immutableDetails(user.name) }
            if let displayName { user.displayName = displayName }
            if let emailAddress { user.emailAddress = emailAddress }
            s.users[key] = user
            return user
        }
    }

    /// `POST /admin/users/rename`: the slug is recomputed; memberships and permission follow.
    /// Renaming to the same name in another case is allowed.
    public func renameUser(name: String, newName: String) throws -> StandInUser {
        try Self.requireNonEmpty(newName, "newName")
        return try mutate { s in
            let key = try Self.existingUser(name, in: s)
            let newKey = StandInStorage.key(newName)
            if newKey != key, s.users[newKey] != nil { throw StandInError.userExists }
            guard s.users[key]!.mutableDetails else { throw StandInError.immutableDetails(s.users[key]!.name) }
            return s.renameUser(key, to: newName)
        }
    }

    /// `DELETE /admin/users`: the user, its memberships and its permission go.
    @discardableResult
    public func deleteUser(name: String) throws -> StandInUser {
        try mutate { s in
            let key = try Self.existingUser(name, in: s)
            return s.removeUser(key)!
        }
    }

    /// The names of the user's groups, sorted by lowercased name; nil: no such user.
    public func groups(ofUser name: String) -> [String]? {
        read { s in
            let key = StandInStorage.key(name)
            guard s.users[key] != nil else { return nil }
            return (s.userGroups[key] ?? []).sorted().compactMap { s.groups[$0] }
        }
    }

    /// The user's direct global permission, if any.
    public func permission(ofUser name: String) -> StandInPermission? {
        read { $0.userPermissions[StandInStorage.key(name)] }
    }

    /// The group's global permission, if any.
    public func permission(ofGroup name: String) -> StandInPermission? {
        read { $0.groupPermissions[StandInStorage.key(name)] }
    }

    /// Whether the user has a direct permission or is in a group holding one.
    public func isLicensed(_ name: String) -> Bool {
        read { $0.isLicensed(StandInStorage.key(name)) }
    }

    /// How many users are licensed.
    public var licensedUserCount: Int { read { $0.licensedCount() } }

    public var userCount: Int { read { $0.users.count } }
    public var groupCount: Int { read { $0.groups.count } }

    /// The members of a group (user names, sorted by lowercased name); nil: no such group.
    public func members(ofGroup name: String) -> [String]? {
        read { s in
            let key = StandInStorage.key(name)
            guard s.groups[key] != nil else { return nil }
            return (s.members[key] ?? []).sorted().compactMap { s.users[$0]?.name }
        }
    }
}
