import Foundation
import GRDB
import Synchronization
import RosterCrypto
import RosterPersistence
import RosterProtocol
import SCIMCore

/// Application links (docs/integrations/bitbucket.md): rows of `app`, applied by
/// ``AppConnector``. A link's password or token comes in the command and is kept sealed with
/// the worker's key (``AppSettings/key``); no reply carries it. The connector's mirror of what
/// it made in the application (`appUser`, `appGroup`, `appMember`) is what keeps it
/// idempotent: an event whose effect the mirror already shows makes no request.
extension SyncStore {
    static func registerAppMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v8-apps") { db in
            try db.execute(sql: """
                CREATE TABLE app (
                    id TEXT PRIMARY KEY NOT NULL,
                    directoryId TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    url TEXT NOT NULL,
                    username TEXT NOT NULL,
                    auth TEXT NOT NULL,
                    secret TEXT NOT NULL,
                    state TEXT NOT NULL,
                    reason TEXT NOT NULL DEFAULT '',
                    cursor INTEGER NOT NULL,
                    failureStreak INTEGER NOT NULL DEFAULT 0,
                    lastError TEXT NOT NULL DEFAULT '',
                    failingSince TEXT NOT NULL DEFAULT '',
                    created TEXT NOT NULL,
                    groupMap TEXT NOT NULL,
                    addToDefaultGroup INTEGER NOT NULL,
                    loginsEverySeconds INTEGER NOT NULL,
                    applied INTEGER NOT NULL DEFAULT 0,
                    requests INTEGER NOT NULL DEFAULT 0,
                    lastApplied TEXT NOT NULL DEFAULT '',
                    notes TEXT NOT NULL DEFAULT '[]',
                    lastLogins TEXT NOT NULL DEFAULT '');
                CREATE TABLE appUser (
                    appId TEXT NOT NULL,
                    scimId TEXT NOT NULL,
                    name TEXT NOT NULL,
                    nameKey TEXT NOT NULL,
                    userName TEXT NOT NULL,
                    displayName TEXT NOT NULL,
                    email TEXT NOT NULL,
                    state TEXT NOT NULL,
                    savedGroups TEXT NOT NULL DEFAULT '[]',
                    savedPermission TEXT NOT NULL DEFAULT '',
                    mutableDetails INTEGER NOT NULL DEFAULT 1,
                    mutableGroups INTEGER NOT NULL DEFAULT 1,
                    PRIMARY KEY (appId, scimId)) WITHOUT ROWID;
                CREATE INDEX appUser_name ON appUser (appId, nameKey);
                CREATE TABLE appGroup (
                    appId TEXT NOT NULL,
                    scimId TEXT NOT NULL,
                    name TEXT NOT NULL,
                    nameKey TEXT NOT NULL,
                    PRIMARY KEY (appId, scimId)) WITHOUT ROWID;
                CREATE INDEX appGroup_name ON appGroup (appId, nameKey);
                CREATE TABLE appMember (
                    appId TEXT NOT NULL,
                    groupId TEXT NOT NULL,
                    userId TEXT NOT NULL,
                    PRIMARY KEY (appId, groupId, userId)) WITHOUT ROWID;
                CREATE INDEX appMember_user ON appMember (appId, userId);
                CREATE TABLE appDrift (
                    jobId TEXT NOT NULL,
                    seq INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    subject TEXT NOT NULL,
                    detail TEXT NOT NULL,
                    repaired INTEGER NOT NULL,
                    PRIMARY KEY (jobId, seq)) WITHOUT ROWID;
                ALTER TABLE job ADD COLUMN source TEXT NOT NULL DEFAULT '';
                """)
        }
    }

    static let appKinds = ["bitbucket"]
    static let appsPerDirectory = 10

    static func registerAppCommands(_ table: inout CommandTable) {
        table.register(CreateApp.self) { try createApp($0, $1) }
        table.registerRead(ListApps.self) { db, c in
            let rows = c.hasDirectoryID
                ? try Row.fetchAll(db, sql: "SELECT * FROM app WHERE directoryId = ? ORDER BY created, id", arguments: [c.directoryID])
                : try Row.fetchAll(db, sql: "SELECT * FROM app ORDER BY created, id")
            var list = Roster_V1_AppList()
            list.apps = try rows.map { try app(db, $0) }
            return list
        }
        table.register(ChangeApp.self) { try changeApp($0, $1) }
        table.register(StartAppJob.self) { db, c in
            let link = try app(db, id: c.appID)
            guard [Job.appMap, Job.appReconcile, Job.appLogins].contains(c.kind) else {
                throw SCIMError.invalidValue("'\(c.kind)' is not an application job: use \(Job.appMap), \(Job.appReconcile) or \(Job.appLogins).")
            }
            let name = try directoryName(db, link.directoryID)
            return try queueJob(db, kind: c.kind, directoryID: link.directoryID, name: name) { $0.source = "app:\(link.id)" + (c.repair ? ":repair" : "") }
        }
        table.registerRead(ListDrift.self) { db, c in
            _ = try job(db, c.jobID)
            var list = Roster_V1_DriftList()
            list.total = Int64(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM appDrift WHERE jobId = ?", arguments: [c.jobID]) ?? 0)
            list.drift = try Row.fetchAll(db, sql: "SELECT * FROM appDrift WHERE jobId = ? ORDER BY seq LIMIT ?",
                                          arguments: [c.jobID, c.limit <= 0 ? 1000 : min(Int(c.limit), 100_000)]).map { row in
                var d = Drift()
                d.kind = row["kind"]
                d.subject = row["subject"]
                d.detail = row["detail"]
                d.repaired = row["repaired"]
                return d
            }
            return list
        }
    }

    static func createApp(_ db: Database, _ c: CreateApp) throws -> App {
        _ = try directoryName(db, c.directoryID, why: "; it takes no application links")
        guard appKinds.contains(c.kind) else { throw SCIMError.invalidValue("'\(c.kind)' is not an application kind: use \(appKinds.joined(separator: ", ")).") }
        let url = try checkAppURL(c.url)
        guard ["basic", "oauth"].contains(c.auth) else { throw SCIMError.invalidValue("'auth' is basic (a service account's password) or oauth (an OAuth 2.0 access token), not '\(c.auth)'.") }
        if c.auth == "basic" {
            guard !c.username.isEmpty, !c.username.contains(":"), c.username.utf8.count <= 255 else {
                throw SCIMError.invalidValue("Basic authentication needs the service account's username (without ':').")
            }
        }
        guard !c.secret.isEmpty, c.secret.utf8.count <= 8192, !c.secret.contains("\n") else {
            throw SCIMError.invalidValue(c.auth == "basic" ? "The service account's password is missing." : "The OAuth 2.0 access token is missing.")
        }
        for (from, to) in c.groupMap where from.trimmingCharacters(in: .whitespaces).isEmpty || to.trimmingCharacters(in: .whitespaces).isEmpty {
            throw SCIMError.invalidValue("A group mapping is 'Roster group=Bitbucket group', both named.")
        }
        guard c.loginsEverySeconds == 0 || (60...(30 * 86400)).contains(c.loginsEverySeconds) else {
            throw SCIMError.invalidValue("'loginsEverySeconds' is 0 (never) or 60 to 2592000, not \(c.loginsEverySeconds).")
        }
        let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM app WHERE directoryId = ?", arguments: [c.directoryID]) ?? 0
        guard count < appsPerDirectory else { throw SCIMError(status: 409, detail: "A directory has at most \(appsPerDirectory) application links; remove one first.") }
        let (head, pruned) = try feedHead(db, c.directoryID)
        let id = UUID().uuidString.lowercased()
        let key = AppSettings.current.withLock(\.key)
        try db.execute(sql: """
            INSERT INTO app (id, directoryId, kind, url, username, auth, secret, state, cursor, created, groupMap, addToDefaultGroup, loginsEverySeconds)
            VALUES (?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?, ?)
            """, arguments: [id, c.directoryID, c.kind, url, c.auth == "basic" ? c.username : "", c.auth, try Secrets.seal(Array(c.secret.utf8), key: key),
                             c.fromStart ? pruned : head, Timestamp.string(from: try db.transactionDate), jsonObject(c.groupMap), c.addToDefaultGroup,
                             c.loginsEverySeconds])
        return try app(db, id: id)
    }

    /// An application's base URL: https (http only with `apps.allowPlainHttp`), a host, no
    /// credentials, query or fragment in it.
    static func checkAppURL(_ text: String) throws -> String {
        var trimmed = text.trimmingCharacters(in: .whitespaces)
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let url = URLComponents(string: trimmed), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else {
            throw SCIMError.invalidValue("'\(text)' is not an application URL such as https://bitbucket.example.com.")
        }
        guard url.user == nil, url.password == nil, url.query == nil, url.fragment == nil else {
            throw SCIMError.invalidValue("The application URL takes no credentials, query or fragment: give the account separately.")
        }
        guard scheme == "https" || (scheme == "http" && AppSettings.current.withLock(\.allowPlainHTTP)) else {
            throw SCIMError.invalidValue("The application URL must be https: a password sent over plain http can be read on the way (set apps.allowPlainHttp to allow it).")
        }
        return trimmed
    }

    static func changeApp(_ db: Database, _ c: ChangeApp) throws -> App {
        let link = try app(db, id: c.id)
        switch c.action {
        case "delete":
            for table in ["appUser", "appGroup", "appMember"] { try db.execute(sql: "DELETE FROM \(table) WHERE appId = ?", arguments: [link.id]) }
            try db.execute(sql: "DELETE FROM app WHERE id = ?", arguments: [link.id])
            return link
        case "pause":
            try db.execute(sql: "UPDATE app SET state = 'paused', reason = 'paused by an operator' WHERE id = ?", arguments: [link.id])
        case "resume":
            try db.execute(sql: "UPDATE app SET state = 'active', reason = '', failureStreak = 0, failingSince = '' WHERE id = ?", arguments: [link.id])
        case "skip":
            guard link.state == "stopped" else { throw SCIMError(status: 409, detail: "Only a stopped link skips the event it stopped on; this one is \(link.state).") }
            let next = try Int64.fetchOne(db, sql: "SELECT MIN(seq) FROM change WHERE directoryId = ? AND seq > ?", arguments: [link.directoryID, link.cursor])
            guard let next else { throw SCIMError(status: 409, detail: "There is no event after \(link.cursor) to skip.") }
            try db.execute(sql: "UPDATE app SET state = 'active', reason = '', failureStreak = 0, failingSince = '', cursor = ? WHERE id = ?", arguments: [next, link.id])
            try addNote(db, link.id, "Event \(next) skipped by an operator: run a reconcile to see what it left undone.")
        case "credentials":
            guard !c.secret.isEmpty, c.secret.utf8.count <= 8192, !c.secret.contains("\n") else { throw SCIMError.invalidValue("The new password or token is missing.") }
            if link.auth == "basic", !c.username.isEmpty {
                guard !c.username.contains(":") else { throw SCIMError.invalidValue("A username has no ':'.") }
                try db.execute(sql: "UPDATE app SET username = ? WHERE id = ?", arguments: [c.username, link.id])
            }
            let sealed = try Secrets.seal(Array(c.secret.utf8), key: AppSettings.current.withLock(\.key))
            // New credentials are what a stop for a 401 waited for.
            try db.execute(sql: """
                UPDATE app SET secret = ?, state = CASE state WHEN 'stopped' THEN 'active' ELSE state END,
                reason = CASE state WHEN 'stopped' THEN '' ELSE reason END, failureStreak = 0, failingSince = '' WHERE id = ?
                """, arguments: [sealed, link.id])
        default:
            throw SCIMError.invalidValue("'\(c.action)' is not an action: use \(ChangeApp.actions.joined(separator: ", ")).")
        }
        return try app(db, id: link.id)
    }

    static func app(_ db: Database, id: String) throws -> App {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM app WHERE id = ?", arguments: [id.lowercased()]) else { throw SCIMError.notFound("No application link '\(id)'.") }
        return try app(db, row)
    }

    static func app(_ db: Database, _ row: Row) throws -> App {
        var a = App()
        a.id = row["id"]
        a.directoryID = row["directoryId"]
        a.kind = row["kind"]
        a.url = row["url"]
        a.username = row["username"]
        a.auth = row["auth"]
        a.state = row["state"]
        a.reason = row["reason"]
        a.cursor = row["cursor"]
        a.head = try feedHead(db, a.directoryID).head
        a.failureStreak = row["failureStreak"]
        a.lastError = row["lastError"]
        a.failingSince = row["failingSince"]
        a.created = row["created"]
        a.groupMap = object(row["groupMap"])
        a.addToDefaultGroup = row["addToDefaultGroup"]
        a.loginsEverySeconds = row["loginsEverySeconds"]
        a.applied = row["applied"]
        a.requests = row["requests"]
        a.lastApplied = row["lastApplied"]
        a.notes = list(row["notes"])
        a.lastLogins = row["lastLogins"]
        return a
    }

    /// Something the application could not take, kept on the link (the 20 latest).
    static func addNote(_ db: Database, _ appID: String, _ note: String) throws {
        guard let text = try String.fetchOne(db, sql: "SELECT notes FROM app WHERE id = ?", arguments: [appID]) else { return }
        let stamped = "\(Timestamp.string(from: try db.transactionDate)) \(note)"
        try db.execute(sql: "UPDATE app SET notes = ? WHERE id = ?", arguments: [jsonList(Array(([stamped] + list(text)).prefix(20))), appID])
    }
}
