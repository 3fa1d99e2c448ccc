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
        type: .user, name: "user", countTable: "directoryCount", countColumn: "users",
        storage: [
            "username": .column("userNameKey", folded: true),
            "groups": .unsupported("Filtering users by 'groups' is not supported yet: filter groups by 'members.value' instead."),
        ],
        equalityIndexes: ["emails.value": "user.seq IN (SELECT userSeq FROM userEmail WHERE directoryId = ? AND valueKey = ?)"])

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
        return table
    }

    static func create(_ db: Database, _ c: CreateUser) throws -> StoredResource {
        let fields = try UserFields(c.attributes)
        let id = UUID().uuidString.lowercased()
        let now = try ResourceTable.now(db)
        try table.unique(fields.userName) {
            try db.statement("""
                    INSERT INTO user (id, directoryId, userName, userNameKey, externalId, active, displayName, passwordHash, version, created, lastModified, json)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)
                    """).execute(arguments: [id, c.directoryID, fields.userName, fields.userNameKey, fields.externalId, fields.active, fields.displayName,
                            c.passwordHash, now, now, String(decoding: c.attributesJSON, as: UTF8.self)])
        }
        try writeEmails(db, seq: db.lastInsertedRowID, directoryID: c.directoryID, fields.emailKeys)
        try table.adjustCount(db, directoryID: c.directoryID, by: 1)
        if !c.joinGroups.isEmpty {
            // In this transaction: a crash after the commit still ends with the user in its groups.
            let eventID = UUID().uuidString.lowercased()
            try Outbox.enqueue(db, JoinGroups(eventID: eventID, directoryID: c.directoryID, userID: id, display: memberDisplay(c.attributes),
                                              groupNames: c.joinGroups), eventID: eventID, directoryID: c.directoryID)
        }
        return StoredResource(id: id, version: 1, created: now, lastModified: now, attributes: c.attributes, canonicalJSON: c.attributesJSON)
    }

    static func get(_ db: Database, _ c: GetUser) throws -> StoredResource {
        try table.stored(try table.existingRow(db, id: c.id, directoryID: c.directoryID, ifMatch: nil))
    }

    static func replace(_ db: Database, _ c: ReplaceUser) throws -> StoredResource {
        let existing = try table.existingRow(db, id: c.id, directoryID: c.directoryID, ifMatch: c.ifMatch)
        // PUT replaces what the client may write; a password is kept unless a new one is sent.
        return try write(db, existing, directoryID: c.directoryID, attributes: c.attributes, passwordHash: c.passwordHash ?? existing["passwordHash"])
    }

    static func patch(_ db: Database, _ c: PatchUser) throws -> StoredResource {
        let existing = try table.existingRow(db, id: c.id, directoryID: c.directoryID, ifMatch: c.ifMatch)
        let current = try table.stored(existing)
        let operations = c.operations.arrayValue?.isEmpty == false ? try PatchRequest(wire: c.operations) : PatchRequest(operations: [])
        let patched = try PatchEngine.user.apply(operations, to: current.attributes, resourceID: current.id)
        let normalized = try ResourceNormalizer.user.normalize(patched)
        guard normalized.writeOnly.isEmpty else {
            throw SCIMError.invalidValue("A password may only be set through the 'password' attribute.")
        }
        let oldHash: String? = existing["passwordHash"]
        let passwordHash = c.clearPassword ? nil : (c.passwordHash ?? oldHash)
        if normalized.resource == current.attributes && passwordHash == oldHash {
            return current  // nothing changed: same version, no write
        }
        return try write(db, existing, directoryID: c.directoryID, attributes: normalized.resource, passwordHash: passwordHash)
    }

    /// Records an effect on memberships for the groups worker, in this transaction.
    private static func userEvent(_ db: Database, _ kind: ApplyUserEvent.Kind, directoryID: String, userID: String, display: String?) throws {
        let eventID = UUID().uuidString.lowercased()
        try Outbox.enqueue(db, ApplyUserEvent(eventID: eventID, kind: kind, directoryID: directoryID, userID: userID, display: display),
                           eventID: eventID, directoryID: directoryID)
    }

    /// The `display` of a user in group memberships: its displayName, else its userName.
    static func memberDisplay(_ attributes: [String: JSONValue]) -> String? {
        attributes["displayName"]?.stringValue ?? attributes["userName"]?.stringValue
    }

    /// Writes new attributes over an existing user, bumping its version.
    private static func write(_ db: Database, _ existing: Row, directoryID: String, attributes: [String: JSONValue], passwordHash: String?) throws -> StoredResource {
        let fields = try UserFields(attributes)
        let oldJSON: String = existing["json"]
        if let old = try? JSONValue.parse(Array(oldJSON.utf8)).objectValue, memberDisplay(old) != memberDisplay(attributes) {
            try userEvent(db, .renamed, directoryID: directoryID, userID: existing["id"], display: memberDisplay(attributes))
        }
        let seq: Int64 = existing["seq"]
        let version: Int = existing["version"] + 1
        let now = try ResourceTable.now(db)
        let json = WireJSON.bytes(attributes)  // serialised once: stored, and sent back as is
        try table.unique(fields.userName) {
            try db.statement("""
                UPDATE user SET userName = ?, userNameKey = ?, externalId = ?, active = ?, displayName = ?, passwordHash = ?,
                version = ?, lastModified = ?, json = ? WHERE seq = ?
                """).execute(arguments: [fields.userName, fields.userNameKey, fields.externalId, fields.active, fields.displayName, passwordHash,
                                         version, now, String(decoding: json, as: UTF8.self), seq])
        }
        try db.statement("DELETE FROM userEmail WHERE userSeq = ?").execute(arguments: [seq])
        try writeEmails(db, seq: seq, directoryID: directoryID, fields.emailKeys)
        return StoredResource(id: existing["id"], version: version, created: existing["created"], lastModified: now, attributes: attributes,
                              canonicalJSON: json)
    }

    static func delete(_ db: Database, _ c: DeleteUser) throws -> Deleted {
        let existing = try table.existingRow(db, id: c.id, directoryID: c.directoryID, ifMatch: c.ifMatch)
        try db.statement("DELETE FROM user WHERE seq = ?").execute(arguments: [existing["seq"] as Int64])
        try table.adjustCount(db, directoryID: c.directoryID, by: -1)
        // Its memberships go too: through the outbox, so a groups worker that is down gets it later.
        try userEvent(db, .deleted, directoryID: c.directoryID, userID: existing["id"], display: nil)
        return Deleted(name: existing["userName"])
    }

    static func query(_ db: Database, _ c: QueryUsers) throws -> QueryResult {
        let q = c.query
        let sql = try table.query(directoryID: q.directoryID, filter: q.filter, sortBy: q.sortBy, descending: q.descending, locationPrefix: q.locationPrefix)
        let (total, rows) = try table.page(db, sql, directoryID: q.directoryID, filtered: q.filter != nil, startIndex: q.startIndex, count: q.count)
        return QueryResult(totalResults: total, resources: try rows.map(table.stored))
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

/// The indexed columns of a user, taken from its canonical attributes.
struct UserFields {
    var userName: String
    var userNameKey: String
    var externalId: String?
    var active: Bool?
    var displayName: String?
    var emailKeys: [String]

    init(_ attributes: [String: JSONValue]) throws {
        guard let userName = attributes["userName"]?.stringValue, !userName.isEmpty else {
            throw SCIMError.invalidValue("'userName' is required.")
        }
        self.userName = userName
        self.userNameKey = userName.lowercased()
        self.externalId = attributes["externalId"]?.stringValue
        self.active = attributes["active"]?.lenientBool
        self.displayName = attributes["displayName"]?.stringValue
        self.emailKeys = (attributes["emails"]?.arrayValue ?? []).compactMap { $0.objectValue?["value"]?.stringValue?.lowercased() }
    }
}
