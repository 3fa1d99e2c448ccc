// Part of the Bitbucket Data Center stand-in, a contract test double built from the Bitbucket Data
// Center 8.19 OpenAPI shapes (not Bitbucket): the state file and the seed.
import Foundation
import Synchronization

/// The state file: the whole model as JSON (names as given; keys are derived again on load).
struct StandInSnapshot: Codable {
    struct Group: Codable {
        var name: String
        /// User names.
        var members: [String]
        var permission: StandInPermission?
    }

    var format = 1
    /// The id the next user gets.
    var nextID: Int
    var users: [StandInUser]
    /// User name → direct permission.
    var userPermissions: [String: StandInPermission]
    var groups: [Group]
}

extension StandInStorage {
    func snapshot() -> StandInSnapshot {
        let userKeys = users.keys.sorted()
        var permissions: [String: StandInPermission] = [:]
        for (key, permission) in userPermissions { if let user = users[key] { permissions[user.name] = permission } }
        let groupList = groups.keys.sorted().map { key in
            StandInSnapshot.Group(
                name: groups[key]!, members: (members[key] ?? []).sorted().compactMap { users[$0]?.name }, permission: groupPermissions[key])
        }
        return StandInSnapshot(nextID: nextID, users: userKeys.map { users[$0]! }, userPermissions: permissions, groups: groupList)
    }

    /// The model a snapshot describes (test controls at their defaults).
    init(snapshot: StandInSnapshot) throws {
        self.init()
        for user in snapshot.users {
            let key = Self.key(user.name)
            guard users[key] == nil else { throw StandInError.invalid("The state file names user \(user.name) twice.") }
            guard slugs[user.slug] == nil else { throw StandInError.invalid("The state file gives slug \(user.slug) twice.") }
            users[key] = user
            slugs[user.slug] = key
            nextID = max(nextID, user.id + 1)
        }
        nextID = max(nextID, snapshot.nextID)
        for (name, permission) in snapshot.userPermissions where users[Self.key(name)] != nil {
            userPermissions[Self.key(name)] = permission
        }
        for group in snapshot.groups {
            let key = Self.key(group.name)
            guard groups[key] == nil else { throw StandInError.invalid("The state file names group \(group.name) twice.") }
            insertGroup(group.name)
            groupPermissions[key] = group.permission
            for member in group.members where users[Self.key(member)] != nil { join(user: Self.key(member), group: key) }
        }
    }
}

extension StandInState {
    /// Replaces the model with the one in the state file at `path`.
    public func load(from path: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let loaded = try StandInStorage(snapshot: JSONDecoder().decode(StandInSnapshot.self, from: data))
        storage.withLock { s in
            var next = loaded
            next.stallMilliseconds = s.stallMilliseconds
            next.failStatus = s.failStatus
            next.failRemaining = s.failRemaining
            next.requestTotal = s.requestTotal
            next.requestWrites = s.requestWrites
            next.requestsByRoute = s.requestsByRoute
            s = next
        }
    }

    /// Saves the model to ``stateFile`` now (a no-op without one).
    public func saveNow() {
        storage.withLock { s in save(s) }
    }

    /// Writes `path.tmp`, then renames it over `path`, so the file is always whole. A failure is
    /// reported on stderr and the change kept: the state file is a convenience of the test double.
    func save(_ s: StandInStorage) {
        guard let path = stateFile else { return }
        let temporary = path + ".tmp"
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            try encoder.encode(s.snapshot()).write(to: URL(fileURLWithPath: temporary))
            guard rename(temporary, path) == 0 else { throw StandInError.invalid("rename(\(temporary), \(path)) failed.") }
        } catch {
            FileHandle.standardError.write(Data("bitbucket-standin: cannot save the state to \(path): \(error)\n".utf8))
        }
    }

    /// Adds the seed: users `user00001`… (display name `User 00001`, email `user00001@example.com`,
    /// a direct `LICENSED_USER` permission and not in the default group; user i with i % 3 == 0
    /// signed in at `1_700_000_000_000 + i * 1000`), groups `group-001`…, and `memberships /
    /// groups` distinct members per group g (0-based) from user index `g * users / groups`,
    /// wrapping around. Names that exist already are left as they are. The licence limit does not
    /// apply to the seed.
    public func seed(users userCount: Int, groups groupCount: Int, memberships: Int) {
        storage.withLock { s in
            let userKeys = (0..<max(0, userCount)).map { "user\(Self.padded($0 + 1, 5))" }
            for (index, name) in userKeys.enumerated() where s.users[name] == nil {
                let number = index + 1
                let digits = Self.padded(number, 5)
                _ = s.insertUser(name: name, displayName: "User \(digits)", emailAddress: "\(name)@example.com")
                if number % 3 == 0 { s.users[name]!.lastAuthenticationTimestamp = 1_700_000_000_000 + Int64(number) * 1000 }
                s.userPermissions[name] = .licensedUser
            }
            let groupKeys = (0..<max(0, groupCount)).map { "group-\(Self.padded($0 + 1, 3))" }
            for name in groupKeys where s.groups[name] == nil { s.insertGroup(name) }
            if !groupKeys.isEmpty, !userKeys.isEmpty {
                let perGroup = min(max(0, memberships) / groupKeys.count, userKeys.count)
                for (g, group) in groupKeys.enumerated() {
                    let first = (g * userKeys.count / groupKeys.count) % userKeys.count
                    for k in 0..<perGroup { s.join(user: userKeys[(first + k) % userKeys.count], group: group) }
                }
            }
            save(s)
        }
    }

    static func padded(_ number: Int, _ width: Int) -> String {
        let digits = String(number)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
