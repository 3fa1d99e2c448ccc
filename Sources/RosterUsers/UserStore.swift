import Foundation
import GRDB
public import RosterPersistence
import RosterProtocol
import SCIMCore

/// The users store: applies user commands inside the worker's batch transaction.
public enum UserStore {
    /// Columns serve `userName`, the common attributes, and `emails.value eq` (an index of every
    /// email, folded); every other attribute is read from the stored JSON.
    public static let table = ResourceTable(
        type: .user, name: "user", uniqueColumns: ("userName", "userNameKey"), countTable: "directoryCount", countColumn: "users",
        storage: [
            "groups": .unsupported("Filtering users by 'groups' is not supported yet: filter groups by 'members.value' instead."),
            "meta.lastlogin": .column("lastLogin", folded: false),
            // The same value under Roster's lastlogin extension (declared while the directory shows it).
            CoreSchemas.lastLoginURN.lowercased() + ":lastlogin": .column("lastLogin", folded: false),
        ],
        equalityIndexes: ["emails.value": "user.seq IN (SELECT userSeq FROM userEmail WHERE directoryId = ? AND valueKey = ?)"])

    /// The latest sign-in of each user wins: a repeated or older report changes nothing, and never
    /// the user's version (it is not a SCIM change). Times arrive normalised (`Timestamp`), so
    /// they compare as text.
    static func recordLogins(_ db: Database, _ c: RecordLogins) throws -> LoginsRecorded {
        guard !c.jobID.isEmpty else { return try applyLogins(db, c) }
        if let kept = try Data.fetchOne(db, sql: "SELECT result FROM jobBatch WHERE jobId = ? AND firstLine = ?", arguments: [c.jobID, c.firstLine]) {
            return try CommandCodec.decode(LoginsRecorded.self, from: Array(kept))
        }
        let recorded = try applyLogins(db, c)
        try db.execute(sql: "INSERT INTO jobBatch (jobId, firstLine, result) VALUES (?, ?, ?)", arguments: [c.jobID, c.firstLine, Data(CommandCodec.encode(recorded))])
        return recorded
    }

    static func applyLogins(_ db: Database, _ c: RecordLogins) throws -> LoginsRecorded {
        var updated = 0, unchanged = 0, unknown: [String] = []
        // The row it changed, if any, comes back with the update: what the feed event names.
        let update = try db.cachedStatement(sql: """
            UPDATE user SET lastLogin = ? WHERE directoryId = ? AND userNameKey = ? AND (lastLogin IS NULL OR lastLogin < ?) RETURNING id, userName, version
            """)
        let exists = try db.cachedStatement(sql: "SELECT 1 FROM user WHERE directoryId = ? AND userNameKey = ?")
        for login in c.logins {
            let key = login.userName.lowercased()
            if let user = try Row.fetchOne(update, arguments: [login.at, c.directoryID, key, login.at]) {
                updated += 1
                try ChangeFeed.record(db, directoryID: c.directoryID, type: "user.login", resourceType: table.type.name, resourceID: user["id"],
                                      version: user["version"], data: ["id": .string(user["id"]), "userName": .string(user["userName"]), "lastLogin": .string(login.at)])
            } else if try Int.fetchOne(exists, arguments: [c.directoryID, key]) != nil {
                unchanged += 1
            } else if unknown.count < 100 {
                unknown.append(login.userName)
            }
        }
        return LoginsRecorded(updated: updated, unchanged: unchanged, unknown: unknown)
    }

    /// The commands of the users worker.
    public static var commands: CommandTable {
        var table = CommandTable()
        table.register(CreateUser.self) { try create($0, $1) }
        table.registerRead(GetUser.self) { try get($0, $1) }
        table.register(ReplaceUser.self) { try replace($0, $1) }
        table.register(DeleteUser.self) { try delete($0, $1) }
        table.registerRead(QueryUsers.self) { try query($0, $1) }
        table.registerRead(MissingUsers.self) { try missing($0, $1) }
        table.register(PatchUser.self) { try patch($0, $1) }
        table.register(RecordLogins.self) { try recordLogins($0, $1) }
        registerImportCommands(&table)
        registerClearCommands(&table)
        table.registerDirectoryRemoval(directoryTables)
        return table
    }

    static func create(_ db: Database, _ c: CreateUser) throws -> StoredResource {
        try checkNotReserved(db, directoryID: c.directoryID, c.attributes)
        try table.checkDeclaredUniqueness(db, type: try DeclaredSchemas.type(.user, wire: c.extensions), directoryID: c.directoryID, attributes: c.attributes, excludingID: nil)
        let fields = UserFields(c.attributes)
        let (seq, stored) = try table.insert(db, directoryID: c.directoryID, attributes: c.attributes, json: c.attributesJSON, extra: fields.columns(c.passwordHash))
        try writeEmails(db, seq: seq, directoryID: c.directoryID, fields.emailKeys)
        try ChangeFeed.resourceWritten(db, type: table.type, directoryID: c.directoryID, id: stored.id, before: nil, after: stored)
        if !c.joinGroups.isEmpty {
            // In this transaction: a crash after the commit still ends with the user in its groups.
            let eventID = TimeOrderedID.make()
            try Outbox.enqueue(db, JoinGroups(eventID: eventID, directoryID: c.directoryID, userID: stored.id, display: memberDisplay(c.attributes),
                                              groupNames: c.joinGroups), eventID: eventID, directoryID: c.directoryID)
        }
        return stored
    }

    static func get(_ db: Database, _ c: GetUser) throws -> StoredResource {
        table.forwarded(try table.existingRow(db, id: c.id, directoryID: c.directoryID, ifMatch: nil))
    }

    static func replace(_ db: Database, _ c: ReplaceUser) throws -> StoredResource {
        let existing = try table.existingRow(db, id: c.id, directoryID: c.directoryID, ifMatch: c.ifMatch)
        let attributes = try table.declaredReplacement(db, type: try DeclaredSchemas.type(.user, wire: c.extensions), directoryID: c.directoryID, existing: existing,
                                                       attributes: c.attributes)
        // PUT replaces what the client may write; a password is kept unless a new one is sent.
        return try write(db, existing, directoryID: c.directoryID, attributes: attributes, passwordHash: c.passwordHash ?? existing["passwordHash"])
    }

    static func patch(_ db: Database, _ c: PatchUser) throws -> StoredResource {
        let existing = try table.existingRow(db, id: c.id, directoryID: c.directoryID, ifMatch: c.ifMatch)
        let current = try table.stored(existing)
        let operations = c.operations.arrayValue?.isEmpty == false ? try PatchRequest(wire: c.operations) : PatchRequest(operations: [])
        // What the ingress let through for undeclared extensions is kept: it decided the policy.
        let type = try DeclaredSchemas.type(.user, wire: c.extensions)
        let patched = try PatchEngine(type, undeclared: .store).apply(operations, to: current.attributes, resourceID: current.id)
        let normalized = try ResourceNormalizer(type, undeclared: .store).normalize(patched, keepingUnchangedFrom: current.attributes)
        guard normalized.writeOnly.isEmpty else {
            throw SCIMError.invalidValue("A password may only be set through the 'password' attribute.")
        }
        let oldHash: String? = existing["passwordHash"]
        let passwordHash = c.clearPassword ? nil : (c.passwordHash ?? oldHash)
        if normalized.resource == current.attributes && passwordHash == oldHash {
            return current  // nothing changed: same version, no write
        }
        try table.checkDeclaredUniqueness(db, type: type, directoryID: c.directoryID, attributes: normalized.resource, excludingID: current.id,
                                          previous: current.attributes)
        return try write(db, existing, directoryID: c.directoryID, attributes: normalized.resource, passwordHash: passwordHash)
    }

    /// Records an effect on memberships for the groups worker, in this transaction.
    private static func userEvent(_ db: Database, _ kind: ApplyUserEvent.Kind, directoryID: String, userID: String, display: String?) throws {
        let eventID = TimeOrderedID.make()
        try Outbox.enqueue(db, ApplyUserEvent(eventID: eventID, kind: kind, directoryID: directoryID, userID: userID, display: display),
                           eventID: eventID, directoryID: directoryID)
    }

    /// The `display` of a user in group memberships: its displayName, else its userName.
    static func memberDisplay(_ attributes: [String: JSONValue]) -> String? {
        attributes["displayName"]?.stringValue ?? attributes["userName"]?.stringValue
    }

    /// Writes new attributes over an existing user, bumping its version.
    private static func write(_ db: Database, _ existing: Row, directoryID: String, attributes: [String: JSONValue], passwordHash: String?) throws -> StoredResource {
        try checkNotReserved(db, directoryID: directoryID, attributes)
        let fields = UserFields(attributes)
        let oldJSON: String = existing["json"]
        let old = try? JSONValue.parse(Array(oldJSON.utf8)).objectValue
        if let old, memberDisplay(old) != memberDisplay(attributes) {
            try userEvent(db, .renamed, directoryID: directoryID, userID: existing["id"], display: memberDisplay(attributes))
        }
        let stored = try table.update(db, existing, attributes: attributes, extra: fields.columns(passwordHash))
        try ChangeFeed.resourceWritten(db, type: table.type, directoryID: directoryID, id: stored.id, before: old ?? [:], after: stored)
        let seq: Int64 = existing["seq"]
        try db.statement("DELETE FROM userEmail WHERE userSeq = ?").execute(arguments: [seq])
        try writeEmails(db, seq: seq, directoryID: directoryID, fields.emailKeys)
        return stored
    }

    static func delete(_ db: Database, _ c: DeleteUser) throws -> Deleted {
        let existing = try table.existingRow(db, id: c.id, directoryID: c.directoryID, ifMatch: c.ifMatch)
        let name = try table.delete(db, existing, directoryID: c.directoryID)
        try ChangeFeed.resourceDeleted(db, type: table.type, directoryID: c.directoryID, id: existing["id"], uniqueValue: name)
        // Its memberships go too: through the outbox, so a groups worker that is down gets it later.
        try userEvent(db, .deleted, directoryID: c.directoryID, userID: existing["id"], display: nil)
        return Deleted(name: name)
    }

    static func query(_ db: Database, _ c: QueryUsers) throws -> QueryResult {
        let q = c.query
        let sql = try table.query(directoryID: q.directoryID, filter: q.filter, sortBy: q.sortBy, descending: q.descending, locationPrefix: q.locationPrefix,
                                  // The ingress has checked the filter against what this caller sees;
                                  // the lastlogin extension's path is served whenever it gets here.
                                  declared: try DeclaredSchemas.type(.user, wire: q.extensions).declaring([CoreSchemas.lastLogin]))
        let (total, rows) = try table.page(db, sql, directoryID: q.directoryID, filtered: q.filter != nil, startIndex: q.startIndex, count: q.count)
        return QueryResult(totalResults: total, resources: table.forwarded(rows))
    }

    /// Which of the ids are not users of the directory (checked before they become group members).
    static func missing(_ db: Database, _ c: MissingUsers) throws -> MissingUsersReply {
        var missing: [String] = []
        let lookup = try db.statement("SELECT 1 FROM user WHERE id = ? AND directoryId = ?")
        for id in c.ids where try Int.fetchOne(lookup, arguments: [id.lowercased(), c.directoryID]) == nil { missing.append(id) }
        return MissingUsersReply(missing: missing)
    }

    // MARK: - Helpers

    private static func writeEmails(_ db: Database, seq: Int64, directoryID: String, _ keys: [String]) throws {
        for key in Set(keys) {
            try db.statement("INSERT INTO userEmail (userSeq, directoryId, valueKey) VALUES (?, ?, ?)").execute(arguments: [seq, directoryID, key])
        }
    }
}

/// The columns of a user beyond those every resource has, taken from its canonical attributes.
struct UserFields {
    var active: Bool?
    var displayName: String?
    var emailKeys: [String]

    init(_ attributes: [String: JSONValue]) {
        self.active = attributes["active"]?.lenientBool
        self.displayName = attributes["displayName"]?.stringValue
        self.emailKeys = (attributes["emails"]?.arrayValue ?? []).compactMap { $0.objectValue?["value"]?.stringValue?.lowercased() }
    }

    func columns(_ passwordHash: String?) -> ResourceTable.Columns {
        [("active", active), ("displayName", displayName), ("passwordHash", passwordHash)]
    }
}
