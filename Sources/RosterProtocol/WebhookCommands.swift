public import SCIMCore
import SwiftProtobuf

/// A webhook subscription of a directory (docs/change-feed.md). Its secret is never part of it.
public struct Webhook: WireCodable, Equatable {
    public var id: String
    public var directoryID: String
    public var url: String
    /// Empty: every type; `user.*` is a prefix.
    public var eventTypes: [String]
    /// `active` or `paused`.
    public var state: String
    public var pausedReason: String
    public var cursor: Int64
    public var failureStreak: Int
    public var lastError: String
    public var created: String
    public var failingSince: String
    public var batchSize: Int

    public init(id: String, directoryID: String, url: String, eventTypes: [String], state: String, pausedReason: String = "", cursor: Int64,
                failureStreak: Int = 0, lastError: String = "", created: String, failingSince: String = "", batchSize: Int) {
        self.id = id
        self.directoryID = directoryID
        self.url = url
        self.eventTypes = eventTypes
        self.state = state
        self.pausedReason = pausedReason
        self.cursor = cursor
        self.failureStreak = failureStreak
        self.lastError = lastError
        self.created = created
        self.failingSince = failingSince
        self.batchSize = batchSize
    }

    public init(message m: Roster_V1_Webhook) {
        self.init(id: m.id, directoryID: m.directoryID, url: m.url, eventTypes: m.eventTypes, state: m.state, pausedReason: m.pausedReason, cursor: m.cursor,
                  failureStreak: Int(m.failureStreak), lastError: m.lastError, created: m.created, failingSince: m.failingSince, batchSize: Int(m.batchSize))
    }

    public var message: Roster_V1_Webhook {
        var m = Roster_V1_Webhook()
        m.id = id
        m.directoryID = directoryID
        m.url = url
        m.eventTypes = eventTypes
        m.state = state
        m.pausedReason = pausedReason
        m.cursor = cursor
        m.failureStreak = Int64(failureStreak)
        m.lastError = lastError
        m.created = created
        m.failingSince = failingSince
        m.batchSize = Int32(clamping: batchSize)
        return m
    }

    /// Whether an event of `type` goes to this subscription.
    public func wants(_ type: String) -> Bool {
        eventTypes.isEmpty || eventTypes.contains { $0 == type || ($0.hasSuffix(".*") && type.hasPrefix($0.dropLast())) }
    }

    public var json: JSONValue {
        let object: [String: JSONValue] = [
            "id": .string(id), "directoryId": .string(directoryID), "url": .string(url), "eventTypes": .array(eventTypes.map { .string($0) }),
            "state": .string(state), "pausedReason": .string(pausedReason), "cursor": .int(Int64(cursor)), "failureStreak": .int(Int64(failureStreak)),
            "lastError": .string(lastError), "created": .string(created), "failingSince": .string(failingSince), "batchSize": .int(Int64(batchSize)),
        ]
        return .object(object)
    }
}

public struct CreateWebhook: Command {
    public static let name = "sync.createWebhook"
    public typealias Reply = Webhook
    public var directoryID: String
    public var url: String
    public var eventTypes: [String]
    public var batchSize: Int
    public var fromStart: Bool
    /// Made by the ingress: a command's payload is never kept, a reply is (the idempotency ledger).
    public var secret: String
    public init(directoryID: String, url: String, eventTypes: [String] = [], batchSize: Int = 0, fromStart: Bool = false, secret: String) {
        self.directoryID = directoryID
        self.url = url
        self.eventTypes = eventTypes
        self.batchSize = batchSize
        self.fromStart = fromStart
        self.secret = secret
    }
    public init(message m: Roster_V1_CreateWebhook) {
        self.init(directoryID: m.directoryID, url: m.url, eventTypes: m.eventTypes, batchSize: Int(m.batchSize), fromStart: m.fromStart, secret: m.secret)
    }
    public var message: Roster_V1_CreateWebhook {
        var m = Roster_V1_CreateWebhook()
        m.directoryID = directoryID
        m.url = url
        m.eventTypes = eventTypes
        m.batchSize = Int32(clamping: batchSize)
        m.fromStart = fromStart
        m.secret = secret
        return m
    }
}

public struct ListWebhooks: Command {
    public static let name = "sync.listWebhooks"
    public typealias Reply = WebhookList
    /// Nil: every directory's.
    public var directoryID: String?
    public init(directoryID: String? = nil) { self.directoryID = directoryID }
    public init(message m: Roster_V1_ListWebhooks) { directoryID = m.directoryID.isEmpty ? nil : m.directoryID }
    public var message: Roster_V1_ListWebhooks { .with { $0.directoryID = directoryID ?? "" } }
}

public struct WebhookList: WireCodable, Equatable {
    public var webhooks: [Webhook]
    public init(webhooks: [Webhook]) { self.webhooks = webhooks }
    public init(message m: Roster_V1_WebhookList) { webhooks = m.webhooks.map(Webhook.init(message:)) }
    public var message: Roster_V1_WebhookList { .with { $0.webhooks = webhooks.map(\.message) } }
}

/// Pause, resume, redeliver (rewind to `after`) or delete a subscription.
public struct ChangeWebhook: Command {
    public static let name = "sync.changeWebhook"
    public typealias Reply = Webhook
    public enum Action: String, Sendable, CaseIterable { case pause, resume, redeliver, delete }
    public var id: String
    public var action: Action
    public var after: Int64
    public init(id: String, action: Action, after: Int64 = 0) {
        self.id = id
        self.action = action
        self.after = after
    }
    public init(message m: Roster_V1_ChangeWebhook) throws(SCIMError) {
        guard let action = Action(rawValue: m.action) else { throw SCIMError.protocolError("Unknown webhook action '\(m.action)'.") }
        self.init(id: m.id, action: action, after: m.after)
    }
    public var message: Roster_V1_ChangeWebhook { .with { $0.id = id; $0.action = action.rawValue; $0.after = after } }
}

/// One POST of a subscription, as its delivery log keeps it.
public struct WebhookDelivery: WireCodable, Equatable {
    public var id: Int64
    public var webhookID: String
    public var at: String
    public var firstSeq: Int64
    public var lastSeq: Int64
    public var events: Int
    public var attempt: Int
    /// The HTTP status; 0 when there was no answer.
    public var status: Int
    public var error: String
    public var latencyMilliseconds: Int64

    public init(id: Int64 = 0, webhookID: String, at: String, firstSeq: Int64, lastSeq: Int64, events: Int, attempt: Int, status: Int, error: String, latencyMilliseconds: Int64) {
        self.id = id
        self.webhookID = webhookID
        self.at = at
        self.firstSeq = firstSeq
        self.lastSeq = lastSeq
        self.events = events
        self.attempt = attempt
        self.status = status
        self.error = error
        self.latencyMilliseconds = latencyMilliseconds
    }

    public init(message m: Roster_V1_WebhookDelivery) {
        self.init(id: m.id, webhookID: m.webhookID, at: m.at, firstSeq: m.firstSeq, lastSeq: m.lastSeq, events: Int(m.events), attempt: Int(m.attempt),
                  status: Int(m.status), error: m.error, latencyMilliseconds: m.latencyMs)
    }

    public var message: Roster_V1_WebhookDelivery {
        var m = Roster_V1_WebhookDelivery()
        m.id = id
        m.webhookID = webhookID
        m.at = at
        m.firstSeq = firstSeq
        m.lastSeq = lastSeq
        m.events = Int32(clamping: events)
        m.attempt = Int32(clamping: attempt)
        m.status = Int32(clamping: status)
        m.error = error
        m.latencyMs = latencyMilliseconds
        return m
    }

    public var json: JSONValue {
        let object: [String: JSONValue] = [
            "id": .int(Int64(id)), "at": .string(at), "firstSeq": .int(Int64(firstSeq)), "lastSeq": .int(Int64(lastSeq)),
            "events": .int(Int64(events)), "attempt": .int(Int64(attempt)), "status": .int(Int64(status)), "error": .string(error),
            "latencyMs": .int(Int64(latencyMilliseconds)),
        ]
        return .object(object)
    }
}

public struct ListWebhookDeliveries: Command {
    public static let name = "sync.listWebhookDeliveries"
    public typealias Reply = WebhookDeliveryList
    public var webhookID: String
    public var limit: Int
    public init(webhookID: String, limit: Int = 100) {
        self.webhookID = webhookID
        self.limit = limit
    }
    public init(message m: Roster_V1_ListWebhookDeliveries) { self.init(webhookID: m.webhookID, limit: Int(m.limit)) }
    public var message: Roster_V1_ListWebhookDeliveries { .with { $0.webhookID = webhookID; $0.limit = Int32(clamping: limit) } }
}

public struct WebhookDeliveryList: WireCodable, Equatable {
    public var deliveries: [WebhookDelivery]
    public init(deliveries: [WebhookDelivery]) { self.deliveries = deliveries }
    public init(message m: Roster_V1_WebhookDeliveryList) { deliveries = m.deliveries.map(WebhookDelivery.init(message:)) }
    public var message: Roster_V1_WebhookDeliveryList { .with { $0.deliveries = deliveries.map(\.message) } }
}

/// Whether a URL may be a webhook's target (its syntax, and every address its host resolves to).
public struct CheckWebhookTarget: Command {
    public static let name = "sync.checkWebhookTarget"
    public typealias Reply = Empty
    public var url: String
    public init(url: String) { self.url = url }
    public init(message m: Roster_V1_CheckWebhookTarget) { url = m.url }
    public var message: Roster_V1_CheckWebhookTarget { .with { $0.url = url } }
}
