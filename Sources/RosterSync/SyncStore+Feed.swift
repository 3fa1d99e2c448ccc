import Foundation
import GRDB
import RosterPersistence
import RosterProtocol
import SCIMCore

/// The change feed (docs/change-feed.md): the users and groups workers' relays append events;
/// each directory numbers its own from 1, in the order they arrive. An event id seen before is
/// dropped, so a relay that delivers a batch again after a crash appends nothing twice.
extension SyncStore {
    static func registerFeedCommands(_ table: inout CommandTable) {
        table.register(AppendChanges.self) { try appendChanges($0, $1) }
        table.registerRead(ReadChanges.self) { try readChanges($0, $1) }
    }

    static func appendChanges(_ db: Database, _ c: AppendChanges) throws -> ChangesAppended {
        var heads: [String: Int64] = [:]
        let head = try db.cachedStatement(sql: "SELECT head FROM feedHead WHERE directoryId = ?")
        // Only a repeated event id is ignored: a clash of (directory, seq) would be a bug, and fails.
        let insert = try db.cachedStatement(
            sql: "INSERT INTO change (directoryId, seq, eventId, type, at, payload) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (eventId) DO NOTHING")
        var appended = 0, duplicates = 0
        for var event in c.events {
            let seq = try (heads[event.directoryID] ?? Int64.fetchOne(head, arguments: [event.directoryID]) ?? 0) + 1
            event.seq = 0  // numbered by its row
            try insert.execute(arguments: [event.directoryID, seq, event.eventID, event.type, event.at, Data(CommandCodec.encode(event))])
            if db.changesCount == 1 {
                heads[event.directoryID] = seq
                appended += 1
            } else {
                duplicates += 1
            }
        }
        let save = try db.cachedStatement(sql: "INSERT INTO feedHead (directoryId, head) VALUES (?, ?) ON CONFLICT (directoryId) DO UPDATE SET head = excluded.head")
        for (directory, seq) in heads { try save.execute(arguments: [directory, seq]) }
        return ChangesAppended(appended: appended, duplicates: duplicates)
    }

    /// The directory's last sequence number and the last one retention removed.
    static func feedHead(_ db: Database, _ directoryID: String) throws -> (head: Int64, pruned: Int64) {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT head, pruned FROM feedHead WHERE directoryId = ?"), arguments: [directoryID]) else { return (0, 0) }
        return (row["head"], row["pruned"])
    }

    /// Events after `after` in order, at most `limit` (1,000 at most; 0: only the head).
    static func readChanges(_ db: Database, _ c: ReadChanges) throws -> ChangePage {
        _ = try directory(db, c.directoryID)
        let (head, pruned) = try feedHead(db, c.directoryID)
        try checkCursor(c.after, head: head, pruned: pruned)
        let events = try events(db, directoryID: c.directoryID, after: c.after, limit: min(max(c.limit, 0), 1000))
        return ChangePage(events: events, head: head, oldest: head > pruned ? pruned + 1 : 0)
    }

    /// A cursor the feed can continue from: not before what retention removed (the consumer
    /// missed events), not beyond the head (a feed restored from an older backup).
    static func checkCursor(_ after: Int64, head: Int64, pruned: Int64) throws {
        if after < 0 { throw SCIMError.invalidValue("'after' must be 0 or more, not \(after).") }
        if after < pruned {
            throw SCIMError.cursorExpired("The events after \(after) are gone: retention removed the feed up to \(pruned). Read the directory anew "
                + "(GET /Users and /Groups), then follow the feed from its head (\(head)).")
        }
        if after > head {
            throw SCIMError.cursorExpired("The cursor \(after) is beyond the feed's head (\(head)): the feed was restored from an earlier backup. "
                + "Read the directory anew, then follow the feed from its head.")
        }
    }

    static func events(_ db: Database, directoryID: String, after: Int64, limit: Int) throws -> [ChangeEvent] {
        guard limit > 0 else { return [] }
        let rows = try Row.fetchAll(db.cachedStatement(sql: "SELECT seq, payload FROM change WHERE directoryId = ? AND seq > ? ORDER BY seq LIMIT ?"),
                                    arguments: [directoryID, after, limit])
        return try rows.map { row in
            var event = try CommandCodec.decode(ChangeEvent.self, from: Array(row["payload"] as Data))
            event.seq = row["seq"]
            return event
        }
    }

    /// Removes the events that committed before `cutoff` (RFC 3339), directory by directory,
    /// remembering how far each feed was removed; returns how many went.
    static func pruneChanges(_ db: Database, before cutoff: String) throws -> Int {
        var removed = 0
        for directory in try String.fetchAll(db, sql: "SELECT directoryId FROM feedHead") {
            // Events are appended in time order, so the first one kept ends the old ones.
            let kept = try Int64.fetchOne(db, sql: "SELECT seq FROM change WHERE directoryId = ? AND at >= ? ORDER BY seq LIMIT 1", arguments: [directory, cutoff])
            let last = try kept.map { $0 - 1 } ?? Int64.fetchOne(db, sql: "SELECT head FROM feedHead WHERE directoryId = ?", arguments: [directory]) ?? 0
            try db.execute(sql: "DELETE FROM change WHERE directoryId = ? AND seq <= ?", arguments: [directory, last])
            removed += db.changesCount
            try db.execute(sql: "UPDATE feedHead SET pruned = ? WHERE directoryId = ? AND pruned < ?", arguments: [last, directory, last])
        }
        return removed
    }
}
