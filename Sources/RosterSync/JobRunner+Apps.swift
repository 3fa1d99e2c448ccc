import Foundation
import GRDB
import Logging
import RosterApps
import RosterPersistence
import RosterProtocol
import SCIMCore

/// An application's jobs. **Map** brings the application's existing accounts into the directory
/// as an import does (matched by userName case-insensitively, else by e-mail; created when
/// neither), and records each in the link's mirror, so the feed's events for them send nothing
/// they already have; it only reads the application. **Last logins** pages its accounts and
/// records each one's last sign-in. Both checkpoint their page after each batch.
extension JobRunner {
    /// The job's link and a client for it.
    func appClient(_ job: Job) async throws -> (App, BitbucketClient) {
        let parts = job.source.split(separator: ":")
        guard parts.count >= 2, parts[0] == "app" else { throw SCIMError.invalidValue("Job \(job.id) names no application link.") }
        let id = String(parts[1])
        let (app, sealed) = try await pool.read { db in
            (try SyncStore.app(db, id: id), try String.fetchOne(db, sql: "SELECT secret FROM app WHERE id = ?", arguments: [id]) ?? "")
        }
        return (app, try AppConnector.makeClient(app, sealedSecret: sealed))
    }

    /// Runs an application job's step, failing the job with Bitbucket's reason when retrying
    /// cannot help (a transient failure is retried by the runner).
    func bitbucket<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let error as BitbucketError where !error.isTransient {
            throw SCIMError(status: 502, detail: "Bitbucket: \(error)")
        }
    }

    static let groupLines = 1_000_000_000

    func mapApp(_ job: inout Job) async throws {
        let (app, client) = try await appClient(job)
        let mirror = AppMirror(appID: app.id)
        let licenceMapped = Set(app.groupMap.values.map { $0.lowercased() })
        let directory = job.directoryID
        if job.step.isEmpty { job.step = "users"; job.offset = 0 }
        while job.step == "users" {
            let start = job.offset
            let page = try await bitbucket { try await client.users(start: start, limit: batch) }
            let records: [SourceRecord] = page.values.enumerated().map { i, u in
                var attributes: [String: JSONValue] = ["schemas": .array([.string(CoreSchemas.userURN)]), "userName": .string(u.name), "displayName": .string(u.displayName ?? u.name), "active": .bool(u.active ?? true)]
                if let email = u.emailAddress, !email.isEmpty { attributes["emails"] = .array([.object(["value": .string(email), "primary": .bool(true)])]) }
                return .user(line: start + i + 1, attributes: attributes, groups: [])
            }
            let results = records.isEmpty ? [] : try await apply(records, job: job.id, directory: directory, unmapped: false, matchEmail: true)
            let ids = results.map(\.id).filter { !$0.isEmpty }
            let names = ids.isEmpty ? [:] : try await users.send(ResolveUsers(directoryID: directory, keys: ids), shardKey: directory).names
            var mapped: [AppMirror.User] = []
            for (result, account) in zip(results, page.values) {
                job.count([result])
                guard !result.id.isEmpty else { continue }
                mapped.append(AppMirror.User(scimID: result.id, name: account.name, userName: names[result.id] ?? account.name, displayName: account.displayName ?? "",
                                             email: account.emailAddress ?? "", mutableDetails: account.canChangeDetails, mutableGroups: account.canChangeGroups))
            }
            job.mapped += mapped.count
            job.processed += records.count
            if page.isLastPage { (job.step, job.offset) = ("groups", 0) } else { job.offset = page.nextPageStart ?? start + records.count }
            let saving = mapped
            guard try await checkpoint(&job, { db in for u in saving { try mirror.save(db, u) } }) else { return }
        }
        while job.step == "groups" {
            let start = job.offset
            let page = try await bitbucket { try await client.groups(start: start, limit: 25) }
            var records: [SourceRecord] = [], accounts: [Int: (name: String, members: [String])] = [:]
            for (i, group) in page.values.enumerated() where !licenceMapped.contains(group.name.lowercased()) {
                let members = try await bitbucket { try await client.members(of: group.name) }.map { $0.name }
                let ids = try await pool.read { db in try members.compactMap { try mirror.user(db, named: $0)?.scimID } }
                let line = Self.groupLines + start + i + 1
                records.append(.group(line: line, attributes: ["schemas": .array([.string(CoreSchemas.groupURN)]), "displayName": .string(group.name)], members: ids))
                accounts[line] = (group.name, ids)
            }
            let results = records.isEmpty ? [] : try await apply(records, job: job.id, directory: directory, unmapped: false)
            var mapped: [(AppMirror.Group, [String])] = []
            for result in results {
                job.count([result])
                if !result.id.isEmpty, let account = accounts[result.line] { mapped.append((AppMirror.Group(scimID: result.id, name: account.name), account.members)) }
            }
            job.mapped += mapped.count
            job.processed += page.values.count
            if page.isLastPage { job.step = "done" } else { job.offset = page.nextPageStart ?? start + page.values.count }
            let saving = mapped
            guard try await checkpoint(&job, { db in
                for (group, members) in saving {
                    try mirror.save(db, group)
                    for member in members { try mirror.setMember(db, group: group.scimID, user: member, true) }
                }
            }) else { return }
        }
        try await finishAppJob(&job)
        logger.info("application map done", metadata: ["job": "\(job.id)", "app": "\(app.id)", "created": "\(job.createdCount)", "unchanged": "\(job.unchanged)",
                                                       "mapped": "\(job.mapped)", "failed": "\(job.failed)"])
    }

    func finishAppJob(_ job: inout Job) async throws {
        _ = try await users.send(ForgetImport(jobID: job.id), shardKey: job.directoryID)
        job.state = .done
        job.remaining = 0
        job.total = job.processed
        _ = try await checkpoint(&job)
    }

    /// Last logins: every account's `lastAuthenticationTimestamp` into the directory's last-login
    /// store, by the SCIM userName the mirror knows it by (else its own name). Accounts the
    /// directory does not have are passed over.
    func appLogins(_ job: inout Job) async throws {
        let (app, client) = try await appClient(job)
        let mirror = AppMirror(appID: app.id)
        let directory = job.directoryID
        if job.step.isEmpty {
            job.step = "users"
            job.offset = 0
            // The interval counts from each attempt, so that a failing one is not queued again at once.
            guard try await checkpoint(&job, { db in
                try db.execute(sql: "UPDATE app SET lastLogins = ? WHERE id = ?", arguments: [Timestamp.string(from: try db.transactionDate), app.id])
            }) else { return }
        }
        while job.step == "users" {
            let start = job.offset
            let page = try await bitbucket { try await client.users(start: start, limit: 1000) }
            let logins = try await pool.read { db in
                try page.values.compactMap { u -> RecordLogins.Login? in
                    guard let ms = u.lastAuthenticationTimestamp, ms > 0 else { return nil }
                    return RecordLogins.Login(userName: try mirror.user(db, named: u.name)?.userName ?? u.name,
                                              at: Timestamp.string(from: Date(timeIntervalSince1970: Double(ms) / 1000)))
                }
            }
            if !logins.isEmpty {
                let recorded = try await users.send(RecordLogins(directoryID: directory, logins: logins, jobID: job.id, firstLine: start + 1), shardKey: directory)
                job.createdCount += recorded.updated
                job.unchanged += recorded.unchanged
            }
            job.processed += page.values.count
            if page.isLastPage { job.step = "done" } else { job.offset = page.nextPageStart ?? start + page.values.count }
            guard try await checkpoint(&job) else { return }
        }
        try await finishAppJob(&job)
    }
}
