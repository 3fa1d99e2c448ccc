import Foundation
import GRDB

/// What a connector knows it made in its application: each SCIM user's account there (its
/// name, details, and, while disabled, what disabling took away), each SCIM group's group there,
/// and the memberships it added. Rows of `sync.sqlite`, written in the transaction that moves
/// the link's cursor or checkpoints its job.
struct AppMirror {
    struct User: Sendable, Equatable {
        enum State: String, Sendable { case active, disabling, disabled }
        var scimID: String
        /// The account's name in the application.
        var name: String
        /// The SCIM userName it was made from (it differs when the mapping matched by e-mail).
        var userName: String
        var displayName: String
        var email: String
        var state: State = .active
        /// Licence-granting groups and the direct permission disabling removed, for enabling.
        var savedGroups: [String] = []
        var savedPermission = ""
        var mutableDetails = true
        var mutableGroups = true

        /// A licence group to give back on enabling (once, whatever its case).
        mutating func save(group: String) {
            if !savedGroups.contains(where: { $0.lowercased() == group.lowercased() }) { savedGroups.append(group) }
        }

        /// No longer to give back; false when it was not saved.
        mutating func forget(group: String) -> Bool {
            guard let index = savedGroups.firstIndex(where: { $0.lowercased() == group.lowercased() }) else { return false }
            savedGroups.remove(at: index)
            return true
        }
    }

    struct Group: Sendable, Equatable {
        var scimID: String
        var name: String
    }

    let appID: String

    func user(_ db: Database, _ scimID: String) throws -> User? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM appUser WHERE appId = ? AND scimId = ?"), arguments: [appID, scimID.lowercased()]).map(Self.user)
    }

    func user(_ db: Database, named name: String) throws -> User? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM appUser WHERE appId = ? AND nameKey = ?"), arguments: [appID, name.lowercased()]).map(Self.user)
    }

    static func user(_ row: Row) -> User {
        User(scimID: row["scimId"], name: row["name"], userName: row["userName"], displayName: row["displayName"], email: row["email"],
             state: User.State(rawValue: row["state"]) ?? .active, savedGroups: SyncStore.list(row["savedGroups"]),
             savedPermission: row["savedPermission"], mutableDetails: row["mutableDetails"], mutableGroups: row["mutableGroups"])
    }

    func save(_ db: Database, _ u: User) throws {
        try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO appUser (appId, scimId, name, nameKey, userName, displayName, email, state, savedGroups, savedPermission, mutableDetails, mutableGroups)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [appID, u.scimID.lowercased(), u.name, u.name.lowercased(), u.userName, u.displayName, u.email, u.state.rawValue,
                                     SyncStore.jsonList(u.savedGroups), u.savedPermission, u.mutableDetails, u.mutableGroups])
    }

    /// Every account's name and every group's name the link knows, by SCIM id.
    func names(_ db: Database) throws -> (users: [String: String], groups: [String: String]) {
        func byID(_ table: String) throws -> [String: String] {
            Dictionary(try Row.fetchAll(db, sql: "SELECT scimId, name FROM \(table) WHERE appId = ?", arguments: [appID]).map { ($0["scimId"], $0["name"]) },
                       uniquingKeysWith: { a, _ in a })
        }
        return (try byID("appUser"), try byID("appGroup"))
    }

    func removeUser(_ db: Database, _ scimID: String) throws {
        try db.execute(sql: "DELETE FROM appUser WHERE appId = ? AND scimId = ?", arguments: [appID, scimID.lowercased()])
        try db.execute(sql: "DELETE FROM appMember WHERE appId = ? AND userId = ?", arguments: [appID, scimID.lowercased()])
    }

    func group(_ db: Database, _ scimID: String) throws -> Group? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT scimId, name FROM appGroup WHERE appId = ? AND scimId = ?"), arguments: [appID, scimID.lowercased()])
            .map { Group(scimID: $0["scimId"], name: $0["name"]) }
    }

    func save(_ db: Database, _ g: Group) throws {
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO appGroup (appId, scimId, name, nameKey) VALUES (?, ?, ?, ?)")
            .execute(arguments: [appID, g.scimID.lowercased(), g.name, g.name.lowercased()])
    }

    func removeGroup(_ db: Database, _ scimID: String) throws {
        try db.execute(sql: "DELETE FROM appGroup WHERE appId = ? AND scimId = ?", arguments: [appID, scimID.lowercased()])
        try db.execute(sql: "DELETE FROM appMember WHERE appId = ? AND groupId = ?", arguments: [appID, scimID.lowercased()])
    }

    func isMember(_ db: Database, group: String, user: String) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM appMember WHERE appId = ? AND groupId = ? AND userId = ?"),
                          arguments: [appID, group.lowercased(), user.lowercased()]) ?? false
    }

    func setMember(_ db: Database, group: String, user: String, _ member: Bool) throws {
        let sql = member ? "INSERT OR IGNORE INTO appMember (appId, groupId, userId) VALUES (?, ?, ?)" : "DELETE FROM appMember WHERE appId = ? AND groupId = ? AND userId = ?"
        try db.cachedStatement(sql: sql).execute(arguments: [appID, group.lowercased(), user.lowercased()])
    }

    /// The users of a group the connector added, by SCIM id.
    func members(_ db: Database, group: String) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT userId FROM appMember WHERE appId = ? AND groupId = ?", arguments: [appID, group.lowercased()])
    }
}
