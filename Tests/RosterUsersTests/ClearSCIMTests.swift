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
