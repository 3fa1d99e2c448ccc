public import GRDB
import Foundation
public import RosterPersistence
import RosterProtocol
import SCIMCore

extension UserStore {
    /// Frozen once shipped: add new migrations, never edit these.
    public static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-createUser") { db in
            // `seq` gives a stable listing order; `id` is the SCIM id (UUID, never reused).
            try db.create(table: "user") { t in
                t.autoIncrementedPrimaryKey("seq")
                t.column("id", .text).notNull().unique()
                t.column("directoryId", .text).notNull()
                t.column("userName", .text).notNull()
                // userName is unique per directory ignoring case (RFC 7643 §4.1.1, caseExact false).
                t.column("userNameKey", .text).notNull()
                t.column("externalId", .text)
                t.column("active", .boolean)
                t.column("displayName", .text)
                t.column("passwordHash", .text)
                t.column("version", .integer).notNull()
                t.column("created", .text).notNull()
                t.column("lastModified", .text).notNull()
                t.column("json", .text).notNull()
            }
            try db.create(index: "user_directory_userNameKey", on: "user", columns: ["directoryId", "userNameKey"], unique: true)
            try db.create(index: "user_directory_externalId", on: "user", columns: ["directoryId", "externalId"])
            try db.create(index: "user_directory_seq", on: "user", columns: ["directoryId", "seq"])
            // Every email value, lower-cased, so `emails.value eq` is an index lookup.
            try db.create(table: "userEmail") { t in
                t.column("userSeq", .integer).notNull().indexed().references("user", onDelete: .cascade)
                t.column("directoryId", .text).notNull()
                t.column("valueKey", .text).notNull()
            }
            try db.create(index: "userEmail_directory_value", on: "userEmail", columns: ["directoryId", "valueKey"])
            // Users per directory, kept exact in the same transaction as each insert and delete, so that an
            // unfiltered list answers `totalResults` without counting a million index entries.
            try db.create(table: "directoryCount") { t in
                t.primaryKey("directoryId", .text)
                t.column("users", .integer).notNull()
            }
        }
        // Frozen: its SQL is written here, not shared, so that no later edit can change it.
        migrator.registerMigration("v2-outbox") { db in
            try db.execute(sql: """
                CREATE TABLE outbox (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    eventId TEXT NOT NULL UNIQUE,
                    directoryId TEXT NOT NULL,
                    command TEXT NOT NULL,
                    payload TEXT NOT NULL,
                    created TEXT NOT NULL);
                CREATE TABLE outboxDead (
                    eventId TEXT PRIMARY KEY NOT NULL,
                    directoryId TEXT NOT NULL,
                    command TEXT NOT NULL,
                    payload TEXT NOT NULL,
                    error TEXT NOT NULL);
                """)
        }
        // Frozen: pending outbox events of protocol 2 were JSON text; from protocol 3 they are
        // protobuf. Rewritten here so that an upgrade with events still pending loses none.
        migrator.registerMigration("v3-outbox-protobuf") { db in
            for row in try Row.fetchAll(db, sql: "SELECT seq, command, payload FROM outbox") {
                let text: String = row["payload"]
                guard case .object(let o)? = try? JSONValue.parse(Array(text.utf8)) else { continue }
                func string(_ key: String) -> String { o[key]?.stringValue ?? "" }
                let payload: [UInt8]
                switch row["command"] as String {
                case ApplyUserEvent.name:
                    payload = CommandCodec.encode(ApplyUserEvent(
                        eventID: string("eventID"), kind: string("kind") == "renamed" ? .renamed : .deleted, directoryID: string("directoryID"),
                        userID: string("userID"), display: o["display"]?.stringValue))
                case JoinGroups.name:
                    payload = CommandCodec.encode(JoinGroups(
                        eventID: string("eventID"), directoryID: string("directoryID"), userID: string("userID"), display: o["display"]?.stringValue,
                        groupNames: (o["groupNames"]?.arrayValue ?? []).compactMap(\.stringValue)))
                default:
                    continue
                }
                try db.execute(sql: "UPDATE outbox SET payload = ? WHERE seq = ?", arguments: [Data(payload), row["seq"] as Int64])
            }
        }
        migrator.registerMigration("v4-lastLogin") { db in
            // Reported by applications, never by SCIM: a column of its own, indexed for the
            // dormant-account filter (`meta.lastLogin lt …`) and its sort.
            try db.alter(table: "user") { t in t.add(column: "lastLogin", .text) }
            try db.create(index: "user_directory_lastLogin", on: "user", columns: ["directoryId", "lastLogin"])
        }
        migrator.registerMigration("v5-importApplied") { db in
            // Which users an import job created, by its record's line: a batch sent again after
            // the sync worker restarted reports "created" again, not "unchanged". Forgotten when
            // the job ends (users.forgetImport).
            try db.create(table: "importApplied") { t in
                t.column("jobId", .text).notNull()
                t.column("line", .integer).notNull()
                t.column("userId", .text).notNull()
                t.primaryKey(["jobId", "line"])
            }
        }
        migrator.registerMigration("v6-unmappedUser") { db in
            // Accounts without a SCIM id (their SCIM data cleared): out of SCIM's sight, their
            // userName still reserved, until a map gives them a new id (UserStore+ClearSCIM.swift).
            try db.create(table: "unmappedUser") { t in
                t.autoIncrementedPrimaryKey("seq")
                t.column("directoryId", .text).notNull()
                t.column("formerId", .text).notNull()
                t.column("userName", .text).notNull()
                t.column("userNameKey", .text).notNull()
                t.column("json", .text).notNull()
                t.column("passwordHash", .text)
                t.column("lastLogin", .text)
                t.uniqueKey(["directoryId", "userNameKey"])
            }
        }
        migrator.registerMigration("v7-jobBatch") { db in
            // A job batch's outcome (sign-ins from a file), kept until the job ends.
            try db.create(table: "jobBatch") { t in
                t.column("jobId", .text).notNull()
                t.column("firstLine", .integer).notNull()
                t.column("result", .blob).notNull()
                t.primaryKey(["jobId", "firstLine"])
            }
        }
        ChangeFeed.registerMigration(&migrator, name: "v8-changeOutbox")
        return migrator
    }
}

extension UserStore {
    /// What `roster reshard` moves with a directory: its users (and their e-mail index rows), its
    /// count, and its outbox events, delivered or refused. Add a table here with its migration.
    public static let directoryTables = DirectoryTables(
        tables: [
            .init("user", renumbered: true, children: [("userEmail", "userSeq")]),
            .init("directoryCount"),
            .init("outbox", renumbered: true),
            .init("outboxDead"),
            .init("unmappedUser", renumbered: true),
            ChangeFeed.table,
        ],
        unscoped: ["importApplied", "jobBatch"])
}
