import Foundation
import GRDB
import RosterPersistence
import RosterProtocol
import RosterTestSupport
@testable import RosterUsers
import SCIMCore
import Testing

/// Clear SCIM data and map on a real users store: a cleared account leaves SCIM's sight with its
/// SCIM id and externalId gone, its userName reserved (a SCIM create of it is a 409 that says to
/// map); a map gives it a new id with its other attributes, password hash and last sign-in, and
/// sends its memberships after it.
struct ClearSCIMTests {
    @Test func aClearedAccountIsHiddenReservedAndMappedBackUnderANewId() throws {
        try withUserStore { store, pool throws in
            let kept = try store.run(CreateUser(directoryID: "d", attributes: user("bjensen", externalId: "okta-1", email: "b@example.com"), passwordHash: "pbkdf2-sha256$1$x$y"))
            _ = try store.run(RecordLogins(directoryID: "d", logins: [.init(userName: "bjensen", at: "2026-01-02T03:04:05.000Z")]))
            _ = try store.run(CreateUser(directoryID: "other", attributes: user("bjensen"), passwordHash: nil))
            #expect(try store.run(ClearSCIMBatch(directoryID: "d", limit: 0)) == RemovedBatch(removed: 0, remaining: 1), "limit 0 counts")
            #expect(try store.run(ClearSCIMBatch(directoryID: "d", limit: 500)) == RemovedBatch(removed: 1, remaining: 0))
            #expect(try store.run(ClearSCIMBatch(directoryID: "d", limit: 500)) == RemovedBatch(removed: 0, remaining: 0), "repeated: nothing more")

            expectSCIMError(status: 404, scimType: nil) { try store.run(GetUser(directoryID: "d", id: kept.id)) }
            #expect(try store.run(QueryUsers(directoryID: "d", filter: #"userName eq "bjensen""#, startIndex: 1, count: 10)).totalResults == 0)
            #expect(try store.run(QueryUsers(directoryID: "d", filter: nil, startIndex: 1, count: 10)).totalResults == 0, "the directory's count follows")
            let reserved = expectSCIMError(status: 409, scimType: .uniqueness) { try store.run(CreateUser(directoryID: "d", attributes: user("BJensen"), passwordHash: nil)) }
            #expect(reserved?.detail.contains("roster sync run") == true)
            #expect(try store.run(QueryUsers(directoryID: "other", filter: nil, startIndex: 1, count: 10)).totalResults == 1, "another directory is untouched")

            #expect(try store.run(MapBatch(directoryID: "d", limit: 500)) == RemovedBatch(removed: 1, remaining: 0))
            let mapped = try store.run(QueryUsers(directoryID: "d", filter: #"userName eq "bjensen""#, startIndex: 1, count: 10)).resources
            try #require(mapped.count == 1)
            #expect(mapped[0].id != kept.id && mapped[0].attributes["externalId"] == nil, "a new SCIM id, no externalId")
            #expect(mapped[0].attributes["emails"] == kept.attributes["emails"] && mapped[0].lastLogin == "2026-01-02T03:04:05.000Z")
            let (hash, event) = try pool.read { db in
                (try String.fetchOne(db, sql: "SELECT passwordHash FROM user WHERE id = ?", arguments: [mapped[0].id]),
                 try Data.fetchOne(db, sql: "SELECT payload FROM outbox WHERE command = ? ORDER BY seq DESC LIMIT 1", arguments: [ApplyUserEvent.name]))
            }
            #expect(hash == "pbkdf2-sha256$1$x$y")
            let reassigned = try CommandCodec.decode(ApplyUserEvent.self, from: Array(try #require(event)))
            #expect(reassigned.kind == .reassigned && reassigned.userID == kept.id && reassigned.newID == mapped[0].id, "its memberships follow it")
        }
    }
}

/// Sign-ins from a file's job: a batch sent again (after a restart) reports what it did the first
/// time, not "unchanged", so the job's counts stay exact; the job's end forgets it.
struct JobBatchLoginTests {
    @Test func aRepeatedJobBatchReportsItsFirstOutcome() throws {
        try withUserStore { store, _ throws in
            _ = try store.run(CreateUser(directoryID: "d", attributes: user("ann"), passwordHash: nil))
            let batch = RecordLogins(directoryID: "d", logins: [.init(userName: "ann", at: "2026-01-01T00:00:00.000Z"), .init(userName: "zed", at: "2026-01-01T00:00:00.000Z")],
                                     jobID: "job-1", firstLine: 2)
            let first = try store.run(batch)
            #expect(first == LoginsRecorded(updated: 1, unchanged: 0, unknown: ["zed"]))
            #expect(try store.run(batch) == first, "the same outcome again")
            _ = try store.run(ForgetImport(jobID: "job-1"))
            #expect(try store.run(batch) == LoginsRecorded(updated: 0, unchanged: 1, unknown: ["zed"]), "forgotten: applied anew, and nothing moves")
        }
    }
}
