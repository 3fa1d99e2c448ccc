import Foundation
import Metrics
import RosterMetrics
public import GRDB
import RosterMessaging
public import RosterProtocol
public import SCIMCore
public import Synchronization

/// The change feed's producer side (docs/change-feed.md): every effect on a directory is written
/// to the store's `changeOutbox` in the transaction of the effect, and ``ChangeRelay`` delivers
/// it to the sync worker, which numbers it in its directory's feed. A crash of either side
/// delays an event; it never loses one, and never invents one.
public enum ChangeFeed {
    /// Off in a worker that has no sync worker to deliver to (no `zmq.sync`): nothing would ever
    /// drain the outbox.
    public static let isOn = Atomic<Bool>(true)

    public static var enabled: Bool { isOn.load(ordering: .relaxed) }

    /// The outbox of feed events; moved with its directory by a reshard (its events are then
    /// delivered by the new shard; the sync worker drops the ones the old one had delivered).
    public static let table = DirectoryTables.Table("changeOutbox", renumbered: true)

    /// Frozen: its SQL is written here, not shared, so that no later edit can change it.
    public static func registerMigration(_ migrator: inout DatabaseMigrator, name: String) {
        migrator.registerMigration(name) { db in
            try db.execute(sql: """
                CREATE TABLE changeOutbox (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    eventId TEXT NOT NULL UNIQUE,
                    directoryId TEXT NOT NULL,
                    payload BLOB NOT NULL);
                CREATE INDEX changeOutboxDirectory ON changeOutbox (directoryId);
                """)
        }
    }

    /// Made on the first scrape of a store that has a change outbox.
    static let pendingGauge = RosterMetrics.gauge("roster_feed_pending_events")

    /// `roster_feed_pending_events`, read for a scrape.
    static func updateGauge(_ db: Database) throws {
        guard try db.tableExists("changeOutbox") else { return }
        pendingGauge.set(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM changeOutbox") ?? 0)
    }

    /// Records one event inside the caller's transaction. The IdP is the one whose request the
    /// worker is applying (``RequestConfiguration``); none for the operator's jobs.
    public static func record(_ db: Database, directoryID: String, type: String, resourceType: String, resourceID: String, version: Int,
                              changed: [String] = [], data: [String: JSONValue]) throws {
        guard enabled else { return }
        let event = ChangeEvent(
            eventID: TimeOrderedID.make(), directoryID: directoryID, type: type, resourceType: resourceType, resourceID: resourceID,
            version: version, at: Timestamp.string(from: try db.transactionDate), configurationID: RequestConfiguration.current, changed: changed,
            data: WireJSON.bytes(data))
        try db.cachedStatement(sql: "INSERT INTO changeOutbox (eventId, directoryId, payload) VALUES (?, ?, ?)")
            .execute(arguments: [event.eventID, directoryID, Data(CommandCodec.encode(event))])
    }

    /// `<type>.deleted`, with the unique value the resource had.
    public static func resourceDeleted(_ db: Database, type: ResourceType, directoryID: String, id: String, uniqueValue: String?) throws {
        try resourceWritten(db, type: type, directoryID: directoryID, id: id, before: [type.uniqueAttribute: uniqueValue.map { .string($0) } ?? .null], after: nil)
    }

    /// The events of one write of a resource: `created` or `deleted`; for an update, `renamed`
    /// when its unique attribute changed, `enabled`/`disabled` when `active` did, and `updated`
    /// when anything else did (one write can be several of these; each names what changed).
    /// Members are not attributes here: the groups store records their events itself.
    public static func resourceWritten(_ db: Database, type: ResourceType, directoryID: String, id: String,
                                       before: [String: JSONValue]?, after: StoredResource?) throws {
        guard enabled else { return }
        let prefix = type.name.lowercased()
        func record(_ kind: String, changed: [String] = [], version: Int, data: [String: JSONValue]) throws {
            try Self.record(db, directoryID: directoryID, type: "\(prefix).\(kind)", resourceType: type.name, resourceID: id, version: version,
                            changed: changed, data: data)
        }
        guard let after else {
            let unique = before?[type.uniqueAttribute] ?? .null
            return try record("deleted", version: 0, data: ["id": .string(id), type.uniqueAttribute: unique])
        }
        var data = after.attributes
        data["members"] = nil
        data["id"] = .string(id)
        guard let before else { return try record("created", version: after.version, data: data) }
        let keys = Set(before.keys).union(after.attributes.keys).subtracting(["members", "schemas"])
        let changed = keys.filter { before[$0] != after.attributes[$0] }.map { $0.lowercased() }.sorted()
        guard !changed.isEmpty else { return }
        let unique = type.uniqueAttribute.lowercased()
        if changed.contains(unique) { try record("renamed", changed: changed, version: after.version, data: data) }
        if changed.contains("active") {
            let active = after.attributes["active"]?.lenientBool ?? true
            try record(active ? "enabled" : "disabled", changed: changed, version: after.version, data: data)
        }
        if changed.contains(where: { $0 != unique && $0 != "active" }) { try record("updated", changed: changed, version: after.version, data: data) }
    }
}
