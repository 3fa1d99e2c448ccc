public import GRDB
public import RosterPersistence

extension GroupStore {
    /// Frozen once shipped: add new migrations, never edit these.
    public static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-createGroup") { db in
            try db.create(table: "scimGroup") { t in
                t.autoIncrementedPrimaryKey("seq")
                t.column("id", .text).notNull().unique()
                t.column("directoryId", .text).notNull()
                t.column("displayName", .text).notNull()
                // displayName is unique per directory ignoring case, like userName.
                t.column("displayNameKey", .text).notNull()
                t.column("externalId", .text)
                t.column("version", .integer).notNull()
                t.column("created", .text).notNull()
                t.column("lastModified", .text).notNull()
                // The group without `members`: those are rows of `groupMember`.
                t.column("json", .text).notNull()
            }
            try db.create(index: "scimGroup_directory_displayNameKey", on: "scimGroup", columns: ["directoryId", "displayNameKey"], unique: true)
            try db.create(index: "scimGroup_directory_externalId", on: "scimGroup", columns: ["directoryId", "externalId"])
            try db.create(index: "scimGroup_directory_seq", on: "scimGroup", columns: ["directoryId", "seq"])
            // One row per membership: adding or removing a member costs the same in a group of 10 or of 100,000.
            try db.create(table: "groupMember", options: [.withoutRowID]) { t in
                t.column("groupSeq", .integer).notNull().references("scimGroup", onDelete: .cascade)
                t.column("memberId", .text).notNull()
                t.column("display", .text)
                t.column("type", .text)
                t.primaryKey(["groupSeq", "memberId"])
            }
            try db.create(index: "groupMember_member", on: "groupMember", columns: ["memberId"])
            try db.create(table: "groupDirectoryCount") { t in
                t.primaryKey("directoryId", .text)
                t.column("groups", .integer).notNull()
            }
        }
        migrator.registerMigration("v2-userEvents") { db in
            // Event ids applied once: a redelivered event is acknowledged and not applied again.
            try db.create(table: "appliedEvent") { t in
                t.primaryKey("eventId", .text)
                t.column("applied", .text).notNull()
            }
            // Users known to be deleted: never (re-)added as members, whatever raced with the deletion.
            try db.create(table: "deletedUser") { t in
                t.primaryKey("userId", .text)
                t.column("directoryId", .text).notNull()
            }
        }
        migrator.registerMigration("v3-appliedEventDirectory") { db in
            // A directory that moves shard takes its own applied events, not the whole shard's
            // (rows from before this column, NULL, still go with every move until pruned).
            try db.alter(table: "appliedEvent") { t in t.add(column: "directoryId", .text) }
            try db.create(index: "appliedEvent_directory", on: "appliedEvent", columns: ["directoryId"])
        }
        migrator.registerMigration("v4-unmappedGroup") { db in
            // Groups without a SCIM id (their SCIM data cleared), with their members, until a map.
            // `id` is the former id, unique like any: a reshard re-points the members by it.
            try db.create(table: "unmappedGroup") { t in
                t.autoIncrementedPrimaryKey("seq")
                t.column("directoryId", .text).notNull()
                t.column("id", .text).notNull().unique()
                t.column("displayName", .text).notNull()
                t.column("displayNameKey", .text).notNull()
                t.column("json", .text).notNull()
                t.uniqueKey(["directoryId", "displayNameKey"])
            }
            try db.create(table: "unmappedGroupMember") { t in
                t.column("groupSeq", .integer).notNull().references("unmappedGroup", onDelete: .cascade)
                t.column("memberId", .text).notNull()
                t.column("display", .text)
                t.column("type", .text)
                t.primaryKey(["groupSeq", "memberId"])
            }
            try db.create(index: "unmappedGroupMember_member", on: "unmappedGroupMember", columns: ["memberId"])
        }
        ChangeFeed.registerMigration(&migrator, name: "v5-changeOutbox")
        return migrator
    }
}

extension GroupStore {
    /// What `roster reshard` moves with a directory: its groups and their members, its count, and
    /// its deleted-user tombstones; and its applied-event ids go along, since a join applied twice
    /// (an event delivered again after the move) would re-add a member removed since.
    public static let directoryTables = DirectoryTables(
        tables: [
            .init("scimGroup", renumbered: true, children: [("groupMember", "groupSeq")]),
            .init("groupDirectoryCount"),
            .init("deletedUser"),
            .init("unmappedGroup", renumbered: true, children: [("unmappedGroupMember", "groupSeq")]),
            ChangeFeed.table,
        ],
        shared: ["appliedEvent"])
}
