import Foundation
import GRDB
import RosterCrypto
import RosterPersistence
import RosterProtocol
import SCIMCore
import Synchronization

/// Webhook subscriptions (docs/change-feed.md): rows of `webhook`, delivered by
/// ``WebhookDispatcher``. The signing secret comes in the command (the ingress made it and
/// shows it once); it is kept sealed with the worker's key (``WebhookSettings/key``), never in
/// clear, and no reply carries it (replies are kept a while by the idempotency ledger).
extension SyncStore {
    static func registerWebhookCommands(_ table: inout CommandTable) {
        table.registerRead(CheckWebhookTarget.self) { _, c in
            _ = try WebhookTarget.check(c.url, allowPrivate: WebhookSettings.current.withLock(\.allowPrivateTargets))
            return Empty()
        }
        table.register(CreateWebhook.self) { try createWebhook($0, $1) }
        table.registerRead(ListWebhooks.self) { db, c in
            let rows = if let id = c.directoryID {
                try Row.fetchAll(db, sql: "SELECT * FROM webhook WHERE directoryId = ? ORDER BY created, id", arguments: [id])
            } else {
                try Row.fetchAll(db, sql: "SELECT * FROM webhook ORDER BY created, id")
            }
            return WebhookList(webhooks: try rows.map(webhook))
        }
        table.register(ChangeWebhook.self) { try changeWebhook($0, $1) }
        table.registerRead(ListWebhookDeliveries.self) { db, c in
            let hook = try webhook(db, id: c.webhookID)
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM webhookDelivery WHERE webhookId = ? ORDER BY id DESC LIMIT ?",
                                        arguments: [hook.id, min(max(c.limit, 1), 1000)])
            return WebhookDeliveryList(deliveries: rows.map(delivery))
        }
    }

    static let maxBatchSize = 500

    static func createWebhook(_ db: Database, _ c: CreateWebhook) throws -> Webhook {
        let settings = WebhookSettings.current.withLock { $0 }
        _ = try directoryName(db, c.directoryID, why: "; it takes no webhooks")
        let url = try WebhookTarget.checkSyntax(c.url, allowPrivate: settings.allowPrivateTargets)
        guard (0...maxBatchSize).contains(c.batchSize) else { throw SCIMError.invalidValue("'batchSize' must be 1 to \(maxBatchSize) (0: 100), not \(c.batchSize).") }
        for type in c.eventTypes where !ChangeEventTypes.accepts(type) {
            throw SCIMError.invalidValue("'\(type)' is not an event type: use \(ChangeEventTypes.all.joined(separator: ", ")), or a prefix such as 'user.*'.")
        }
        let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM webhook WHERE directoryId = ?", arguments: [c.directoryID]) ?? 0
        guard count < 20 else { throw SCIMError(status: 409, detail: "A directory has at most 20 webhooks; delete one first.") }
        guard c.secret.hasPrefix("whsec_"), c.secret.utf8.count >= 38, c.secret.utf8.count <= 200 else {
            throw SCIMError.invalidValue("A webhook's secret is 'whsec_' and at least 32 more characters.")
        }
        let secret = c.secret
        let (head, pruned) = try feedHead(db, c.directoryID)
        let hook = Webhook(id: UUID().uuidString.lowercased(), directoryID: c.directoryID, url: url.absoluteString, eventTypes: c.eventTypes, state: "active",
                           cursor: c.fromStart ? pruned : head, created: Timestamp.string(from: try db.transactionDate), batchSize: c.batchSize == 0 ? 100 : c.batchSize)
        try db.execute(sql: """
            INSERT INTO webhook (id, directoryId, url, eventTypes, secret, state, cursor, batchSize, created) VALUES (?, ?, ?, ?, ?, 'active', ?, ?, ?)
            """, arguments: [hook.id, hook.directoryID, hook.url, jsonList(hook.eventTypes),
                             try Secrets.seal(Array(secret.utf8), key: settings.key), hook.cursor, hook.batchSize, hook.created])
        return hook
    }

    static func changeWebhook(_ db: Database, _ c: ChangeWebhook) throws -> Webhook {
        let hook = try webhook(db, id: c.id)
        switch c.action {
        case .delete:
            try db.execute(sql: "DELETE FROM webhook WHERE id = ?", arguments: [hook.id])
            try db.execute(sql: "DELETE FROM webhookDelivery WHERE webhookId = ?", arguments: [hook.id])
            return hook
        case .pause:
            try db.execute(sql: "UPDATE webhook SET state = 'paused', pausedReason = 'paused by an operator' WHERE id = ?", arguments: [hook.id])
        case .resume:
            try db.execute(sql: resumed + " WHERE id = ?", arguments: [hook.id])
        case .redeliver:
            let (head, pruned) = try feedHead(db, hook.directoryID)
            try checkCursor(c.after, head: head, pruned: pruned)
            try db.execute(sql: resumed + ", cursor = ? WHERE id = ?", arguments: [c.after, hook.id])
        }
        return try webhook(db, id: hook.id)
    }

    /// Active again, its failure streak forgotten (the next attempt is at once).
    static let resumed = "UPDATE webhook SET state = 'active', pausedReason = '', failureStreak = 0, failingSince = '', lastError = ''"

    static func webhook(_ db: Database, id: String) throws -> Webhook {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM webhook WHERE id = ?", arguments: [id.lowercased()]) else {
            throw SCIMError.notFound("No webhook '\(id)'.")
        }
        return try webhook(row)
    }

    static func webhook(_ row: Row) throws -> Webhook {
        let types = list(row["eventTypes"])
        return Webhook(id: row["id"], directoryID: row["directoryId"], url: row["url"], eventTypes: types, state: row["state"], pausedReason: row["pausedReason"],
                       cursor: row["cursor"], failureStreak: row["failureStreak"], lastError: row["lastError"], created: row["created"],
                       failingSince: row["failingSince"], batchSize: row["batchSize"])
    }

    static func delivery(_ row: Row) -> WebhookDelivery {
        WebhookDelivery(id: row["id"], webhookID: row["webhookId"], at: row["at"], firstSeq: row["firstSeq"], lastSeq: row["lastSeq"], events: row["events"],
                        attempt: row["attempt"], status: row["status"], error: row["error"], latencyMilliseconds: row["latencyMs"])
    }
}

/// The event types of the feed, for subscriptions' filters.
enum ChangeEventTypes {
    static let all = [
        "user.created", "user.updated", "user.renamed", "user.disabled", "user.enabled", "user.deleted", "user.login",
        "group.created", "group.updated", "group.renamed", "group.deleted", "group.member.added", "group.member.removed",
    ]

    /// A known type, a prefix (`user.*`), or another resource type's `<type>.created` (`.updated`,
    /// `.renamed`, `.deleted`).
    static func accepts(_ type: String) -> Bool {
        if all.contains(type) { return true }
        let parts = type.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 2, type.utf8.count <= 100, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "*" } }) else { return false }
        return parts.last == "*" || ["created", "updated", "renamed", "deleted"].contains(parts.last!)
    }
}
