import Foundation
import GRDB
import RosterMessaging
import RosterPersistence
import RosterProtocol
import RosterTestSupport
import RosterUsers
import SCIMCore
import Testing

/// What the users store writes to its change outbox, in the transaction of each effect.
struct UserChangeFeedTests {
    @Test func eachKindOfUserEffectBecomesItsEventWithTheVersionAfterIt() throws {
        try withUserStore { store, pool throws in
            let created = try store.run(CreateUser(directoryID: "d", attributes: user("bjensen", email: "b@example.com"), passwordHash: "pbkdf2-sha256$1$x$y"))
            _ = try store.run(PatchUser(directoryID: "d", id: created.id, operations: json(#"[{"op":"replace","path":"active","value":false}]"#),
                                        passwordHash: nil, clearPassword: false, ifMatch: nil))
            _ = try store.run(PatchUser(directoryID: "d", id: created.id, operations: json(#"[{"op":"replace","path":"active","value":false}]"#),
                                        passwordHash: nil, clearPassword: false, ifMatch: nil))  // no change: no event
            var renamed = user("barbara", email: "b@example.com")
            renamed["title"] = .string("Tour Guide")
            renamed["active"] = .bool(true)
            _ = try store.run(ReplaceUser(directoryID: "d", id: created.id, attributes: renamed, passwordHash: nil, ifMatch: nil))
            _ = try store.run(RecordLogins(directoryID: "d", logins: [.init(userName: "Barbara", at: "2026-11-30T10:00:00.000Z"), .init(userName: "nobody", at: "2026-11-30T10:00:00.000Z")]))
            _ = try store.run(DeleteUser(directoryID: "d", id: created.id, ifMatch: nil))

            let events = try changeOutbox(pool)
            #expect(events.map(\.summary) == [
                "user.created", "user.disabled[active]",
                "user.renamed[active,title,username]", "user.enabled[active,title,username]", "user.updated[active,title,username]",
                "user.login", "user.deleted",
            ])
            #expect(events.map(\.version) == [1, 2, 3, 3, 3, 3, 0])
            #expect(Set(events.map(\.resourceID)) == [created.id] && Set(events.map(\.resourceType)) == ["User"] && Set(events.map(\.directoryID)) == ["d"])
            #expect(Set(events.map(\.eventID)).count == events.count)
            // The resource after the change, without its password (not even its hash).
            let data = try #require(try JSONValue.parse(Array(events[2].data)).objectValue)
            #expect(data["userName"]?.stringValue == "barbara" && data["id"]?.stringValue == created.id)
            #expect(!String(decoding: events[0].data, as: UTF8.self).contains("pbkdf2"))
            #expect(try JSONValue.parse(Array(events[6].data)).objectValue?["userName"]?.stringValue == "barbara")
        }
    }

    @Test func anEffectRolledBackLeavesNoEventAndTheIdPIsNamed() throws {
        try withUserStore { store, pool throws in
            _ = try store.run(CreateUser(directoryID: "d", attributes: user("one"), passwordHash: nil))
            // A failed command (a uniqueness conflict) writes nothing: its savepoint is rolled back.
            expectSCIMError(status: 409, scimType: .uniqueness) { try store.run(CreateUser(directoryID: "d", attributes: user("ONE"), passwordHash: nil)) }
            // The IdP whose request the worker applies is carried with the command and named.
            let command = IncomingCommand(name: CreateUser.name, payload: CommandCodec.encode(CreateUser(directoryID: "d", attributes: user("two"), passwordHash: nil)),
                                          configurationID: "okta-config")
            _ = try store.handle([command])[0].get()
            let events = try changeOutbox(pool)
            #expect(events.map(\.type) == ["user.created", "user.created"])
            #expect(events.map(\.configurationID) == [nil, "okta-config"])
        }
    }
}
