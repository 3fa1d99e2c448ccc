import SwiftProtobuf

/// A background job of the sync worker (`roster sync list`): a directory utility, durable.
public struct Job: WireCodable, Equatable {
    public enum State: String, Sendable, CaseIterable { case queued, running, done, failed, cancelled }
    public static let removeDirectory = "remove-directory"
    public static let reshard = "reshard"
    public static let importAccounts = "import"
    public static let clearSCIM = "clear-scim"
    public static let map = "map"
    public static let importLogins = "lastlogin-import"

    public var id: String
    public var kind: String
    public var directoryID: String
    public var directoryName: String
    public var state: State
    public var created: String
    public var started = ""
    public var finished = ""
    public var processed = 0
    public var createdCount = 0
    public var mapped = 0
    public var unchanged = 0
    public var failed = 0
    public var failures: [String] = []
    public var remaining = -1
    public var step = ""
    public var cancelRequested = false
    public var error = ""
    public var total = -1
    /// An import's file, `<format>:<upload id>`, and where it stands in it.
    public var source = ""
    public var offset = 0
    public var line = 1

    public init(id: String, kind: String, directoryID: String, directoryName: String, state: State, created: String) {
        self.id = id
        self.kind = kind
        self.directoryID = directoryID
        self.directoryName = directoryName
        self.state = state
        self.created = created
    }

    public var isFinished: Bool { [.done, .failed, .cancelled].contains(state) }

    public init(message m: Roster_V1_Job) {
        self.init(id: m.id, kind: m.kind, directoryID: m.directoryID, directoryName: m.directoryName, state: State(rawValue: m.state) ?? .failed, created: m.created)
        started = m.started
        finished = m.finished
        processed = Int(m.processed)
        createdCount = Int(m.createdCount)
        mapped = Int(m.mapped)
        unchanged = Int(m.unchanged)
        failed = Int(m.failed)
        failures = m.failures
        remaining = Int(m.remaining)
        step = m.step
        cancelRequested = m.cancelRequested
        error = m.error
        total = Int(m.total)
        source = m.source
        offset = Int(m.offset)
        line = Int(m.line)
    }

    public var message: Roster_V1_Job {
        .with {
            $0.id = id
            $0.kind = kind
            $0.directoryID = directoryID
            $0.directoryName = directoryName
            $0.state = state.rawValue
            $0.created = created
            $0.started = started
            $0.finished = finished
            $0.processed = Int64(processed)
            $0.createdCount = Int64(createdCount)
            $0.mapped = Int64(mapped)
            $0.unchanged = Int64(unchanged)
            $0.failed = Int64(failed)
            $0.failures = failures
            $0.remaining = Int64(remaining)
            $0.step = step
            $0.cancelRequested = cancelRequested
            $0.error = error
            $0.total = Int64(total)
            $0.source = source
            $0.offset = Int64(offset)
            $0.line = Int64(line)
        }
    }
}

/// Queues the removal of a directory, confirmed by its name.
public struct RemoveDirectory: ConfirmedDirectoryCommand {
    public static let name = "sync.removeDirectory"
    public typealias Message = Roster_V1_RemoveDirectory
    public var directoryID: String
    public var confirmName: String
    public init(directoryID: String, confirmName: String) {
        self.directoryID = directoryID
        self.confirmName = confirmName
    }
}

public struct ListJobs: Command {
    public static let name = "sync.listJobs"
    public typealias Reply = JobList
    public var directoryID: String
    public init(directoryID: String = "") { self.directoryID = directoryID }
    public init(message m: Roster_V1_ListJobs) { directoryID = m.directoryID }
    public var message: Roster_V1_ListJobs { .with { $0.directoryID = directoryID } }
}

public struct JobList: WireCodable, Equatable {
    public var jobs: [Job]
    public init(jobs: [Job]) { self.jobs = jobs }
    public init(message m: Roster_V1_JobList) { jobs = m.jobs.map(Job.init(message:)) }
    public var message: Roster_V1_JobList { .with { $0.jobs = jobs.map(\.message) } }
}

public struct GetJob: Command {
    public static let name = "sync.getJob"
    public typealias Reply = Job
    public var id: String
    public init(id: String) { self.id = id }
    public init(message m: Roster_V1_GetJob) { id = m.id }
    public var message: Roster_V1_GetJob { .with { $0.id = id } }
}

public struct CancelJob: Command {
    public static let name = "sync.cancelJob"
    public typealias Reply = Job
    public var id: String
    public init(id: String) { self.id = id }
    public init(message m: Roster_V1_CancelJob) { id = m.id }
    public var message: Roster_V1_CancelJob { .with { $0.id = id } }
}

/// Removes up to `limit` resources of a directory from a users or groups store.
public struct RemoveDirectoryBatch: DirectoryBatchCommand {
    public static let name = "store.removeDirectoryBatch"
    public typealias Message = Roster_V1_RemoveDirectoryBatch
    public var directoryID: String
    public var limit: Int
    public init(directoryID: String, limit: Int) {
        self.directoryID = directoryID
        self.limit = limit
    }
}

public struct RemovedBatch: WireCodable, Equatable {
    public var removed: Int
    public var remaining: Int
    public init(removed: Int, remaining: Int) {
        self.removed = removed
        self.remaining = remaining
    }
    public init(message m: Roster_V1_RemovedBatch) { self.init(removed: Int(m.removed), remaining: Int(m.remaining)) }
    public var message: Roster_V1_RemovedBatch {
        .with {
            $0.removed = Int64(removed)
            $0.remaining = Int64(remaining)
        }
    }
}
