import Foundation
import GRDB
import Logging
import RosterApps
import RosterPersistence
import RosterProtocol
import SCIMCore

/// Reconcile: compares the directory with the application and lists every difference as a
/// drift row of the job (`roster app drift JOB`); with repair, makes the application match the
/// directory. It reads both sides whole, so a restarted reconcile starts again from the top.
/// What the application has and Roster does not (its own local accounts) is not drift.
extension JobRunner {
    struct Finding {
        var kind: String
        var subject: String
        var detail: String
        var repair: (() async throws -> Void)?
    }

    static func markRepaired(_ db: Database, _ jobID: String, _ seqs: [Int]) throws {
        for seq in seqs { try db.execute(sql: "UPDATE appDrift SET repaired = 1 WHERE jobId = ? AND seq = ?", arguments: [jobID, seq]) }
    }

    func reconcileApp(_ job: inout Job) async throws {
        let (app, client) = try await appClient(job)
        let repair = job.source.hasSuffix(":repair")
        let directory = job.directoryID
        let mirror = AppMirror(appID: app.id)
        let applier = BitbucketApplier(app: app, client: client, pool: pool, users: users, groups: groups)
        let jobID = job.id
        _ = try await checkpoint(&job) { db in try db.execute(sql: "DELETE FROM appDrift WHERE jobId = ?", arguments: [jobID]) }
        job.step = "reading"
        // Roster's side.
        var people: [(id: String, snapshot: BitbucketApplier.UserSnapshot)] = []
        var start = 1
        while true {
            let page = try await users.send(QueryUsers(directoryID: directory, filter: nil, startIndex: start, count: 500), shardKey: directory)
            people += page.resources.map { ($0.id, BitbucketApplier.UserSnapshot($0.attributes)) }
            if page.resources.count < 500 { break }
            start += page.resources.count
        }
        var teams: [(id: String, displayName: String, members: [String])] = []
        start = 1
        while true {
            let page = try await groups.send(QueryGroups(query: ResourceQuery(directoryID: directory, filter: nil, startIndex: start, count: 100, sortBy: nil, descending: false,
                                                                              locationPrefix: ""), includeMembers: true), shardKey: directory)
            teams += page.groups.map { ($0.resource.id, $0.resource.attributes["displayName"]?.stringValue ?? "", ($0.members ?? []).map { $0.value.lowercased() }) }
            if page.groups.count < 100 { break }
            start += page.groups.count
        }
        let (known, knownGroups) = try await pool.read { try mirror.names($0) }
        // The application's side.
        let accounts = Dictionary(try await bitbucket { try await client.allUsers() }.map { ($0.name.lowercased(), $0) }, uniquingKeysWith: { a, _ in a })
        let groupNames = Set(try await bitbucket { try await client.allGroups() }.map { $0.name.lowercased() })
        let licence = try await bitbucket { try await applier.licenceGroups() }
        var findings: [Finding] = []
        var drifted: Set<String> = []
        let byID = Dictionary(people.map { ($0.id.lowercased(), $0.snapshot) }, uniquingKeysWith: { a, _ in a })
        func accountName(_ id: String) -> String? { known[id.lowercased()] ?? byID[id.lowercased()]?.userName }
        for (id, s) in people {
            let name = accountName(id) ?? s.userName
            guard let account = accounts[name.lowercased()] else {
                findings.append(Finding(kind: "missing-user", subject: name, detail: "'\(name)' is in the directory but has no Bitbucket account.") {
                    try await applier.write { try mirror.removeUser($0, id) }
                    try await applier.converge(userID: id, to: s)
                })
                drifted.insert(id)
                continue
            }
            // A read-only directory's account (LDAP, Crowd) keeps its own details: not drift.
            if account.canChangeDetails, s.differs(displayName: account.displayName, email: account.emailAddress) {
                findings.append(Finding(kind: "user-details", subject: name,
                                        detail: "Roster has '\(s.displayName)' <\(s.email)>, Bitbucket '\(account.displayName ?? "")' <\(account.emailAddress ?? "")>.") {
                    _ = try await client.updateUser(name: account.name, displayName: s.displayName, email: s.email)
                })
                drifted.insert(id)
            }
            if !s.active {
                let held = try await bitbucket { try await client.groups(of: account.name) }.filter { licence[$0.lowercased()] != nil }
                let permission = try await bitbucket { try await client.permission(of: account.name) }
                if !held.isEmpty || permission != nil {
                    let what = (held.map { "group '\($0)'" } + (permission.map { ["permission \($0)"] } ?? [])).joined(separator: ", ")
                    findings.append(Finding(kind: "licence", subject: name, detail: "'\(name)' is disabled in Roster but holds a Bitbucket licence (\(what)).") {
                        guard let user = try await applier.knownUser(id) else { return }
                        var pending = user
                        pending.state = .disabling
                        try await applier.disable(pending)
                    })
                    drifted.insert(id)
                }
            }
        }
        for team in teams {
            let name = knownGroups[team.id.lowercased()] ?? applier.bitbucketName(for: team.displayName)
            guard groupNames.contains(name.lowercased()) else {
                findings.append(Finding(kind: "missing-group", subject: name, detail: "'\(team.displayName)' has no Bitbucket group '\(name)'.") {
                    try await applier.write { try mirror.removeGroup($0, team.id) }
                    try await applier.makeGroup(team.id, displayName: team.displayName)
                    for member in team.members { _ = try await applier.addMember(group: team.id, groupName: team.displayName, user: member) }
                })
                drifted.insert(team.id)
                continue
            }
            let present = Set(try await bitbucket { try await client.members(of: name) }.map { $0.name.lowercased() })
            let grantsLicence = licence[name.lowercased()] != nil
            // A disabled account is out of licence groups on purpose.
            let wanted = team.members.filter { !(grantsLicence && byID[$0]?.active == false) }
            var expected: Set<String> = []
            for member in wanted {
                guard let account = accountName(member) else { continue }
                expected.insert(account.lowercased())
                if !present.contains(account.lowercased()) {
                    findings.append(Finding(kind: "missing-member", subject: "\(name)/\(account)", detail: "'\(account)' is a member of '\(team.displayName)' in Roster, not of '\(name)' in Bitbucket.") {
                        try await client.addUsers([account], toGroup: name)
                        try await applier.write { try mirror.setMember($0, group: team.id, user: member, true) }
                    })
                    drifted.insert(team.id)
                }
            }
            // A licence group holds Bitbucket's own accounts too: only Roster's groups are compared both ways.
            if !applier.isLicenceMapped(name) {
                for extra in present.subtracting(expected).sorted() {
                    let account = accounts[extra]?.name ?? extra
                    findings.append(Finding(kind: "extra-member", subject: "\(name)/\(account)", detail: "'\(account)' is in '\(name)' in Bitbucket but not a member of '\(team.displayName)' in Roster.") {
                        try await client.removeUser(account, fromGroup: name)
                    })
                    drifted.insert(team.id)
                }
            }
        }
        job.step = repair ? "repairing" : "reporting"
        job.processed = people.count + teams.count
        job.total = job.processed
        job.unchanged = job.processed - drifted.count
        job.failed = findings.count
        job.failures = findings.prefix(Job.failuresKept).map { "\($0.kind) \($0.subject): \($0.detail)" }
        // The findings are recorded before any repair, so that a repair Bitbucket refuses (which
        // fails the job) leaves them to read.
        job.mapped = 0
        let rows = findings.map { ($0.kind, $0.subject, $0.detail) }
        guard try await checkpoint(&job, { db in
            for (i, row) in rows.enumerated() {
                try db.execute(sql: "INSERT INTO appDrift (jobId, seq, kind, subject, detail, repaired) VALUES (?, ?, ?, ?, ?, 0)",
                               arguments: [jobID, i + 1, row.0, row.1, row.2])
            }
        }) else { return }
        var repaired: [Int] = []
        if repair {
            for (i, finding) in findings.enumerated() {
                guard let fix = finding.repair else { continue }
                do { try await bitbucket { try await fix() } } catch {
                    let done = repaired
                    job.mapped = done.count
                    _ = try? await checkpoint(&job) { db in try Self.markRepaired(db, jobID, done) }
                    throw error
                }
                repaired.append(i + 1)
            }
        }
        job.mapped = repaired.count
        job.state = .done
        job.remaining = 0
        let done = repaired
        _ = try await checkpoint(&job) { db in try Self.markRepaired(db, jobID, done) }
        logger.info("application reconcile done", metadata: ["job": "\(job.id)", "app": "\(app.id)", "drift": "\(findings.count)", "repaired": "\(job.mapped)"])
    }
}
