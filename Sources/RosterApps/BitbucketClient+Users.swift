import Foundation

/// Users (`/admin/users`).
extension BitbucketClient {
    /// Creates an account; false when the name exists already (409), which the connector maps
    /// instead of failing. Bitbucket answers 204 without a body: ``user(named:)`` reads it back.
    /// The password is random and forgotten at once: people sign in through the IdP.
    public func createUser(name: String, displayName: String, email: String, addToDefaultGroup: Bool) async throws(BitbucketError) -> Bool {
        let password = (0..<4).map { _ in UUID().uuidString }.joined()
        do throws(BitbucketError) {
            try await call("POST", "/admin/users", query: [
                ("name", name), ("displayName", displayName), ("emailAddress", email), ("password", password),
                ("addToDefaultGroup", addToDefaultGroup ? "true" : "false"), ("notify", "false"),
            ])
            return true
        } catch where error.status == 409 {
            return false
        }
    }

    /// The account of exactly this name (case-insensitively): the filter is a substring match, so
    /// the pages it gives are searched for the name itself.
    public func user(named name: String) async throws(BitbucketError) -> BitbucketUser? {
        let key = name.lowercased()
        var start = 0
        while true {
            let page = try await page(BitbucketUser.self, "/admin/users", start: start, limit: 100, [("filter", name)])
            if let user = page.values.first(where: { $0.name.lowercased() == key }) { return user }
            guard !page.isLastPage, let next = page.nextPageStart, next > start else { return nil }
            start = next
        }
    }

    /// Every account, paged through.
    public func allUsers() async throws(BitbucketError) -> [BitbucketUser] { try await all(BitbucketUser.self, "/admin/users") }

    /// A page of every account, with its last sign-in.
    public func users(start: Int, limit: Int) async throws(BitbucketError) -> BitbucketPage<BitbucketUser> {
        try await page(BitbucketUser.self, "/admin/users", start: start, limit: limit)
    }

    /// Display name and e-mail; nil when there is no such account (404).
    public func updateUser(name: String, displayName: String, email: String) async throws(BitbucketError) -> BitbucketUser? {
        do throws(BitbucketError) {
            let data = try await call("PUT", "/admin/users", json: ["name": name, "displayName": displayName, "email": email])
            return try decode(BitbucketUser.self, data, "PUT /admin/users")
        } catch where error.status == 404 {
            return nil
        }
    }

    /// nil when there is no account of the old name (404).
    public func renameUser(name: String, newName: String) async throws(BitbucketError) -> BitbucketUser? {
        do throws(BitbucketError) {
            let data = try await call("POST", "/admin/users/rename", json: ["name": name, "newName": newName])
            return try decode(BitbucketUser.self, data, "POST /admin/users/rename")
        } catch where error.status == 404 {
            return nil
        }
    }

    /// False when there was no such account (404): deleted already counts as done.
    @discardableResult
    public func deleteUser(name: String) async throws(BitbucketError) -> Bool {
        do throws(BitbucketError) {
            try await call("DELETE", "/admin/users", query: [("name", name)])
            return true
        } catch where error.status == 404 {
            return false
        }
    }

    /// The groups an account is in (`more-members` with a user as context returns groups).
    public func groups(of user: String) async throws(BitbucketError) -> [String] {
        try await all(BitbucketGroup.self, "/admin/users/more-members", [("context", user)]).map(\.name)
    }

    public func addUser(_ user: String, toGroups groups: [String]) async throws(BitbucketError) {
        guard !groups.isEmpty else { return }
        try await call("POST", "/admin/users/add-groups", json: ["user": user, "groups": groups])
    }

    /// Into every group of the list that still exists: all at once, else (a group was deleted
    /// meanwhile: 404) one at a time, passing over the missing ones.
    public func addUser(_ user: String, toExistingGroups groups: [String]) async throws(BitbucketError) {
        do {
            try await addUser(user, toGroups: groups)
        } catch where error.status == 404 {
            for group in groups { try await addUserIfGroupExists(user, group) }
        }
    }

    func addUserIfGroupExists(_ user: String, _ group: String) async throws(BitbucketError) {
        do { try await addUser(user, toGroups: [group]) } catch where error.status == 404 && error.exceptionName.hasSuffix("NoSuchGroupException") {}
    }

    /// One user out of one group (there is no bulk removal); false when either is gone (404).
    @discardableResult
    public func removeUser(_ user: String, fromGroup group: String) async throws(BitbucketError) -> Bool {
        do throws(BitbucketError) {
            try await call("POST", "/admin/users/remove-group", query: [("context", user), ("itemName", group)], json: ["context": user, "itemName": group])
            return true
        } catch where error.status == 404 {
            return false
        }
    }

    /// The user's direct global permission, if any.
    public func permission(of user: String) async throws(BitbucketError) -> String? {
        let key = user.lowercased()
        return try await all(BitbucketUserPermission.self, "/admin/permissions/users", [("filter", user)]).first { $0.user.name.lowercased() == key }?.permission
    }

    public func revokePermissions(of user: String) async throws(BitbucketError) {
        do throws(BitbucketError) { try await call("DELETE", "/admin/permissions/users", query: [("name", user)]) } catch where error.status == 404 {}
    }

    public func grant(_ permission: String, to user: String) async throws(BitbucketError) {
        try await call("PUT", "/admin/permissions/users", query: [("name", user), ("permission", permission)])
    }
}

/// Groups (`/admin/groups`).
extension BitbucketClient {
    /// False when a group of this name exists already (409): the connector maps it.
    public func createGroup(name: String) async throws(BitbucketError) -> Bool {
        do throws(BitbucketError) {
            try await call("POST", "/admin/groups", query: [("name", name)])
            return true
        } catch where error.status == 409 {
            return false
        }
    }

    /// False when there was no such group (404).
    @discardableResult
    public func deleteGroup(name: String) async throws(BitbucketError) -> Bool {
        do throws(BitbucketError) {
            try await call("DELETE", "/admin/groups", query: [("name", name)])
            return true
        } catch where error.status == 404 {
            return false
        }
    }

    /// Every group, paged through.
    public func allGroups() async throws(BitbucketError) -> [BitbucketGroup] { try await all(BitbucketGroup.self, "/admin/groups") }

    public func groups(start: Int, limit: Int) async throws(BitbucketError) -> BitbucketPage<BitbucketGroup> {
        try await page(BitbucketGroup.self, "/admin/groups", start: start, limit: limit)
    }

    public func members(of group: String, start: Int, limit: Int) async throws(BitbucketError) -> BitbucketPage<BitbucketUser> {
        try await page(BitbucketUser.self, "/admin/groups/more-members", start: start, limit: limit, [("context", group)])
    }

    /// Every member of a group.
    public func members(of group: String) async throws(BitbucketError) -> [BitbucketUser] {
        try await all(BitbucketUser.self, "/admin/groups/more-members", [("context", group)])
    }

    public func addUsers(_ users: [String], toGroup group: String) async throws(BitbucketError) {
        guard !users.isEmpty else { return }
        try await call("POST", "/admin/groups/add-users", json: ["group": group, "users": users])
    }

    /// Groups holding a global permission: those grant a licence seat (any permission does).
    public func groupPermissions() async throws(BitbucketError) -> [String: String] {
        var out: [String: String] = [:]
        for entry in try await all(BitbucketGroupPermission.self, "/admin/permissions/groups") { out[entry.group.name.lowercased()] = entry.permission }
        return out
    }
}
