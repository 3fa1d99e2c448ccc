import Foundation
import GRDB
import RosterMessaging
import RosterPersistence
import RosterProtocol
@testable import RosterSync
import RosterTestSupport
import SCIMCore
import Testing

/// The sync worker's side of the feed: numbering, deduplication, cursors, retention.
struct ChangeFeedStoreTests {
    func event(_ id: String, _ directory: String, _ type: String = "user.created", at: String = "2026-11-30T10:00:00.000Z") -> ChangeEvent {
        ChangeEvent(eventID: id, directoryID: directory, type: type, resourceType: "User", resourceID: "r-\(id)", version: 1, at: at)
    }

    func withFeed(_ body: (GroupCommitHandler, DatabasePool, [String]) throws -> Void) throws {
        try withStore(migrator: SyncStore.migrator, commands: SyncStore.commands) { store, pool, _ in
            let a = try store.run(CreateDirectory(name: "A")).id, b = try store.run(CreateDirectory(name: "B")).id
            try body(store, pool, [a, b])
        }
    }

    @Test func eachDirectoryNumbersItsEventsInArrivalOrderAndARedeliveryAddsNothing() throws {
        try withFeed { store, _, dirs throws in
            let (a, b) = (dirs[0], dirs[1])
            #expect(try store.run(AppendChanges(events: [event("e1", a), event("e2", b), event("e3", a)])) == ChangesAppended(appended: 3, duplicates: 0))
            // The relay sends the batch again after a crash, with one new event.
            #expect(try store.run(AppendChanges(events: [event("e1", a), event("e2", b), event("e3", a), event("e4", a)])) == ChangesAppended(appended: 1, duplicates: 3))
            let page = try store.run(ReadChanges(directoryID: a, after: 0, limit: 100))
            #expect(page.events.map(\.eventID) == ["e1", "e3", "e4"] && page.events.map(\.seq) == [1, 2, 3])
            #expect(page.head == 3 && page.oldest == 1)
            #expect(try store.run(ReadChanges(directoryID: a, after: 1, limit: 1)).events.map(\.seq) == [2])
            #expect(try store.run(ReadChanges(directoryID: b, after: 0, limit: 100)).events.map(\.seq) == [1])
            #expect(try store.run(ReadChanges(directoryID: a, after: 3, limit: 100)).events.isEmpty)
        }
    }

    @Test func aCursorBehindRetentionOrBeyondTheHeadIsGoneWithTheWayBack() throws {
        try withFeed { store, pool, dirs throws in
            let a = dirs[0]
            _ = try store.run(AppendChanges(events: [event("old1", a, at: "2026-10-01T00:00:00.000Z"), event("old2", a, at: "2026-10-02T00:00:00.000Z"),
                                                     event("new", a, at: "2026-11-30T00:00:00.000Z")]))
            #expect(try pool.write { db in try SyncStore.pruneChanges(db, before: "2026-11-01T00:00:00.000Z") } == 2)
            let page = try store.run(ReadChanges(directoryID: a, after: 2, limit: 10))
            #expect(page.events.map(\.eventID) == ["new"] && page.oldest == 3 && page.head == 3)
            let gone = expectSCIMError(status: 410, scimType: nil) { try store.run(ReadChanges(directoryID: a, after: 1, limit: 10)) }
            #expect(gone?.detail.contains("Read the directory anew") == true)
            expectSCIMError(status: 410, scimType: nil) { try store.run(ReadChanges(directoryID: a, after: 9, limit: 10)) }
            expectSCIMError(status: 400, scimType: .invalidValue) { try store.run(ReadChanges(directoryID: a, after: -1, limit: 10)) }
            expectSCIMError(status: 404, scimType: nil) { try store.run(ReadChanges(directoryID: "no-such-directory", after: 0, limit: 10)) }
            // Everything old: the feed is empty and remembers how far it went.
            #expect(try pool.write { db in try SyncStore.pruneChanges(db, before: "2026-12-31T00:00:00.000Z") } == 1)
            let empty = try store.run(ReadChanges(directoryID: a, after: 3, limit: 10))
            #expect(empty.events.isEmpty && empty.head == 3 && empty.oldest == 0)
        }
    }

    @Test func aWebhookIsRefusedWithAPreciseErrorForEachWrongPartAndItsSecretIsNeverListed() throws {
        try withFeed { store, pool, dirs throws in
            let a = dirs[0]
            let secret = "whsec_" + String(repeating: "s", count: 43)
            for url in ["ftp://example.com/hook", "not a url", "https://user:pass@example.com/", "http://127.0.0.1:9/", "http://[::1]/", "http://169.254.169.254/latest",
                        "http://10.1.2.3/", "http://192.168.0.1/"] {
                expectSCIMError(status: 400, scimType: .invalidValue) { try store.run(CreateWebhook(directoryID: a, url: url, secret: secret)) }
            }
            expectSCIMError(status: 400, scimType: .invalidValue) { try store.run(CreateWebhook(directoryID: a, url: "https://example.com/", eventTypes: ["user.exploded"], secret: secret)) }
            expectSCIMError(status: 400, scimType: .invalidValue) { try store.run(CreateWebhook(directoryID: a, url: "https://example.com/", batchSize: 501, secret: secret)) }
            expectSCIMError(status: 400, scimType: .invalidValue) { try store.run(CreateWebhook(directoryID: a, url: "https://example.com/", secret: "short")) }
            expectSCIMError(status: 404, scimType: nil) { try store.run(CreateWebhook(directoryID: "nope", url: "https://example.com/", secret: secret)) }
            // Sent as the ingress sends it, with an idempotency key: its reply is kept in the ledger.
            let command = CreateWebhook(directoryID: a, url: "https://example.com/hook", eventTypes: ["user.*", "group.member.added"], secret: secret)
            let reply = try store.handle([IncomingCommand(name: CreateWebhook.name, payload: CommandCodec.encode(command), key: Array(repeating: 7, count: 16))])[0].get()
            let created = try CommandCodec.decode(Webhook.self, from: reply)
            #expect(created.batchSize == 100 && created.state == "active")
            let stored = try pool.read { db in
                try String.fetchAll(db, sql: "SELECT secret FROM webhook UNION ALL SELECT CAST(reply AS TEXT) FROM roster_ledger_0 UNION ALL SELECT CAST(reply AS TEXT) FROM roster_ledger_1")
            }
            #expect(stored.count >= 2, "the ledger kept the reply")
            #expect(!stored.contains { $0.contains(secret.dropFirst(6)) }, "kept sealed, never in clear, not in a kept reply")
            #expect(try store.run(ListWebhooks(directoryID: a)).webhooks == [created])
            #expect(created.wants("user.deleted") && created.wants("group.member.added") && !created.wants("group.created"))
            // Ids are matched whatever their case, by every action.
            #expect(try store.run(ChangeWebhook(id: created.id.uppercased(), action: .pause)).pausedReason == "paused by an operator")
            expectSCIMError(status: 410, scimType: nil) { try store.run(ChangeWebhook(id: created.id, action: .redeliver, after: 5)) }
            #expect(try store.run(ChangeWebhook(id: created.id.uppercased(), action: .resume)).state == "active")
            _ = try store.run(ChangeWebhook(id: created.id.uppercased(), action: .delete))
            expectSCIMError(status: 404, scimType: nil) { try store.run(ChangeWebhook(id: created.id, action: .resume)) }
        }
    }

    @Test func privateTargetsAreRefusedByAddressAndByWhatANameResolvesTo() throws {
        for literal in ["127.0.0.1", "10.0.0.1", "172.20.1.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1", "fe80::1", "fd00::1", "::ffff:127.0.0.1",
                        "::7f00:1", "64:ff9b::a9fe:a9fe", "::ffff:0:a00:1", "2002:c0a8:101::1", "fec0::1"] {
            #expect(IPAddress(literal)?.isPublic == false, "\(literal)")
        }
        for literal in ["93.184.215.14", "8.8.8.8", "2606:4700::1111", "172.32.0.1", "64:ff9b::808:808", "2002:808:808::1"] { #expect(IPAddress(literal)?.isPublic == true, "\(literal)") }
        expectSCIMError(status: 400, scimType: .invalidValue) { try WebhookTarget.check("http://localhost:8080/hook", allowPrivate: false) }
        #expect(throws: Never.self) { try WebhookTarget.check("http://localhost:8080/hook", allowPrivate: true) }
    }

    @Test func aSignatureVerifiesOnlyForItsBodySecretAndTime() {
        let body = Data(#"{"events":[]}"#.utf8), secret = Array("whsec_test".utf8)
        let header = WebhookSignature.sign(body: body, secret: secret, timestamp: 1_800_000_000)
        let then = Date(timeIntervalSince1970: 1_800_000_060)
        #expect(WebhookSignature.verify(header: header, body: body, secret: secret, now: then))
        #expect(!WebhookSignature.verify(header: header, body: Data(#"{"events":[1]}"#.utf8), secret: secret, now: then))
        #expect(!WebhookSignature.verify(header: header, body: body, secret: Array("other".utf8), now: then))
        #expect(!WebhookSignature.verify(header: header, body: body, secret: secret, now: Date(timeIntervalSince1970: 1_800_000_400)), "outside the replay window")
    }

    @Test func backoffGrowsExponentiallyWithJitterUpToItsCap() {
        var s = WebhookSettings(key: [])
        s.retryBase = .seconds(1)
        s.retryMax = .seconds(60)
        for streak in 1...10 {
            let wait = s.backoff(afterFailures: streak)
            let full = min(Duration.seconds(1 << (streak - 1)), .seconds(60))
            #expect(wait >= full / 2 && wait <= full, "streak \(streak): \(wait)")
        }
    }
}
