public import GRDB

extension AuditStore {
    /// Frozen once shipped: add new migrations, never edit these.
    public static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-audit") { db in
            // Rows stay small (bodies live in auditBody) so that index walks and page reads touch
            // few pages even at millions of records. The id encodes the time (see AuditStore.id),
            // so every index, which ends in the rowid, is already in newest-first order.
            try db.execute(sql: """
                CREATE TABLE audit (
                    id INTEGER PRIMARY KEY,
                    origin INTEGER NOT NULL,
                    seq INTEGER NOT NULL,
                    at INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    configurationId TEXT,
                    configurationName TEXT,
                    directoryId TEXT,
                    source TEXT,
                    method TEXT NOT NULL,
                    path TEXT NOT NULL,
                    query TEXT,
                    scimVersion TEXT,
                    resourceType TEXT,
                    resourceId TEXT,
                    subject TEXT,
                    status INTEGER NOT NULL,
                    statusClass INTEGER NOT NULL,
                    scimType TEXT,
                    durationMicros INTEGER NOT NULL,
                    requestBytes INTEGER NOT NULL,
                    responseBytes INTEGER NOT NULL,
                    UNIQUE (origin, seq)
                );
                CREATE TABLE auditBody (id INTEGER PRIMARY KEY, request TEXT, response TEXT);
                -- One index per filter; each ends in the rowid, so a filtered page is an index walk.
                CREATE INDEX audit_configuration ON audit (configurationId);
                CREATE INDEX audit_kind ON audit (kind);
                CREATE INDEX audit_method ON audit (method);
                CREATE INDEX audit_status ON audit (status);
                CREATE INDEX audit_statusClass ON audit (statusClass);
                CREATE INDEX audit_resourceType ON audit (resourceType);
                CREATE INDEX audit_resourceId ON audit (resourceId);
                -- Free text: trigrams of subject and path; contentless, rowid = audit.id.
                CREATE VIRTUAL TABLE auditText USING fts5 (search, content = '', tokenize = 'trigram');
                """)
        }
        migrator.registerMigration("v2-auditSetting") { db in
            // Retention set at runtime through the admin API; absent: the worker's configuration.
            try db.execute(sql: "CREATE TABLE auditSetting (key TEXT PRIMARY KEY, value INTEGER NOT NULL)")
        }
        migrator.registerMigration("v3-userAgent") { db in
            // Which IdP sent the request; NULL for records stored before.
            try db.execute(sql: "ALTER TABLE audit ADD COLUMN userAgent TEXT")
        }
        migrator.registerMigration("v4-requestId") { db in
            // The X-Request-Id the log lines name; NULL for records stored before.
            try db.execute(sql: "ALTER TABLE audit ADD COLUMN requestId TEXT")
        }
        return migrator
    }
}
