public import GRDB

extension SyncStore {
    /// Frozen once shipped: add new migrations, never edit these.
    public static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-createDirectoryAndConfiguration") { db in
            try db.create(table: "directory") { t in
                t.primaryKey("id", .text)
                t.column("name", .text).notNull().unique(onConflict: .abort).collate(.nocase)
                t.column("created", .text).notNull()
            }
            try db.create(table: "configuration") { t in
                t.primaryKey("id", .text)
                t.column("name", .text).notNull().unique().collate(.nocase)
                t.column("directoryId", .text).notNull().references("directory", onDelete: .restrict)
                t.column("authMethod", .text).notNull()
                // Only digests and slow hashes: a stolen sync.sqlite reveals no credential.
                t.column("tokenSHA256", .text).unique()
                t.column("basicUsername", .text).unique()
                t.column("basicPasswordHash", .text)
                t.column("deleteMode", .text).notNull()
                t.column("defaultGroups", .text).notNull()
                t.column("applicationGroups", .text).notNull()
                t.column("enabled", .boolean).notNull()
                t.column("version", .integer).notNull()
                t.column("created", .text).notNull()
                t.column("lastModified", .text).notNull()
            }
        }
        migrator.registerMigration("v2-setting") { db in
            try db.create(table: "setting") { t in
                t.primaryKey("key", .text)
                t.column("value", .text).notNull()
            }
        }
        migrator.registerMigration("v3-extensionSchemaAndObservation") { db in
            try db.alter(table: "configuration") { t in t.add(column: "undeclaredExtensions", .text).notNull().defaults(to: "store") }
            try db.create(table: "extensionSchema") { t in
                t.column("directoryId", .text).notNull().references("directory", onDelete: .cascade)
                t.column("resourceType", .text).notNull()
                t.column("urn", .text).notNull().collate(.nocase)
                t.column("declaration", .text).notNull()
                t.column("created", .text).notNull()
                t.column("updated", .text).notNull()
                t.primaryKey(["directoryId", "resourceType", "urn"])
            }
            try db.create(table: "observation") { t in
                t.column("configurationId", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("name", .text).notNull()
                t.column("detail", .text).notNull()
                t.column("count", .integer).notNull()
                t.column("firstSeen", .text).notNull()
                t.column("lastSeen", .text).notNull()
                t.primaryKey(["configurationId", "kind", "name"])
            }
        }
        migrator.registerMigration("v4-job") { db in
            // A job's row is its whole state: progress is written in the same transaction as the
            // step it counts, so a restart resumes from it.
            try db.create(table: "job") { t in
                t.primaryKey("id", .text)
                t.column("seq", .integer).notNull().unique()
                t.column("kind", .text).notNull()
                t.column("directoryId", .text).notNull().indexed()
                t.column("directoryName", .text).notNull()
                t.column("state", .text).notNull().indexed()
                t.column("job", .blob).notNull()  // the Job message
            }
            // A directory being removed takes no new configuration and no second removal.
            try db.alter(table: "directory") { t in t.add(column: "removing", .boolean).notNull().defaults(to: false) }
        }
        migrator.registerMigration("v5-directorySettings") { db in
            try db.alter(table: "directory") { t in t.add(column: "lastLoginVisible", .boolean).notNull().defaults(to: false) }
        }
        migrator.registerMigration("v6-shardMap") { db in
            // The shard map (SyncStore+ShardMap.swift): where each kind's directories live once an
            // online reshard has moved any; empty for a deployment that never did.
            try db.create(table: "shardBase") { t in
                t.primaryKey("kind", .text)
                t.column("count", .integer).notNull()
            }
            try db.create(table: "shardPlacement") { t in
                t.column("kind", .text).notNull()
                t.column("directoryId", .text).notNull()
                t.column("shard", .integer).notNull()
                t.primaryKey(["kind", "directoryId"])
            }
            // A directory's rows left on its old shard after its move, removed by the reshard job.
            try db.create(table: "shardCleanup") { t in
                t.column("kind", .text).notNull()
                t.column("directoryId", .text).notNull()
                t.column("shard", .integer).notNull()
                t.primaryKey(["kind", "directoryId", "shard"])
            }
            // A directory's freeze on a shard to undo (a move cancelled or failed before its switch).
            try db.create(table: "shardRelease") { t in
                t.column("kind", .text).notNull()
                t.column("directoryId", .text).notNull()
                t.column("shard", .integer).notNull()
                t.primaryKey(["kind", "directoryId", "shard"])
            }
            // The counts an unfinished reshard goes to: new directories are placed by them at once.
            try db.create(table: "reshardTarget") { t in
                t.primaryKey("kind", .text)
                t.column("count", .integer).notNull()
            }
        }
        migrator.registerMigration("v7-changeFeed") { db in
            // The change feed (SyncStore+Feed.swift): each directory's events, numbered in order.
            try db.execute(sql: """
                CREATE TABLE change (
                    directoryId TEXT NOT NULL,
                    seq INTEGER NOT NULL,
                    eventId TEXT NOT NULL UNIQUE,
                    type TEXT NOT NULL,
                    at TEXT NOT NULL,
                    payload BLOB NOT NULL,
                    PRIMARY KEY (directoryId, seq)) WITHOUT ROWID;
                CREATE TABLE feedHead (
                    directoryId TEXT PRIMARY KEY NOT NULL,
                    head INTEGER NOT NULL,
                    pruned INTEGER NOT NULL DEFAULT 0);
                CREATE TABLE webhook (
                    id TEXT PRIMARY KEY NOT NULL,
                    directoryId TEXT NOT NULL,
                    url TEXT NOT NULL,
                    eventTypes TEXT NOT NULL,
                    secret TEXT NOT NULL,
                    state TEXT NOT NULL,
                    pausedReason TEXT NOT NULL DEFAULT '',
                    cursor INTEGER NOT NULL,
                    failureStreak INTEGER NOT NULL DEFAULT 0,
                    lastError TEXT NOT NULL DEFAULT '',
                    failingSince TEXT NOT NULL DEFAULT '',
                    batchSize INTEGER NOT NULL,
                    created TEXT NOT NULL);
                CREATE TABLE webhookDelivery (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    webhookId TEXT NOT NULL,
                    at TEXT NOT NULL,
                    firstSeq INTEGER NOT NULL,
                    lastSeq INTEGER NOT NULL,
                    events INTEGER NOT NULL,
                    attempt INTEGER NOT NULL,
                    status INTEGER NOT NULL,
                    error TEXT NOT NULL,
                    latencyMs INTEGER NOT NULL);
                CREATE INDEX webhookDelivery_webhook ON webhookDelivery (webhookId, id);
                """)
        }
        registerAppMigration(&migrator)
        return migrator
    }
}
