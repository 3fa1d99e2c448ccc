import Metrics
import RosterMetrics
import SCIMCore

/// What a store worker counts of the commands it runs (`docs/operations.md`): per command name,
/// how many and how long (a write: its savepoint; a read: its query), and per batch its size and
/// the time to commit it. Command names come from the worker's own table, so the set is bounded.
struct CommandMetrics: Sendable {
    let batchSize = RosterMetrics.histogram("roster_worker_batch_size")
    let commit = RosterMetrics.timer("roster_worker_commit_duration_seconds")
    private let counts = MetricsCache<Key, Counter> { RosterMetrics.counter("roster_worker_commands_total", [("command", $0.name), ("outcome", $0.outcome)]) }
    private let durations = MetricsCache<String, Metrics.Timer> { RosterMetrics.timer("roster_worker_command_duration_seconds", [("command", $0)]) }

    struct Key: Hashable, Sendable {
        var name: String
        var outcome: String
    }

    /// Every command this worker knows starts at 0, so a new shard's series exist before its first command.
    init(names: some Sequence<String>) {
        for name in names {
            _ = counts[Key(name: name, outcome: "ok")]
            _ = durations[name]
        }
    }

    /// Records one command; `outcome` is `ok`, or `error_<status>` for a refusal.
    func finished(_ name: String, _ result: Result<[UInt8], SCIMError>, took duration: Duration) {
        durations[name].record(duration: duration)
        switch result {
        case .success: counts[Key(name: name, outcome: "ok")].increment()
        case .failure(let error): counts[Key(name: name, outcome: "error_\(error.status)")].increment()
        }
    }
}
