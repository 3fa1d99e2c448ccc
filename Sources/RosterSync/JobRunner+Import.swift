import Foundation
import GRDB
import Logging
import RosterPersistence
import RosterProtocol
import SCIMCore

/// Import existing accounts: batches of records from the job's ``AccountSource``, validated here
/// as a SCIM POST would be, users to the users shard (matched by userName or created), then
/// groups and named memberships to the groups shard. The position in the source and the counts
/// are checkpointed together after each batch; the stores remember what each (job, line)
/// created, so a batch repeated after a restart reports the same outcomes: the final counts are
/// exact, and nothing is created twice.
extension Job {
    /// The reasons of the first failures a job keeps.
    static let failuresKept = 20

    /// A record that failed: counted, and its reason kept while fewer than ``failuresKept`` are.
    mutating func fail(line: Int, _ reason: String) {
        failed += 1
        if failures.count < Self.failuresKept { failures.append("line \(line): \(reason)") }
    }
}

extension JobRunner {

    func importAccounts(_ job: inout Job) async throws {
        let file = try SyncStore.ImportFile(job)
        let path = try file.path
        var source: any AccountSource = file.format == "csv"
            ? try CSVAccountSource(path: path, offset: job.offset, line: max(1, job.line))
            : try NDJSONAccountSource(path: path, offset: job.offset, line: max(1, job.line))
        let directory = job.directoryID, jobID = job.id, unmapped = file.unmapped
        // Two batches in flight: while the groups worker takes one batch's memberships, the users
        // worker creates the next batch's users (measured: a third of the machine sat idle with
        // one). A batch is checkpointed once both halves are done; one whose users were created
        // but not checkpointed is repeated after a restart, and the stores' record of each
        // (job, line) gives the same outcomes again.
        var pending: (count: Int, position: (offset: Int, line: Int), fraction: Double, staged: ImportStage)?
        while true {
            let records = try source.next(limit: batch)
            let position = source.position, fraction = source.fraction
            async let next = records.isEmpty ? nil : usersStage(records, job: jobID, directory: directory, unmapped: unmapped)
            var finished: [ImportResult]?
            if let pending { finished = try await groupsStage(pending.staged, job: jobID, directory: directory) }
            let staged = try await next
            if let pending, let finished {
                job.count(finished)
                guard try await advance(&job, by: pending.count, to: pending.position, fraction: pending.fraction, file: path) else { return }
            }
            guard let staged else { break }
            pending = (records.count, position, fraction, staged)
        }
        try await finishFileJob(&job, file: path)
        logger.info("import done", metadata: [
            "job": "\(job.id)", "directory": "\(directory)", "records": "\(job.processed)", "created": "\(job.createdCount)",
            "unchanged": "\(job.unchanged)", "failed": "\(job.failed)",
        ])
    }

    /// A user as a SCIM POST would take it, without a password (never imported).
    static func validatedUser(_ attributes: [String: JSONValue]) -> Result<[String: JSONValue], SCIMError> {
        Result { () throws(SCIMError) in
            let normalized = try ResourceNormalizer.user.normalize(attributes)
            guard normalized.writeOnly.isEmpty else { throw SCIMError.invalidValue("Passwords are not imported: leave them out.") }
            guard normalized.resource["userName"]?.stringValue?.isEmpty == false else { throw SCIMError.invalidValue("'userName' is required.") }
            return normalized.resource
        }
    }

    /// One batch: every record's outcome, by line.
    func apply(_ records: [SourceRecord], job: String, directory: String, unmapped: Bool, matchEmail: Bool = false) async throws -> [ImportResult] {
        try await groupsStage(try await usersStage(records, job: job, directory: directory, unmapped: unmapped, matchEmail: matchEmail), job: job, directory: directory)
    }

    /// A batch's records checked here and its users sent to their shard: what the groups shard then takes.
    func usersStage(_ records: [SourceRecord], job: String, directory: String, unmapped: Bool, matchEmail: Bool = false) async throws -> ImportStage {
        var outcomes: [Int: ImportResult] = [:]
        var users: [ImportUsers.Record] = [], groupsOf: [Int: (userName: String, names: [String])] = [:]
        var groups: [(line: Int, attributes: [String: JSONValue], members: [String])] = []
        for record in records {
            switch record {
            case .invalid(let line, let reason):
                outcomes[line] = ImportResult(line: line, outcome: .failed, reason: reason)
            case .user(let line, let attributes, let names):
                switch Self.validatedUser(attributes) {
                case .success(let resource):
                    users.append(.init(line: line, attributes: resource))
                    if !names.isEmpty { groupsOf[line] = (resource["userName"]?.stringValue ?? "", names) }
                case .failure(let error):
                    outcomes[line] = ImportResult(line: line, outcome: .failed, reason: error.detail)
                }
            case .group(let line, let attributes, let members):
                switch Result(catching: { () throws(SCIMError) in try ResourceNormalizer.group.normalize(attributes).resource }) {
                case .success(let resource): groups.append((line, resource, members))
                case .failure(let error): outcomes[line] = ImportResult(line: line, outcome: .failed, reason: error.detail)
                }
            }
        }
        var memberships: [ImportGroups.Membership] = []
        if !users.isEmpty {
            for result in try await self.users.send(ImportUsers(jobID: job, directoryID: directory, records: users, unmapped: unmapped, matchEmail: matchEmail), shardKey: directory).results {
                outcomes[result.line] = result
                if let (userName, names) = groupsOf[result.line], !result.id.isEmpty {
                    memberships.append(.init(line: result.line, userID: result.id, display: userName, groupNames: names))
                }
            }
        }
        return ImportStage(lines: records.map(\.line), outcomes: outcomes, memberships: memberships, groups: groups)
    }

    /// The second half of a batch: its groups and memberships to the groups shard; every record's outcome, by line.
    func groupsStage(_ stage: ImportStage, job: String, directory: String) async throws -> [ImportResult] {
        var outcomes = stage.outcomes
        let memberships = stage.memberships, groups = stage.groups
        var importable: [ImportGroups.Group] = []
        if !groups.isEmpty {
            let resolved = try await self.users.send(ResolveUsers(directoryID: directory, keys: groups.flatMap(\.members)), shardKey: directory)
            for group in groups {
                let unknown = group.members.filter { resolved.ids[$0] == nil }
                guard unknown.isEmpty else {
                    outcomes[group.line] = ImportResult(line: group.line, outcome: .failed, reason: "No user '\(unknown.prefix(3).joined(separator: "', '"))' in the directory (members are ids or userNames of users imported earlier).")
                    continue
                }
                let members = Set(group.members.compactMap { resolved.ids[$0] }).sorted().map { GroupMember(value: $0, display: resolved.names[$0], type: "User") }
                importable.append(.init(line: group.line, attributes: group.attributes, members: members))
            }
        }
        if !importable.isEmpty || !memberships.isEmpty {
            let reply = try await self.groups.send(ImportGroups(jobID: job, directoryID: directory, groups: importable, memberships: memberships), shardKey: directory)
            for result in reply.results { outcomes[result.line] = result }
        }
        return stage.lines.compactMap { outcomes[$0] }
    }
}

/// A batch between its users and its groups (``JobRunner/usersStage(_:job:directory:unmapped:matchEmail:)``).
struct ImportStage: Sendable {
    /// The records' lines, in the source's order.
    var lines: [Int]
    /// The outcomes known so far: failed checks and the users' results.
    var outcomes: [Int: ImportResult]
    var memberships: [ImportGroups.Membership]
    var groups: [(line: Int, attributes: [String: JSONValue], members: [String])]
}

extension Job {
    /// Counts a batch's outcomes.
    mutating func count(_ results: [ImportResult]) {
        for result in results {
            switch result.outcome {
            case .created: createdCount += 1
            case .unchanged: unchanged += 1
            case .failed: fail(line: result.line, result.reason)
            }
        }
    }
}

/// "Sync last-login info": sign-ins from a file, in batches to the users shard; the latest time of
/// each user wins. Each batch's outcome is kept by the store under (job, first line), so a batch
/// repeated after a restart counts what it did the first time. `unchanged`: a time no later than
/// the one recorded; `failed`: a bad row or a userName with no user (by line).
extension JobRunner {
    func importLogins(_ job: inout Job) async throws {
        let path = try SyncStore.ImportFile(job).path
        var source = try LoginSource(path: path, offset: job.offset, line: max(1, job.line))
        let directory = job.directoryID
        while true {
            let records = try source.next(limit: batch)
            guard let first = records.first else { break }
            var logins: [RecordLogins.Login] = [], lines: [String: Int] = [:]
            for record in records {
                switch record {
                case .invalid(let line, let reason): job.fail(line: line, reason)
                case .login(let line, let login):
                    logins.append(login)
                    lines[login.userName] = line
                }
            }
            if !logins.isEmpty {
                let firstLine: Int
                switch first { case .login(let l, _), .invalid(let l, _): firstLine = l }
                let recorded = try await users.send(RecordLogins(directoryID: directory, logins: logins, jobID: job.id, firstLine: firstLine), shardKey: directory)
                job.unchanged += recorded.unchanged
                job.createdCount += recorded.updated
                // The store names at most 100 unknown userNames a batch; the others count all the same.
                for name in recorded.unknown { job.fail(line: lines[name] ?? 0, "No user '\(name)' in the directory.") }
                job.failed += logins.count - recorded.updated - recorded.unchanged - recorded.unknown.count
            }
            guard try await advance(&job, by: records.count, to: source.position, fraction: source.fraction, file: path) else { return }
        }
        try await finishFileJob(&job, file: path)
    }

    /// After a batch of a file job: its position and an estimate of what is left, checkpointed.
    /// False once cancelled: what was done stays; the file and the stores' record of the job go.
    func advance(_ job: inout Job, by records: Int, to position: (offset: Int, line: Int), fraction: Double, file: String) async throws -> Bool {
        job.processed += records
        (job.offset, job.line) = position
        job.remaining = fraction >= 1 ? 0 : Int(Double(job.processed) / max(fraction, 0.000_001) * (1 - fraction))
        job.total = job.processed + job.remaining
        guard try await checkpoint(&job) else {
            _ = try? await users.send(ForgetImport(jobID: job.id), shardKey: job.directoryID)
            try? FileManager.default.removeItem(atPath: file)
            return false
        }
        return true
    }

    /// A file job read to its end: the stores forget it, then it is done and its file goes.
    func finishFileJob(_ job: inout Job, file: String) async throws {
        _ = try await users.send(ForgetImport(jobID: job.id), shardKey: job.directoryID)
        job.state = .done
        job.remaining = 0
        job.total = job.processed
        _ = try await checkpoint(&job)
        try? FileManager.default.removeItem(atPath: file)
    }
}
