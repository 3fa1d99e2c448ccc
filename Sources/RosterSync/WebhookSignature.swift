public import Foundation
import RosterCrypto
import RosterProtocol
import SCIMCore

/// What a receiver gets (docs/change-feed.md, "Verifying a delivery"): a JSON body
/// `{"webhookId", "directoryId", "events": [...]}` and the header
/// `Roster-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`. A receiver
/// recomputes the MAC over the raw body, compares it in constant time, and refuses a `t` more
/// than five minutes away from its clock (a replayed delivery).
public enum WebhookSignature {
    public static let header = "Roster-Signature"

    static func body(_ hook: Webhook, _ events: [ChangeEvent]) -> Data {
        Data(JSONValue.object(["webhookId": .string(hook.id), "directoryId": .string(hook.directoryID), "events": .array(events.map(\.json))]).serialized())
    }

    static func headers(_ hook: Webhook, body: Data, secret: [UInt8], at date: Date) -> [String: String] {
        [
            "Content-Type": "application/json", "User-Agent": "Roster-Webhooks/1",
            "Roster-Webhook-Id": hook.id, "Roster-Delivery-Id": UUID().uuidString.lowercased(),
            header: sign(body: body, secret: secret, timestamp: Int64(date.timeIntervalSince1970)),
        ]
    }

    /// `t=…,v1=…` for `body` at `timestamp`.
    public static func sign(body: Data, secret: [UInt8], timestamp: Int64) -> String {
        "t=\(timestamp),v1=\(Secrets.hmacSHA256Hex(key: secret, message: Array("\(timestamp).".utf8) + Array(body)))"
    }

    /// Whether `header` signs `body` with `secret` within `tolerance` seconds of `now`: what a
    /// receiver written in Swift would run.
    public static func verify(header: String, body: Data, secret: [UInt8], now: Date = Date(), tolerance: Int64 = 300) -> Bool {
        var timestamp: Int64?, signatures: [String] = []
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { continue }
            if pair[0] == "t" { timestamp = Int64(pair[1]) } else if pair[0] == "v1" { signatures.append(pair[1]) }
        }
        guard let timestamp, abs(Int64(now.timeIntervalSince1970) - timestamp) <= tolerance else { return false }
        let expected = Array(sign(body: body, secret: secret, timestamp: timestamp).split(separator: "=").last!.utf8)
        return signatures.contains { Secrets.constantTimeEqual(Array($0.utf8), expected) }
    }
}
