// Part of the Bitbucket Data Center stand-in, a contract test double built from the Bitbucket Data
// Center 8.19 OpenAPI shapes (not Bitbucket): groups, memberships and global permissions.

extension StandInState {
    // MARK: Groups

    /// `POST /admin/groups`: the name as stored.
    @discardableResult
    public func createGroup(name: String) throws -> String {
        try Self.requireNonEmpty(name, "name")
        return try mutate { s in
            guard s.groups[StandInStorage.key(name)] == nil else { throw StandInError.groupExists }
            s.insertGroup(name)
            return name
        }
    }

    /// `DELETE /admin/groups`: the group, its memberships and its permission go. The name as stored.
    @discardableResult
    public func deleteGroup(name: String) throws -> String {
        try mutate { s in
            let key = try Self.existingGroup(name, in: s)
            return s.removeGroup(key)!
        }
    }

    /// Whether a group of that name (any case) exists.
    public func groupExists(_ name: String) -> Bool {
        read { $0.groups[StandInStorage.key(name)] != nil }
    }

    // MARK: Memberships

    /// `POST /admin/users/add-groups`: every group must exist; being a member already is fine.
    public func addUser(_ user: String, toGroups groups: [String]) throws {
        try mutate { s in
            let userKey = try Self.existingUser(user, in: s)
            let groupKeys = try groups.map { try Self.existingGroup($0, in: s) }
            let joining = groupKeys.filter { !(s.members[$0]?.contains(userKey) ?? false) }
            guard !joining.isEmpty else { return }
            guard s.users[userKey]!.mutableGroups else { throw StandInError.immutableGroups(s.users[userKey]!.name) }
            if !s.isLicensed(userKey), joining.contains(where: { s.groupPermissions[$0] != nil }) {
                try s.checkLicence(limit: licenceLimit, newlyLicensed: 1)
            }
            for group in joining { s.join(user: userKey, group: group) }
        }
    }

    /// `POST /admin/groups/add-users`: the group and every user must exist; members already are fine.
    public func addUsers(_ users: [String], toGroup group: String) throws {
        try mutate { s in
            let groupKey = try Self.existingGroup(group, in: s)
            let userKeys = try users.map { try Self.existingUser($0, in: s) }
            var joining: [String] = []
            var seen: Set<String> = []
            for key in userKeys where seen.insert(key).inserted && !(s.members[groupKey]?.contains(key) ?? false) {
                guard s.users[key]!.mutableGroups else { throw StandInError.immutableGroups(s.users[key]!.name) }
                joining.append(key)
            }
            if s.groupPermissions[groupKey] != nil {
                try s.checkLicence(limit: licenceLimit, newlyLicensed: joining.filter { !s.isLicensed($0) }.count)
            }
            for key in joining { s.join(user: key, group: groupKey) }
        }
    }

    /// `POST /admin/users/remove-group`: user and group must exist; not a member is fine.
    public func removeUser(_ user: String, fromGroup group: String) throws {
        try mutate { s in
            let userKey = try Self.existingUser(user, in: s)
            let groupKey = try Self.existingGroup(group, in: s)
            guard s.members[groupKey]?.contains(userKey) == true else { return }
            guard s.users[userKey]!.mutableGroups else { throw StandInError.immutableGroups(s.users[userKey]!.name) }
            s.leave(user: userKey, group: groupKey)
        }
    }

    // MARK: Global permissions

    /// `PUT /admin/permissions/users`: sets the user's one direct permission (promote or demote).
    /// Licensing a user that was not licensed counts against the licence limit.
    public func setUserPermission(_ name: String, _ permission: StandInPermission) throws {
        try mutate { s in
            let key = try Self.existingUser(name, in: s)
            if !s.isLicensed(key) { try s.checkLicence(limit: licenceLimit, newlyLicensed: 1) }
            s.userPermissions[key] = permission
        }
    }

    /// `DELETE /admin/permissions/users`: removes the user's direct permission (none is fine).
    public func removeUserPermission(_ name: String) throws {
        try mutate { s in
            let key = try Self.existingUser(name, in: s)
            s.userPermissions[key] = nil
        }
    }

    /// `PUT /admin/permissions/groups`: sets the group's one permission. A group gaining its first
    /// permission licenses its unlicensed members: they count against the licence limit.
    public func setGroupPermission(_ name: String, _ permission: StandInPermission) throws {
        try mutate { s in
            let key = try Self.existingGroup(name, in: s)
            if s.groupPermissions[key] == nil {
                let newly = (s.members[key] ?? []).reduce(0) { $0 + (s.isLicensed($1) ? 0 : 1) }
                try s.checkLicence(limit: licenceLimit, newlyLicensed: newly)
            }
            s.groupPermissions[key] = permission
        }
    }

    /// `DELETE /admin/permissions/groups`: removes the group's permission (none is fine).
    public func removeGroupPermission(_ name: String) throws {
        try mutate { s in
            let key = try Self.existingGroup(name, in: s)
            s.groupPermissions[key] = nil
        }
    }

    // MARK: Test controls on users

    /// `POST /_standin/login`: the user signed in at `at` (epoch milliseconds).
    public func recordLogin(name: String, at: Int64) throws {
        try mutate { s in
            let key = try Self.existingUser(name, in: s)
            s.users[key]!.lastAuthenticationTimestamp = at
        }
    }

    /// `POST /_standin/flags`: whether the user's details and groups may change (nil: unchanged).
    public func setFlags(name: String, mutableDetails: Bool?, mutableGroups: Bool?) throws {
        try mutate { s in
            let key = try Self.existingUser(name, in: s)
            if let mutableDetails { s.users[key]!.mutableDetails = mutableDetails }
            if let mutableGroups { s.users[key]!.mutableGroups = mutableGroups }
        }
    }
}
