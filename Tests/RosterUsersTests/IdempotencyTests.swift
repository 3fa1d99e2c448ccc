import Foundation
import GRDB
import RosterMessaging
@testable import RosterPersistence
import RosterProtocol
import RosterTestSupport
import SCIMCore
import Testing

/// The ledger of keyed writes (DESIGN §2), on a real users store: a resend of a key whose first
/// delivery committed gets the first result and changes nothing.
struct IdempotencyTests {
    static func create(_ userName: String, key: [UInt8], retry: Bool, deadline: Int64 = Envelope.deadline(after: .seconds(5))) -> IncomingCommand {
        IncomingCommand(name: CreateUser.name, payload: CommandCodec.encode(CreateUser(directoryID: "d", attributes: user(userName), passwordHash: nil)),
                        key: key, isRetry: retry, deadline: deadline)
    }

    @Test func aResendOfACommittedKeyReturnsTheFirstResultWithoutApplyingAgain() throws {
        try withUserStore { store, pool throws in
            let key = Envelope.newKey()
            let first = try store.handle([Self.create("kim", key: key, retry: false)])[0].get()
            let again = try store.handle([Self.create("kim", key: key, retry: true)])[0].get()
            #expect(again == first, "the resend is answered with the first result, not 409")
            #expect(try store.run(QueryUsers(directoryID: "d", filter: nil, startIndex: 1, count: 10)).totalResults == 1)
            #expect(try pool.read { try IdempotencyLedger.count($0) } == 1)
        }
    }

    @Test func aResendInTheSameBatchAsItsFirstDeliveryIsAnsweredFromTheLedger() throws {
        try withUserStore { store, _ throws in
            let key = Envelope.newKey()
            let results = store.handle([Self.create("lee", key: key, retry: false), Self.create("lee", key: key, retry: true)])
            #expect(try results[1].get() == results[0].get())
        }
    }

    @Test func aResendWhoseFirstDeliveryNeverCommittedIsApplied() throws {
        try withUserStore { store, _ throws in
            let reply = try store.handle([Self.create("max", key: Envelope.newKey(), retry: true)])[0].get()
            let stored = try CommandCodec.decode(StoredResource.self, from: reply)
            #expect(stored.attributes["userName"] == .string("max"))
        }
    }

    @Test func anExpiredResendWithNoRecordIsRefusedAsNotApplied() throws {
        try withUserStore { store, _ throws in
            let expired = Self.create("ned", key: Envelope.newKey(), retry: true, deadline: Envelope.nowMilliseconds() - 10)
            expectSCIMError(status: 503, scimType: nil) { try store.handle([expired])[0].get() }
            #expect(try store.run(QueryUsers(directoryID: "d", filter: nil, startIndex: 1, count: 10)).totalResults == 0)
        }
    }

    @Test func anExpiredResendWhoseFirstDeliveryCommittedStillGetsItsResult() throws {
        try withUserStore { store, _ throws in
            let key = Envelope.newKey()
            let first = try store.handle([Self.create("ola", key: key, retry: false)])[0].get()
            let late = Self.create("ola", key: key, retry: true, deadline: Envelope.nowMilliseconds() - 10)
            #expect(try store.handle([late])[0].get() == first, "applied is applied, however late the resend")
        }
    }

    @Test func aFailedFirstDeliveryRecordsNothing() throws {
        try withUserStore { store, pool throws in
            _ = try store.run(CreateUser(directoryID: "d", attributes: user("pat"), passwordHash: nil))
            let key = Envelope.newKey()
            expectSCIMError(status: 409, scimType: .uniqueness) { try store.handle([Self.create("PAT", key: key, retry: false)])[0].get() }
            #expect(try pool.read { try IdempotencyLedger.count($0) } == 0, "a rolled-back savepoint takes its record with it")
        }
    }

    /// A record lives between one and two generations: kept across one rotation, gone after two.
    @Test func recordsLiveBetweenOneAndTwoGenerations() throws {
        try withUserStore { _, pool throws in
            let ledger = IdempotencyLedger(generation: .zero)
            let key = Envelope.newKey()
            try pool.write { db in
                try ledger.record(db, key: key, reply: [1, 2, 3])
                try ledger.rotate(db)
                #expect(try IdempotencyLedger.result(db, key: key) == [1, 2, 3], "still there after one rotation")
                try ledger.rotate(db)
                #expect(try IdempotencyLedger.result(db, key: key) == nil, "gone after two")
                var other = key
                other[15] ^= 0xFF
                try ledger.record(db, key: key, reply: [4])
                #expect(try IdempotencyLedger.result(db, key: other) == nil, "a key equal in its first 8 bytes only is another key")
            }
        }
    }
}
