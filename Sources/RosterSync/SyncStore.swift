import Foundation
public import GRDB
public import RosterPersistence
import RosterProtocol
import SCIMCore

/// The sync store: directories and configurations (IdP connections).
public enum SyncStore {
    public static var commands: CommandTable {
        var table = CommandTable()
        table.register(CreateDirectory.self) { try createDirectory($0, $1.name) }
        table.registerRead(ListDirectories.self) { db, _ in
            DirectoryList(directories: try Row.fetchAll(db.statement("SELECT * FROM directory ORDER BY name")).map(directory))
        }
        table.register(SaveConfiguration.self) { try save($0, $1) }
        table.registerRead(ListConfigurations.self) { db, _ in
            ConfigurationList(configurations: try Row.fetchAll(db.statement("SELECT * FROM configuration ORDER BY name")).map { try configuration($0) })
        }
        table.register(DeleteConfiguration.self) { db, c in
            try db.statement("DELETE FROM configuration WHERE id = ?").execute(arguments: [c.id])
            guard db.changesCount == 1 else { throw SCIMError.notFound("No configuration '\(c.id)'.") }
            try db.statement("DELETE FROM observation WHERE configurationId = ?").execute(arguments: [c.id])
            return Empty()
        }
        table.registerRead(GetSettings.self) { db, _ in try settings(db) }
        table.register(PutSetting.self) { db, c in
            guard let accepted = Settings.allowed[c.key] else { throw SCIMError.invalidValue("No setting '\(c.key)'.") }
            guard accepted.contains(c.value) else {
                throw SCIMError.invalidValue("'\(c.key)' accepts \(accepted.sorted().joined(separator: " or ")), not '\(c.value)'.")
            }
            try db.statement("INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)").execute(arguments: [c.key, c.value])
            return try settings(db)
        }
        registerSchemaCommands(&table)
        registerLogLevelCommands(&table)
        registerJobCommands(&table)
        registerShardMapCommands(&table)
        registerImportCommands(&table)
        registerFeedCommands(&table)
        registerWebhookCommands(&table)
        registerAppCommands(&table)
        table.register(SetDirectorySettings.self) { db, c in
            try db.execute(sql: "UPDATE directory SET lastLoginVisible = ? WHERE id = ?", arguments: [c.lastLoginVisible, c.directoryID])
            guard db.changesCount == 1, let row = try Row.fetchOne(db, sql: "SELECT * FROM directory WHERE id = ?", arguments: [c.directoryID]) else {
                throw SCIMError.notFound("No directory '\(c.directoryID)'.")
            }
            return directory(row)
        }
        return table
    }

    static func settings(_ db: Database) throws -> Settings {
        let rows = try Row.fetchAll(db.statement("SELECT key, value FROM setting"))
        return Settings(values: Dictionary(rows.map { ($0["key"], $0["value"]) }, uniquingKeysWith: { a, _ in a }))
    }

    static func createDirectory(_ db: Database, _ name: String) throws -> Directory {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw SCIMError.invalidValue("A directory needs a name.") }
        let directory = Directory(id: UUID().uuidString.lowercased(), name: trimmed, created: Timestamp.string(from: try db.transactionDate))
        do {
            try db.statement("INSERT INTO directory (id, name, created) VALUES (?, ?, ?)").execute(arguments: [directory.id, directory.name, directory.created])
            try placeNewDirectory(db, directory.id)
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw SCIMError.uniqueness("A directory named '\(trimmed)' already exists.")
        }
        return directory
    }

    /// Creates (empty `id`) or replaces a configuration, checking what a careless admin could break.
    static func save(_ db: Database, _ c: SaveConfiguration) throws -> IdPConfiguration {
        var saved = c.configuration
        saved.name = saved.name.trimmingCharacters(in: .whitespaces)
        guard !saved.name.isEmpty else { throw SCIMError.invalidValue("A configuration needs a name.") }
        switch saved.authMethod {
        case .bearer:
            guard let digest = saved.tokenSHA256, digest.count == 64, digest.allSatisfy(\.isHexDigit) else {
                throw SCIMError.invalidValue("A bearer configuration needs the SHA-256 of its token.")
            }
            saved.basicUsername = nil
            saved.basicPasswordHash = nil
        case .basic:
            guard let user = saved.basicUsername, !user.isEmpty, saved.basicPasswordHash?.hasPrefix("pbkdf2-sha256$") == true else {
                throw SCIMError.invalidValue("A Basic configuration needs a username and a password hash.")
            }
            saved.tokenSHA256 = nil
        }
        if let name = c.newDirectoryName {
            saved.directoryID = try createDirectory(db, name).id
        } else if let removing = try Bool.fetchOne(db.statement("SELECT removing FROM directory WHERE id = ?"), arguments: [saved.directoryID]) {
            if removing { throw SCIMError(status: 409, detail: "The directory '\(saved.directoryID)' is being removed: it takes no configuration.") }
        } else {
            throw SCIMError.invalidValue("No directory '\(saved.directoryID)'.")
        }
        let now = Timestamp.string(from: try db.transactionDate)
        do {
            if saved.id.isEmpty {
                saved.id = UUID().uuidString.lowercased()
                saved.version = 1
                try db.statement("""
                    INSERT INTO configuration (id, name, directoryId, authMethod, tokenSHA256, basicUsername, basicPasswordHash, deleteMode,
                    defaultGroups, applicationGroups, enabled, version, created, lastModified, undeclaredExtensions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)
                    """).execute(arguments: [saved.id, saved.name, saved.directoryID, saved.authMethod.rawValue, saved.tokenSHA256?.lowercased(),
                                             saved.basicUsername, saved.basicPasswordHash, saved.deleteMode.rawValue, jsonList(saved.defaultGroups),
                                             jsonList(saved.applicationGroups), saved.enabled, now, now, saved.undeclaredExtensions.rawValue])
            } else {
                guard let version = try Int.fetchOne(db.statement("SELECT version FROM configuration WHERE id = ?"), arguments: [saved.id]) else {
                    throw SCIMError.notFound("No configuration '\(saved.id)'.")
                }
                if let ifMatch = c.ifMatch, ifMatch != version { throw SCIMError.preconditionFailed("IdPConfiguration \(saved.id) is at version \(version), not \(ifMatch).") }
                saved.version = version + 1
                try db.statement("""
                    UPDATE configuration SET name = ?, directoryId = ?, authMethod = ?, tokenSHA256 = ?, basicUsername = ?, basicPasswordHash = ?,
                    deleteMode = ?, defaultGroups = ?, applicationGroups = ?, enabled = ?, version = ?, lastModified = ?, undeclaredExtensions = ? WHERE id = ?
                    """).execute(arguments: [saved.name, saved.directoryID, saved.authMethod.rawValue, saved.tokenSHA256?.lowercased(), saved.basicUsername,
                                             saved.basicPasswordHash, saved.deleteMode.rawValue, jsonList(saved.defaultGroups), jsonList(saved.applicationGroups),
                                             saved.enabled, saved.version, now, saved.undeclaredExtensions.rawValue, saved.id])
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw SCIMError.uniqueness("The configuration's name, token or Basic username is already used by another configuration.")
        }
        saved.tokenSHA256 = saved.tokenSHA256?.lowercased()
        return saved
    }

    static func directory(_ row: Row) -> Directory {
        Directory(id: row["id"], name: row["name"], created: row["created"], lastLoginVisible: row["lastLoginVisible"] ?? false)
    }

    static func configuration(_ row: Row) throws -> IdPConfiguration {
        func names(_ column: String) -> [String] { list(row[column]) }
        var c = IdPConfiguration(
            id: row["id"], name: row["name"], directoryID: row["directoryId"],
            authMethod: IdPConfiguration.AuthMethod(rawValue: row["authMethod"]) ?? .bearer, tokenSHA256: row["tokenSHA256"],
            basicUsername: row["basicUsername"], basicPasswordHash: row["basicPasswordHash"],
            deleteMode: IdPConfiguration.DeleteMode(rawValue: row["deleteMode"]) ?? .delete, defaultGroups: names("defaultGroups"),
            applicationGroups: names("applicationGroups"), enabled: row["enabled"], version: row["version"])
        c.undeclaredExtensions = UndeclaredExtensionPolicy(rawValue: row["undeclaredExtensions"]) ?? .store
        return c
    }
}

extension SyncStore {
    /// The id of the directory the bootstrap token has always served.
    public static let defaultDirectoryID = "default"

    /// Makes the bootstrap token the "default" configuration of the "default" directory, once.
    /// Later starts leave it as an admin may have changed it (rotated, disabled).
    public static func ensureDefault(_ pool: DatabasePool, tokenSHA256: String) throws {
        try pool.write { db in
            let now = Timestamp.string(from: try db.transactionDate)
            try db.execute(sql: "INSERT OR IGNORE INTO directory (id, name, created) VALUES (?, 'Default', ?)", arguments: [defaultDirectoryID, now])
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM configuration WHERE name = 'default'") == nil else { return }
            try db.execute(sql: """
                INSERT INTO configuration (id, name, directoryId, authMethod, tokenSHA256, deleteMode, defaultGroups, applicationGroups, enabled,
                version, created, lastModified) VALUES ('default', 'default', ?, 'bearer', ?, 'delete', '[]', '[]', 1, 1, ?, ?)
                """, arguments: [defaultDirectoryID, tokenSHA256.lowercased(), now, now])
        }
    }
}

extension SyncStore {
    /// After `roster token reset --bootstrap` (offline): the "default" configuration takes the new
    /// token if it still had the old one (an admin who rotated it since keeps theirs). Returns
    /// whether it changed.
    public static func replaceBootstrapToken(_ pool: DatabasePool, old: String, new: String) throws -> Bool {
        try pool.write { db in
            let now = Timestamp.string(from: try db.transactionDate)
            try db.execute(sql: """
                UPDATE configuration SET tokenSHA256 = ?, version = version + 1, lastModified = ? WHERE name = 'default' AND tokenSHA256 = ?
                """, arguments: [new.lowercased(), now, old.lowercased()])
            return db.changesCount == 1
        }
    }
}
