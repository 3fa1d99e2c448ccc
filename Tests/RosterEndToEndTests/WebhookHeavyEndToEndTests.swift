import Foundation
import RosterCrypto
import RosterTestSupport
import SCIMCore
import Testing

/// Webhooks with a real receiver (docs/change-feed.md): signed, at least once, in order, backing
/// off while the receiver fails, paused after a long streak, everything delivered once it is back.
@Suite(.serialized)
struct WebhookHeavyEndToEndTests {
    static let headers = ["Content-Type": "application/json"]

    /// The events of the deliveries the receiver acknowledged, first sight of each id, in the order received.
    static func acknowledged(_ receiver: WebhookReceiver) -> [[String: JSONValue]] {
        var seen: Set<String> = [], out: [[String: JSONValue]] = []
        for d in receiver.deliveries where (200..<300).contains(d.status) {
            for e in (try? JSONValue.parse(d.body))?.objectValue?["events"]?.arrayValue?.compactMap(\.objectValue) ?? [] {
                if let id = e["id"]?.stringValue, seen.insert(id).inserted { out.append(e) }
            }
        }
        return out
    }

    static func seq(_ e: [String: JSONValue]) -> Int64 { if case .int(let n)? = e["seq"] { n } else { -1 } }

    @Test func deliveriesAreSignedInOrderRetriedPausedAndResumedWithNothingLost() async throws {
        let receiver = try WebhookReceiver()
        defer { receiver.stop() }
        try await withRunningSystem(configure: {
            $0.feed = true
            $0.syncArguments = ["--webhooks-allow-private-targets", "true", "--webhooks-retry-base-ms", "100", "--webhooks-retry-max-ms", "800",
                                "--webhooks-pause-after-failures", "6", "--webhooks-pause-after-seconds", "2"]
        }) { system in
            try #require(await system.ready(), "\(system.logText)")
            let admin = TestHTTP(base: system.http.base, token: e2eAdminToken)
            let scim = system.http
            let created = try await admin.send("POST", "/admin/api/v1/directories/default/webhooks", body: #"{"url":"\#(receiver.url)","batchSize":5}"#, headers: Self.headers)
            #expect(created.status == 201, "\(created.object)")
            let hookID = try #require(created.object["id"]?.stringValue)
            let secret = try #require(created.object["secret"]?.stringValue)
            #expect(try await admin.send("GET", "/admin/api/v1/webhooks/\(hookID)").object["secret"] == nil, "the secret is shown once")
            #expect(!system.logText.contains(secret.dropFirst(6)), "never logged")

            var ids: [String] = []
            for i in 0..<8 { ids.append(try #require(try await scim.send("POST", "/scim/v2/Users", json: TestHTTP.user("w\(i)@example.com")).object["id"]?.stringValue)) }
            #expect(await eventually(timeout: .seconds(20)) { Self.acknowledged(receiver).count == 8 }, "\(receiver.deliveries.count) deliveries")
            // Signed over "<t>.<body>" with the secret, within the replay window, and batched by 5.
            for d in receiver.deliveries {
                let header = try #require(d.header("Roster-Signature"))
                let parts = Dictionary(uniqueKeysWithValues: header.split(separator: ",").map { $0.split(separator: "=", maxSplits: 1).map(String.init) }.map { ($0[0], $0[1]) })
                let t = try #require(parts["t"].flatMap { Int64($0) })
                #expect(abs(Int64(Date().timeIntervalSince1970) - t) < 60)
                #expect(parts["v1"] == Secrets.hmacSHA256Hex(key: Array(secret.utf8), message: Array("\(t).".utf8) + Array(d.body)), "the signature verifies")
                #expect(d.header("Content-Type") == "application/json" && d.header("Roster-Webhook-Id") == hookID)
                #expect(((try? JSONValue.parse(d.body))?.objectValue?["events"]?.arrayValue?.count ?? 0) <= 5)
            }

            // The receiver is down a moment (connections closed unanswered): what happened meanwhile
            // arrives once it is back, in order, without anyone resuming anything.
            receiver.respond(0)
            let down = receiver.deliveries.count
            for i in 8..<10 { ids.append(try #require(try await scim.send("POST", "/scim/v2/Users", json: TestHTTP.user("w\(i)@example.com")).object["id"]?.stringValue)) }
            #expect(await eventually(timeout: .seconds(10)) { receiver.deliveries.count >= down + 2 }, "retried while down")
            receiver.respond(200)
            #expect(await eventually(timeout: .seconds(20)) { Self.acknowledged(receiver).count == 10 })
            #expect(Self.acknowledged(receiver).map(Self.seq) == (1...10).map(Int64.init))
            #expect(try await admin.send("GET", "/admin/api/v1/webhooks/\(hookID)").object["state"] == .string("active"))

            // The receiver fails: deliveries are retried, further and further apart, and nothing is skipped.
            receiver.respond(503)
            let before = receiver.deliveries.count
            for id in ids { #expect(try await scim.send("PATCH", "/scim/v2/Users/\(id)", json: json(#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"title","value":"T"}]}"#)).status == 200) }
            #expect(await eventually(timeout: .seconds(20)) { receiver.deliveries.count >= before + 4 })
            let failed = receiver.deliveries[before...].map(\.received)
            let gaps = zip(failed.dropFirst(), failed).map { $0.timeIntervalSince($1) }
            #expect(gaps.count >= 3 && gaps[2] > gaps[0], "backing off: \(gaps)")
            // A streak long enough pauses it, with the reason; while paused nothing is sent.
            var hook: [String: JSONValue] = [:]
            #expect(await eventually(timeout: .seconds(30)) {
                hook = (try? await admin.send("GET", "/admin/api/v1/webhooks/\(hookID)"))?.object ?? [:]
                return hook["state"] == .string("paused")
            }, "\(hook)")
            #expect(hook["pausedReason"]?.stringValue?.contains("Paused automatically") == true && hook["lastError"]?.stringValue?.contains("503") == true, "\(hook)")
            let log = try await admin.send("GET", "/admin/api/v1/webhooks/\(hookID)/deliveries?limit=50").object["deliveries"]?.arrayValue?.compactMap(\.objectValue) ?? []
            #expect(log.contains { $0["status"] == .int(503) && ($0["attempt"].flatMap { if case .int(let a) = $0 { a } else { nil } } ?? 0) > 1 })
            #expect(log.contains { $0["status"] == .int(200) } && log.allSatisfy { $0["latencyMs"] != nil })
            receiver.respond(200)
            let whilePaused = receiver.deliveries.count
            try await Task.sleep(for: .seconds(1))
            #expect(receiver.deliveries.count == whilePaused)

            // Resumed: everything arrives, in feed order.
            #expect(try await admin.send("POST", "/admin/api/v1/webhooks/\(hookID)/resume").object["state"] == .string("active"))
            #expect(await eventually(timeout: .seconds(20)) { Self.acknowledged(receiver).count == 20 })
            let order = Self.acknowledged(receiver).map(Self.seq)
            #expect(order == (1...20).map(Int64.init), "in order: \(order)")

            // Redeliver from a cursor: the same events again, recognisable by their ids.
            let delivered = receiver.deliveries.count
            #expect(try await admin.send("POST", "/admin/api/v1/webhooks/\(hookID)/redeliver", body: #"{"after":10}"#, headers: Self.headers).status == 200)
            #expect(await eventually(timeout: .seconds(20)) {
                Set(receiver.deliveries[delivered...].flatMap { (try? JSONValue.parse($0.body))?.objectValue?["events"]?.arrayValue?.compactMap { Self.seq($0.objectValue ?? [:]) } ?? [] }) == Set(11...20)
            })
            let bad = try await admin.send("POST", "/admin/api/v1/webhooks/\(hookID)/redeliver", body: #"{"after":999}"#, headers: Self.headers)
            #expect(bad.status == 410, "\(bad.object)")
            #expect(try await admin.send("DELETE", "/admin/api/v1/webhooks/\(hookID)").status == 204)
            #expect(try await admin.send("GET", "/admin/api/v1/webhooks/\(hookID)").status == 404)
        }
    }
}
