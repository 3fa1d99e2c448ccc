import Foundation
import Hummingbird
import RosterCrypto
import RosterProtocol
import SCIMCore

/// The change feed and its webhooks (docs/change-feed.md).
extension AdminController {
    /// The longest long-poll: under the connection idle timeout (30 s by default), which would
    /// otherwise close a connection that waits in silence.
    static let maxWaitSeconds = 25

    func addFeedRoutes(to group: RouterGroup<SCIMRequestContext>) {
        // Events after a cursor, in order; with ?wait=N an empty page waits up to N seconds for one.
        group.get("directories/:id/changes") { request, context in
            let directory = try await directory(try context.parameters.require("id"))
            let query = request.uri.queryParameters
            let after = try Self.integer(query["after"].map(String.init), "after", default: 0, in: 0...Int64.max)
            let limit = Int(try Self.integer(query["limit"].map(String.init), "limit", default: 100, in: 0...1000))
            let wait = try Self.integer(query["wait"].map(String.init), "wait", default: 0, in: 0...Int64(Self.maxWaitSeconds))
            let deadline = ContinuousClock.now + .seconds(wait)
            var page = try await sync.send(ReadChanges(directoryID: directory, after: after, limit: limit), shardKey: "")
            while page.events.isEmpty && limit > 0 && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
                page = try await sync.send(ReadChanges(directoryID: directory, after: after, limit: limit), shardKey: "")
            }
            let next = page.events.last?.seq ?? after
            return SCIMResponse.json(.ok, .object([
                "events": .array(page.events.map(\.json)), "next": .int(next), "head": .int(page.head), "oldest": .int(page.oldest),
            ]))
        }
        group.get("directories/:id/webhooks") { _, context in
            let directory = try await directory(try context.parameters.require("id"))
            return SCIMResponse.json(.ok, .object(["webhooks": .array(try await sync.send(ListWebhooks(directoryID: directory), shardKey: "").webhooks.map(\.json))]))
        }
        group.post("directories/:id/webhooks") { request, context in
            let directory = try await directory(try context.parameters.require("id"))
            let body = try await request.jsonObject(limit: configuration.maxBodyBytes)
            let known: Set<String> = ["url", "eventTypes", "batchSize", "fromStart"]
            if let unknown = body.keys.first(where: { !known.contains($0) }) { throw SCIMError.invalidValue("Unknown field '\(unknown)': a webhook takes \(known.sorted().joined(separator: ", ")).") }
            guard let url = body["url"]?.stringValue else { throw SCIMError.invalidValue("'url' (an http or https URL) is required.") }
            let types = try body["eventTypes"].map { value throws(SCIMError) -> [String] in
                guard let list = value.arrayValue?.compactMap(\.stringValue), list.count == value.arrayValue?.count else {
                    throw SCIMError.invalidValue("'eventTypes' must be a list of event types such as [\"user.created\", \"group.*\"].")
                }
                return list
            } ?? []
            guard body["batchSize"] == nil || body["batchSize"]?.wholeNumber != nil else { throw SCIMError.invalidValue("'batchSize' must be a whole number, 1 to 500.") }
            guard body["fromStart"] == nil || body["fromStart"]?.strictBool != nil else { throw SCIMError.invalidValue("'fromStart' must be true or false.") }
            // The target is resolved by the sync worker on a reader thread before anything is written.
            _ = try await sync.send(CheckWebhookTarget(url: url), shardKey: "")
            // Made here and sent in the command, never in a reply: the worker keeps replies a while.
            let secret = "whsec_" + Secrets.generateToken()
            let created = try await sync.send(CreateWebhook(directoryID: directory, url: url, eventTypes: types, batchSize: Int(body["batchSize"]?.wholeNumber ?? 0),
                                                            fromStart: body["fromStart"]?.strictBool ?? false, secret: secret), shardKey: "")
            guard case .object(var view) = created.json else { throw SCIMError.internalError() }
            view["secret"] = .string(secret)
            view["signature"] = .string("Roster-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, \"<t>.<body>\")>; the secret is shown this once")
            return SCIMResponse.json(.created, .object(view))
        }
        group.get("webhooks") { _, _ in
            SCIMResponse.json(.ok, .object(["webhooks": .array(try await sync.send(ListWebhooks(), shardKey: "").webhooks.map(\.json))]))
        }
        group.get("webhooks/:id") { _, context in
            let id = try context.parameters.require("id")
            guard let hook = try await sync.send(ListWebhooks(), shardKey: "").webhooks.first(where: { $0.id == id.lowercased() }) else {
                throw SCIMError.notFound("No webhook '\(id)'.")
            }
            return SCIMResponse.json(.ok, hook.json)
        }
        group.delete("webhooks/:id") { _, context in
            _ = try await sync.send(ChangeWebhook(id: try context.parameters.require("id"), action: .delete), shardKey: "")
            return Response(status: .noContent)
        }
        for action in [ChangeWebhook.Action.pause, .resume, .redeliver] {
            group.post("webhooks/:id/\(action.rawValue)") { request, context in
                var after: Int64 = 0
                if action == .redeliver {
                    let body = try await request.jsonObject(limit: configuration.maxBodyBytes)
                    guard let given = body["after"]?.wholeNumber, given >= 0 else {
                        throw SCIMError.invalidValue("Send {\"after\": SEQ}: the events after that sequence number are delivered again.")
                    }
                    after = given
                }
                let hook = try await sync.send(ChangeWebhook(id: try context.parameters.require("id"), action: action, after: after), shardKey: "")
                return SCIMResponse.json(.ok, hook.json)
            }
        }
        group.get("webhooks/:id/deliveries") { request, context in
            let limit = Int(try Self.integer(request.uri.queryParameters["limit"].map(String.init), "limit", default: 100, in: 1...1000))
            let list = try await sync.send(ListWebhookDeliveries(webhookID: try context.parameters.require("id"), limit: limit), shardKey: "")
            return SCIMResponse.json(.ok, .object(["deliveries": .array(list.deliveries.map(\.json))]))
        }
    }

    /// A whole-number query parameter within `range`, or a 400 that says so.
    static func integer(_ text: String?, _ name: String, default value: Int64, in range: ClosedRange<Int64>) throws(SCIMError) -> Int64 {
        guard let text else { return value }
        guard let number = Int64(text), range.contains(number) else {
            throw SCIMError.invalidValue("?\(name)= takes a whole number from \(range.lowerBound) to \(range.upperBound == Int64.max ? "any" : String(range.upperBound)), not '\(text.prefix(40))'.")
        }
        return number
    }
}

extension JSONValue {
    fileprivate var wholeNumber: Int64? {
        switch self {
        case .int(let i): return i
        case .double(let d) where d == d.rounded() && abs(d) < 1e15: return Int64(d)
        default: return nil
        }
    }

    fileprivate var strictBool: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }
}
