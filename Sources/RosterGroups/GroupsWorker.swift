public import Logging
public import GRDB
public import RosterPersistence

/// The groups worker (`roster-groups`): owns `groups.sqlite`; with `zmq.sync` its effects go to
/// the change feed.
public enum GroupsWorker {
    public static let worker = StoreWorker(
        kind: "groups", defaults: StoreWorkerConfiguration(endpoint: "tcp://127.0.0.1:5552", databasePath: "data/groups.sqlite"),
        migrator: GroupStore.migrator, commands: GroupStore.commands, directoryTables: GroupStore.directoryTables
    ) { pool, reader, logger in
        try ChangeRelay.services(pool: pool, reader: reader, logger: logger)
            + [GroupStore.appliedEventPruner(pool: pool, logger: logger)]
    }

    public static func main() async throws { try await worker.main() }
}

extension GroupStore {
    /// Forgets applied event ids after 30 days: no outbox event comes back that late.
    public static func appliedEventPruner(pool: DatabasePool, logger: Logger) -> AgePruner {
        AgePruner(pool: pool, what: "applied event ids", keep: .seconds(30 * 24 * 3600), interval: .seconds(3600), logger: logger) { db, cutoff in
            try db.execute(sql: "DELETE FROM appliedEvent WHERE applied < ?", arguments: [cutoff])
            return db.changesCount
        }
    }
}
