import Foundation
import GRDB
import Logging
import RosterMessaging
import RosterPersistence
import RosterProtocol
import RosterUsers
import SCIMCore
import RosterTestSupport
import Testing

/// A users store on a real SQLite file in its own temporary directory, removed afterwards.
func withUserStore(_ body: (GroupCommitHandler, DatabasePool) throws -> Void) throws {
    try withStore(migrator: UserStore.migrator, commands: UserStore.commands) { store, pool, _ in try body(store, pool) }
}

func user(_ userName: String, externalId: String? = nil, email: String? = nil) -> [String: JSONValue] {
    var attributes: [String: JSONValue] = ["schemas": .array([.string(CoreSchemas.userURN)]), "userName": .string(userName)]
    if let externalId { attributes["externalId"] = .string(externalId) }
    if let email { attributes["emails"] = .array([.object(["value": .string(email)])]) }
    return attributes
}

struct UserStoreTests {
    @Test func storeRunsInWALWithSynchronousFull() throws {
        try withUserStore { _, pool throws in
            let (journal, synchronous) = try pool.writeWithoutTransaction { db in
                (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"))
            }
            #expect(journal == "wal")
            #expect(synchronous == 2)
        }
    }

    @Test func createGetReplaceDeleteLifecycle() throws {
        try withUserStore { store, _ throws in
            let created = try store.run(CreateUser(directoryID: "d", attributes: user("bjensen"), passwordHash: "pbkdf2-sha256$1$x$y"))
            #expect(created.version == 1)
            #expect(try store.run(GetUser(directoryID: "d", id: created.id)) == created)
            #expect(try store.run(GetUser(directoryID: "d", id: created.id.uppercased())).id == created.id)
            let replaced = try store.run(ReplaceUser(directoryID: "d", id: created.id, attributes: user("bjensen2"), passwordHash: nil, ifMatch: 1))
            #expect(replaced.version == 2)
            #expect(replaced.created == created.created)
            #expect(replaced.attributes["userName"] == .string("bjensen2"))
            #expect(throws: SCIMError.preconditionFailed("User \(created.id) is at version 2, not 1.")) {
                try store.run(DeleteUser(directoryID: "d", id: created.id, ifMatch: 1))
            }
            _ = try store.run(DeleteUser(directoryID: "d", id: created.id, ifMatch: nil))
            #expect(throws: SCIMError.resourceNotFound("User", id: created.id)) { try store.run(GetUser(directoryID: "d", id: created.id)) }
        }
    }

    @Test func userNameIsUniquePerDirectoryIgnoringCase() throws {
        try withUserStore { store, _ throws in
            _ = try store.run(CreateUser(directoryID: "d", attributes: user("JSmith"), passwordHash: nil))
            expectSCIMError(status: 409, scimType: .uniqueness) {
                try store.run(CreateUser(directoryID: "d", attributes: user("jsmith"), passwordHash: nil))
            }
            // Another directory is another namespace.
            _ = try store.run(CreateUser(directoryID: "other", attributes: user("jsmith"), passwordHash: nil))
        }
    }

    @Test func oneBadCommandInABatchFailsAloneAndTheRestCommit() throws {
        try withUserStore { store, _ throws in
            let batch = [user("a"), user("A"), user("b")].map {
                IncomingCommand(name: CreateUser.name, payload: CommandCodec.encode(CreateUser(directoryID: "d", attributes: $0, passwordHash: nil)))
            } + [IncomingCommand(name: "users.unknown", payload: [])]
            let results = store.handle(batch)
            #expect(results.count == 4)
            #expect((try? results[0].get()) != nil)
            expectSCIMError(status: 409, scimType: .uniqueness) { try results[1].get() }
            #expect((try? results[2].get()) != nil)
            expectSCIMError(status: 501, scimType: nil) { try results[3].get() }
            #expect(try store.run(QueryUsers(directoryID: "d", filter: nil, startIndex: 1, count: 10)).totalResults == 2)
        }
    }

    @Test func queryFiltersByIndexedAttributesAndPagesInStableOrder() throws {
        try withUserStore { store, _ throws in
            for i in 1...5 {
                _ = try store.run(CreateUser(directoryID: "d", attributes: user("user\(i)", externalId: "ext\(i)", email: "User\(i)@X.org"), passwordHash: nil))
            }
            _ = try store.run(CreateUser(directoryID: "elsewhere", attributes: user("user1", externalId: "ext1"), passwordHash: nil))
            func names(_ filter: String?, start: Int = 1, count: Int = 10) throws -> [String] {
                try store.run(QueryUsers(directoryID: "d", filter: filter, startIndex: start, count: count))
                    .resources.compactMap { $0.attributes["userName"]?.stringValue }
            }
            #expect(try names(#"userName eq "USER3""#) == ["user3"])
            #expect(try names(#"externalId eq "ext2""#) == ["user2"])
            #expect(try names(#"externalId eq "EXT2""#) == [], "externalId is caseExact")
            #expect(try names(#"emails.value eq "user4@x.org""#) == ["user4"])
            #expect(try names(#"userName eq "user1" or userName eq "user5""#) == ["user1", "user5"])
            #expect(try names(nil, start: 2, count: 2) == ["user2", "user3"])
            #expect(try names(nil, start: 5, count: 2) == ["user5"])
            let beyond = try store.run(QueryUsers(directoryID: "d", filter: #"userName sw "user""#, startIndex: 9, count: 2))
            #expect(beyond.resources.isEmpty && beyond.totalResults == 5)
            #expect(try store.run(QueryUsers(directoryID: "d", filter: #"userName sw "user""#, startIndex: 2, count: 1)).totalResults == 5)
            let counted = try store.run(QueryUsers(directoryID: "d", filter: nil, startIndex: 1, count: 0))
            #expect(counted.totalResults == 5 && counted.resources.isEmpty)
            // The kept count follows deletes and failed creates exactly.
            let first = try store.run(QueryUsers(directoryID: "d", filter: #"userName eq "user1""#, startIndex: 1, count: 1)).resources[0]
            _ = try store.run(DeleteUser(directoryID: "d", id: first.id, ifMatch: nil))
            expectSCIMError(status: 409, scimType: .uniqueness) { try store.run(CreateUser(directoryID: "d", attributes: user("USER2"), passwordHash: nil)) }
            #expect(try store.run(QueryUsers(directoryID: "d", filter: nil, startIndex: 1, count: 0)).totalResults == 4)
            #expect(try store.run(QueryUsers(directoryID: "elsewhere", filter: nil, startIndex: 1, count: 0)).totalResults == 1)
            expectSCIMError(status: 400, scimType: .invalidFilter) {
                try names(#"favouriteColour co "x""#)
            }
        }
    }

    @Test func anotherDirectorysUserAnswersNotFound() throws {
        try withUserStore { store, _ throws in
            let created = try store.run(CreateUser(directoryID: "a", attributes: user("u"), passwordHash: nil))
            #expect(throws: SCIMError.resourceNotFound("User", id: created.id)) { try store.run(GetUser(directoryID: "b", id: created.id)) }
            expectSCIMError(status: 404, scimType: nil) { try store.run(DeleteUser(directoryID: "b", id: created.id, ifMatch: nil)) }
        }
    }
}
