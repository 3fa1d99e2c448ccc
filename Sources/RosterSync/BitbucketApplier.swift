import Foundation
import GRDB
import Logging
import RosterApps
import RosterProtocol
import SCIMCore
import Synchronization

/// Applies a directory's change feed to Bitbucket, one event at a time, in order. Each event
/// brings Bitbucket to the state the event's snapshot shows, compared with the connector's
/// mirror of what it made there (``AppMirror``): a repeated event finds the mirror already so
/// and sends nothing; an event whose requests were sent but whose mirror write was lost (a kill)
/// sends them again, and Bitbucket's answers for "already so" (409 on create, 404 on delete)
/// are taken as done.
struct BitbucketApplier {
    let client: BitbucketClient
    let pool: DatabasePool
    let mirror: AppMirror
    let directoryID: String
    /// Roster group displayName (lower case) → Bitbucket group: the licence groups.
    let groupMap: [String: String]
    let addToDefaultGroup: Bool
    let users: any CommandTransport
    let groups: any CommandTransport
    /// Groups holding a global permission (lower case), read once per applier.
    let licence = LicenceCache()
    /// With staging (the connector), the mirror's writes of an event wait to be committed in the
    /// transaction that moves the link's cursor past it: one transaction per event. Without (the
    /// jobs), each is written at once.
    let staged: Staged?

    final class Staged: Sendable {
        let writes = Mutex<[@Sendable (Database) throws -> Void]>([])
        func take() -> [@Sendable (Database) throws -> Void] { writes.withLock { w in defer { w = [] }; return w } }
        var isEmpty: Bool { writes.withLock { $0.isEmpty } }
    }

    init(app: App, client: BitbucketClient, pool: DatabasePool, users: any CommandTransport, groups: any CommandTransport, staging: Bool = false) {
        self.staged = staging ? Staged() : nil
        self.client = client
        self.pool = pool
        self.mirror = AppMirror(appID: app.id)
        self.directoryID = app.directoryID
        self.groupMap = Dictionary(app.groupMap.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
        self.addToDefaultGroup = app.addToDefaultGroup
        self.users = users
        self.groups = groups
    }

    final class LicenceCache: Sendable {
        let groups = Mutex<[String: String]?>(nil)
    }

    func licenceGroups() async throws(BitbucketError) -> [String: String] {
        if let groups = licence.groups.withLock({ $0 }) { return groups }
        let groups = try await client.groupPermissions()
        licence.groups.withLock { $0 = groups }
        return groups
    }

    /// A SCIM user as Bitbucket takes it.
    struct UserSnapshot: Equatable {
        var userName: String
        var displayName: String
        var email: String
        var active: Bool

        init(_ a: [String: JSONValue]) {
            userName = a["userName"]?.stringValue ?? ""
            var display = a["displayName"]?.stringValue ?? ""
            if display.isEmpty, case .object(let name)? = a["name"] {
                display = name["formatted"]?.stringValue
                    ?? [name["givenName"]?.stringValue, name["familyName"]?.stringValue].compactMap { $0 }.joined(separator: " ")
            }
            displayName = display.trimmingCharacters(in: .whitespaces).isEmpty ? userName : display
            email = UserAttributes.primaryEmail(a) ?? ""
            active = a["active"]?.lenientBool ?? true
        }

        /// Whether an account's display name or e-mail (compared without case) is not this one's.
        func differs(displayName other: String?, email otherEmail: String?) -> Bool {
            (other ?? "") != displayName || (otherEmail ?? "").lowercased() != email.lowercased()
        }
    }

    /// One event's effect; the notes it leaves on the link (what Bitbucket cannot take).
    func apply(_ event: ChangeEvent) async throws -> [String] {
        let data = try WireJSON.object(event.data, field: "data")
        switch event.type {
        case "user.created", "user.updated", "user.renamed", "user.enabled", "user.disabled":
            _ = try await converge(userID: event.resourceID, to: UserSnapshot(data))
            return []
        case "user.deleted":
            try await deleteUser(event.resourceID)
            return []
        case "group.created", "group.updated", "group.renamed":
            return try await convergeGroup(event.resourceID, displayName: data["displayName"]?.stringValue ?? "")
        case "group.deleted":
            try await deleteGroup(event.resourceID)
            return []
        case "group.member.added":
            return try await addMember(group: event.resourceID, groupName: data["groupDisplayName"]?.stringValue, user: data["value"]?.stringValue ?? "")
        case "group.member.removed":
            try await removeMember(group: event.resourceID, user: data["value"]?.stringValue ?? "")
            return []
        default:
            // Sign-ins come from the applications; other resource types are not Bitbucket's.
            return []
        }
    }

    /// What a worker answers, or nil for a 404 (the resource is gone from Roster).
    static func unlessGone<T>(_ body: () async throws(SCIMError) -> T) async throws(SCIMError) -> T? {
        do { return try await body() } catch where error.status == 404 { return nil }
    }

    func read<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws -> T { try await pool.read(body) }

    /// A mirror write: staged for the event's commit, or written now.
    func write(_ body: @Sendable @escaping (Database) throws -> Void) async throws {
        if let staged { staged.writes.withLock { $0.append(body) } } else { try await pool.write(body) }
    }

    /// A mirror write that must be durable before the next request (with what was staged before it).
    func writeNow(_ body: @Sendable @escaping (Database) throws -> Void) async throws {
        let before = staged?.take() ?? []
        try await pool.write { db in
            for write in before { try write(db) }
            try body(db)
        }
    }
}

/// Users.
extension BitbucketApplier {
    /// Brings the account of a SCIM user to its snapshot: made (or mapped) if missing, renamed,
    /// its details updated, disabled or enabled.
    @discardableResult
    func converge(userID: String, to snapshot: UserSnapshot) async throws -> AppMirror.User? {
        guard !snapshot.userName.isEmpty else { return nil }
        let mirror = self.mirror
        var user: AppMirror.User
        if let known = try await read({ try mirror.user($0, userID) }) {
            user = known
            if known.userName.lowercased() != snapshot.userName.lowercased() {
                user = try await rename(known, to: snapshot)
            }
            if snapshot.differs(displayName: user.displayName, email: user.email) {
                user = try await updateDetails(user, snapshot)
            }
        } else {
            user = try await make(userID: userID, snapshot)
        }
        if snapshot.active && user.state != .active {
            return try await enable(user)
        } else if !snapshot.active && user.state != .disabled {
            return try await disable(user)
        }
        return user
    }

    /// Creates the account, or maps the one of that name (409), read back: Bitbucket answers a
    /// create with 204 and no body, and a new account is in its internal directory, editable, with
    /// the name it was given; an existing one may be anywhere (LDAP, Crowd), so it is read.
    func make(userID: String, _ s: UserSnapshot) async throws -> AppMirror.User {
        let created = try await client.createUser(name: s.userName, displayName: s.displayName, email: s.email, addToDefaultGroup: addToDefaultGroup && s.active)
        var user = AppMirror.User(scimID: userID, name: s.userName, userName: s.userName, displayName: s.displayName, email: s.email)
        if !created {
            guard let account = try await client.user(named: s.userName) else {
                throw BitbucketError(status: 502, message: "the account '\(s.userName)' was reported as existing but cannot be read back", operation: "GET /admin/users")
            }
            user.name = account.name
            user.displayName = account.displayName ?? ""
            user.email = account.emailAddress ?? ""
            user.mutableDetails = account.canChangeDetails
            user.mutableGroups = account.canChangeGroups
            // Mapped with other details: updated, which records it in the mirror.
            if s.differs(displayName: user.displayName, email: user.email) { return try await updateDetails(user, s) }
        }
        let mirror = self.mirror
        let saved = user
        try await write { try mirror.save($0, saved) }
        return user
    }

    func updateDetails(_ user: AppMirror.User, _ s: UserSnapshot) async throws -> AppMirror.User {
        var user = user
        if user.mutableDetails {
            guard let account = try await client.updateUser(name: user.name, displayName: s.displayName, email: s.email) else {
                // Gone from Bitbucket behind Roster's back: made again.
                let mirror = self.mirror, id = user.scimID
                try await write { try mirror.removeUser($0, id) }
                return try await make(userID: id, s)
            }
            user.mutableDetails = account.canChangeDetails
        }
        // A read-only directory's account keeps Bitbucket's details; the mirror records what
        // SCIM says, so the next event does not try again.
        user.displayName = s.displayName
        user.email = s.email
        let mirror = self.mirror, saved = user
        try await write { try mirror.save($0, saved) }
        return user
    }

    func rename(_ user: AppMirror.User, to s: UserSnapshot) async throws -> AppMirror.User {
        var user = user
        // Mapped by e-mail to an account of another name: the account keeps its name.
        if user.name.lowercased() == user.userName.lowercased() && user.mutableDetails {
            if let account = try await client.renameUser(name: user.name, newName: s.userName) {
                user.name = account.name
            } else if let account = try await client.user(named: s.userName) {
                user.name = account.name  // renamed already (the event is repeated)
            } else {
                let mirror = self.mirror, id = user.scimID
                try await write { try mirror.removeUser($0, id) }
                return try await make(userID: id, s)
            }
        }
        user.userName = s.userName
        let mirror = self.mirror, saved = user
        try await write { try mirror.save($0, saved) }
        return user
    }

    /// Bitbucket cannot deactivate over REST: the account leaves every group that grants a
    /// licence and loses its direct global permission, both remembered first (so that a repeat
    /// after a kill adds to what was saved, and enabling restores exactly that).
    @discardableResult
    func disable(_ user: AppMirror.User) async throws -> AppMirror.User {
        var user = user
        let licence = try await licenceGroups()
        let licensed = user.mutableGroups ? try await client.groups(of: user.name).filter { licence[$0.lowercased()] != nil } : []
        let permission = try await client.permission(of: user.name)
        for group in licensed { user.save(group: group) }
        if let permission { user.savedPermission = permission }
        user.state = .disabling
        let mirror = self.mirror
        let saving = user
        try await writeNow { try mirror.save($0, saving) }
        for group in licensed { try await client.removeUser(user.name, fromGroup: group) }
        if permission != nil { try await client.revokePermissions(of: user.name) }
        user.state = .disabled
        let saved = user
        try await write { try mirror.save($0, saved) }
        return user
    }

    func enable(_ user: AppMirror.User) async throws -> AppMirror.User {
        var user = user
        try await client.addUser(user.name, toExistingGroups: user.savedGroups)
        if !user.savedPermission.isEmpty { try await client.grant(user.savedPermission, to: user.name) }
        user.state = .active
        user.savedGroups = []
        user.savedPermission = ""
        let mirror = self.mirror, saved = user
        try await write { try mirror.save($0, saved) }
        return user
    }

    func deleteUser(_ id: String) async throws {
        let mirror = self.mirror
        guard let user = try await read({ try mirror.user($0, id) }) else { return }
        try await client.deleteUser(name: user.name)
        try await write { try mirror.removeUser($0, id) }
    }

    /// The mirror's account of a SCIM user, made from the users store when the connector has
    /// not met it yet (it existed before the link, and no map ran); nil when the user is gone.
    func knownUser(_ id: String) async throws -> AppMirror.User? {
        let mirror = self.mirror
        if let user = try await read({ try mirror.user($0, id) }) { return user }
        let directoryID = self.directoryID, users = self.users
        guard let stored = try await Self.unlessGone({ () async throws(SCIMError) in
            try await users.send(GetUser(directoryID: directoryID, id: id), shardKey: directoryID)
        }) else { return nil }
        return try await converge(userID: id, to: UserSnapshot(stored.attributes))
    }
}
