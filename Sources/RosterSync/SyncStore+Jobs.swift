import Foundation
import GRDB
import RosterPersistence
import RosterProtocol
import SCIMCore

/// Jobs (`roster sync list`): queued by commands, run by ``JobRunner`` in this process. A job is a
/// row; its state, statistics and step are rewritten in the transaction of each step's effect.
extension SyncStore {
    static func registerJobCommands(_ table: inout CommandTable) {
        table.register(RemoveDirectory.self) { db, c in try queueRemoval(db, c) }
        table.register(ClearSCIM.self) { db, c in
            let name = try directoryName(db, c.directoryID)
            try confirm(c, name: name, "Clearing a directory's SCIM data cannot be undone (the IdP must re-link): confirm with its name;")
            return try queueJob(db, kind: Job.clearSCIM, directoryID: c.directoryID, name: name)
        }
        table.register(MapDirectory.self) { db, c in try queueJob(db, kind: Job.map, directoryID: c.directoryID, name: try directoryName(db, c.directoryID)) }
        table.registerRead(ListJobs.self) { db, c in
            let rows = c.directoryID.isEmpty
                ? try Data.fetchAll(db, sql: "SELECT job FROM job ORDER BY seq DESC LIMIT 200")
                : try Data.fetchAll(db, sql: "SELECT job FROM job WHERE directoryId = ? ORDER BY seq DESC LIMIT 200", arguments: [c.directoryID])
            return JobList(jobs: try rows.map(decodeJob))
        }
        table.registerRead(GetJob.self) { db, c in try job(db, c.id) }
        table.register(CancelJob.self) { db, c in
            var j = try job(db, c.id)
            guard !j.isFinished else { throw SCIMError(status: 409, scimType: nil, detail: "Job \(c.id) has already ended (\(j.state.rawValue)).") }
            if j.state == .queued {
                j.state = .cancelled
                j.finished = Timestamp.string(from: try db.transactionDate)
                // A queued removal that never ran leaves the directory as it was.
                if j.kind == Job.removeDirectory { try unfreeze(db, j.directoryID) }
                if j.kind == Job.reshard { try abandonReshard(db, step: j.step) }
            } else {
                j.cancelRequested = true
            }
            try save(db, j)
            return j
        }
    }

    static func queueRemoval(_ db: Database, _ c: RemoveDirectory) throws -> Job {
        let (name, removing) = try directory(db, c.directoryID)
        try confirm(c, name: name, "To remove the directory, confirm with its name:")
        guard !removing else { throw SCIMError(status: 409, scimType: nil, detail: "The directory '\(name)' is already being removed.") }
        try db.execute(sql: "UPDATE directory SET removing = 1 WHERE id = ?", arguments: [c.directoryID])
        return try queueJob(db, kind: Job.removeDirectory, directoryID: c.directoryID, name: name)
    }

    /// A directory's name, and whether it is being removed; 404 when there is none.
    static func directory(_ db: Database, _ id: String) throws -> (name: String, removing: Bool) {
        guard let row = try Row.fetchOne(db, sql: "SELECT name, removing FROM directory WHERE id = ?", arguments: [id]) else {
            throw SCIMError.notFound("No directory '\(id)'.")
        }
        return (row["name"], row["removing"])
    }

    /// The name of a directory a job may start on: it exists and is not being removed (409,
    /// `why` saying what that prevents).
    static func directoryName(_ db: Database, _ id: String, why: String = "") throws -> String {
        let (name, removing) = try directory(db, id)
        guard !removing else { throw SCIMError(status: 409, scimType: nil, detail: "The directory '\(name)' is being removed\(why).") }
        return name
    }

    /// A job that cannot be undone names its directory exactly (400 otherwise).
    static func confirm(_ c: some ConfirmedDirectoryCommand, name: String, _ warning: String) throws {
        guard c.confirmName == name else { throw SCIMError.invalidValue("\(warning) '\(c.confirmName)' is not its name.") }
    }

    /// A new job, queued; `configure` fills what its kind needs (an import's file).
    static func queueJob(_ db: Database, kind: String, directoryID: String, name: String, _ configure: (inout Job) -> Void = { _ in }) throws -> Job {
        var j = Job(id: UUID().uuidString.lowercased(), kind: kind, directoryID: directoryID, directoryName: name, state: .queued,
                    created: Timestamp.string(from: try db.transactionDate))
        configure(&j)
        try insert(db, j)
        return j
    }

    /// A directory whose removal ended without removing it (cancelled, failed) takes
    /// configurations and removals again.
    static func unfreeze(_ db: Database, _ directoryID: String) throws {
        try db.execute(sql: "UPDATE directory SET removing = 0 WHERE id = ?", arguments: [directoryID])
    }

    static func insert(_ db: Database, _ j: Job) throws {
        let seq = (try Int.fetchOne(db, sql: "SELECT MAX(seq) FROM job") ?? 0) + 1
        try db.execute(sql: "INSERT INTO job (id, seq, kind, directoryId, directoryName, state, job, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       arguments: [j.id, seq, j.kind, j.directoryID, j.directoryName, j.state.rawValue, Data(CommandCodec.encode(j)), j.source])
    }

    static func save(_ db: Database, _ j: Job) throws {
        try db.execute(sql: "UPDATE job SET state = ?, job = ? WHERE id = ?", arguments: [j.state.rawValue, Data(CommandCodec.encode(j)), j.id])
    }

    static func job(_ db: Database, _ id: String) throws -> Job {
        guard let data = try Data.fetchOne(db, sql: "SELECT job FROM job WHERE id = ?", arguments: [id]) else { throw SCIMError.notFound("No job '\(id)'.") }
        return try decodeJob(data)
    }

    static func decodeJob(_ data: Data) throws -> Job { try CommandCodec.decode(Job.self, from: Array(data)) }

    /// The next job to run: one already running (a restart resumes it), else the oldest queued
    /// job of a directory that has none running.
    static func nextJob(_ db: Database) throws -> Job? {
        if let running = try Data.fetchOne(db, sql: "SELECT job FROM job WHERE state = 'running' ORDER BY seq LIMIT 1") { return try decodeJob(running) }
        return try Data.fetchOne(db, sql: """
            SELECT job FROM job WHERE state = 'queued'
            AND directoryId NOT IN (SELECT directoryId FROM job WHERE state = 'running') ORDER BY seq LIMIT 1
            """).map(decodeJob)
    }
}
