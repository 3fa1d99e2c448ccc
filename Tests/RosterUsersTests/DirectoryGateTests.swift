import Foundation
import GRDB
import Logging
import RosterPersistence
import RosterProtocol
import RosterTestSupport
import RosterUsers
import SCIMCore
import Testing

/// The users store as a shard of an online reshard: a directory in a move is refused (writes
/// while it moves, everything once moved) and nothing else is, the state outlives a restart, and
/// an export imported on another store gives that store the directory row for row.
struct DirectoryGateTests {
    func withShard(_ body: (GroupCommitHandler, DatabasePool, String) throws -> Void) throws {
        try withStore(migrator: UserStore.migrator, commands: UserStore.commands, directoryTables: UserStore.directoryTables, body)
    }

    @Test func aMovingDirectoryRefusesWritesButServesReadsAndAMovedOneRefusesBoth() throws {
        try withShard { store, _, _ in
            let bjensen = try store.run(CreateUser(directoryID: "a", attributes: user("bjensen"), passwordHash: nil))
            _ = try store.run(SetDirectoryMove(directoryID: "a", state: .moving))
            let refused = expectSCIMError(status: 503, scimType: nil) { try store.run(CreateUser(directoryID: "a", attributes: user("jsmith"), passwordHash: nil)) }
            #expect(refused?.isDirectoryMove == true && refused?.retryAfter == 1, "\(String(describing: refused))")
            expectSCIMError(status: 503, scimType: nil) { try store.run(DeleteUser(directoryID: "a", id: bjensen.id, ifMatch: nil)) }
            #expect(try store.run(GetUser(directoryID: "a", id: bjensen.id)).id == bjensen.id, "reads go on while it moves")
            #expect(try store.run(QueryUsers(directoryID: "a", filter: nil, startIndex: 1, count: 10)).totalResults == 1)
            #expect(try store.run(CreateUser(directoryID: "b", attributes: user("jsmith"), passwordHash: nil)).attributes["userName"] == .string("jsmith"),
                    "another directory is untouched")

            _ = try store.run(SetDirectoryMove(directoryID: "a", state: .moved))
            expectSCIMError(status: 503, scimType: nil) { try store.run(GetUser(directoryID: "a", id: bjensen.id)) }
            expectSCIMError(status: 503, scimType: nil) { try store.run(QueryUsers(directoryID: "a", filter: nil, startIndex: 1, count: 10)) }

            _ = try store.run(SetDirectoryMove(directoryID: "a", state: nil))
            #expect(try store.run(CreateUser(directoryID: "a", attributes: user("jsmith"), passwordHash: nil)).attributes["userName"] == .string("jsmith"))
        }
    }

    @Test func theMoveStateOutlivesARestartOfTheWorker() throws {
        try withShard { store, pool, path in
            _ = try store.run(SetDirectoryMove(directoryID: "a", state: .moving))
            var table = UserStore.commands
            table.registerDirectoryMoves(tables: UserStore.directoryTables, migrator: UserStore.migrator, storePath: path)
            let restarted = try GroupCommitHandler(pool: pool, table: table, logger: Logger(label: "test"), gated: true)
            expectSCIMError(status: 503, scimType: nil) { try restarted.run(CreateUser(directoryID: "a", attributes: user("x"), passwordHash: nil)) }
        }
    }

    @Test func anExportNeedsTheDirectoryFrozenAndImportsRowForRowOnAnotherShard() throws {
        try withShard { source, _, _ in
            var created: [StoredResource] = []
            for name in ["bjensen", "jsmith", "mpepper"] {
                created.append(try source.run(CreateUser(directoryID: "a", attributes: user(name, email: "\(name)@example.com"), passwordHash: nil)))
            }
            _ = try source.run(CreateUser(directoryID: "b", attributes: user("other"), passwordHash: nil))
            // Unfrozen, a write could land after the copy: refused.
            expectSCIMError(status: 409, scimType: nil) { try source.run(ExportDirectory(directoryID: "a")) }
            _ = try source.run(SetDirectoryMove(directoryID: "a", state: .moving))
            let export = try source.run(ExportDirectory(directoryID: "a"))
            #expect(export.counts.contains("user=3") && export.counts.contains("userEmail=3"), "\(export.counts)")
            try withShard { target, _, _ in
                _ = try target.run(SetDirectoryMove(directoryID: "a", state: .moved))  // it once lived here and left
                #expect(try target.run(ImportDirectory(directoryID: "a", store: export.store)).counts == export.counts)
                #expect(try target.run(ImportDirectory(directoryID: "a", store: export.store)).counts == export.counts, "a repeated import replaces, never doubles")
                for user in created {
                    let copy = try target.run(GetUser(directoryID: "a", id: user.id))
                    #expect(copy.version == user.version && copy.created == user.created && copy.attributes == user.attributes)
                }
                #expect(try target.run(QueryUsers(directoryID: "a", filter: #"emails.value eq "jsmith@example.com""#, startIndex: 1, count: 10)).totalResults == 1)
                #expect(try target.run(QueryUsers(directoryID: "b", filter: nil, startIndex: 1, count: 10)).totalResults == 0, "only the exported directory")
                expectSCIMError(status: 409, scimType: .uniqueness) { try target.run(CreateUser(directoryID: "a", attributes: user("BJensen"), passwordHash: nil)) }
            }
        }
    }

    /// A command on one directory's resources that the gate does not check would be applied on a
    /// shard the directory is leaving, and lost with its old rows: each one must say its directory.
    @Test func everyUsersCommandOnADirectoryIsCheckedByTheGate() {
        let unscoped = UserStore.commands.names.subtracting(UserStore.commands.scoped)
        // A job's record of what it imported is not a directory's resource.
        #expect(unscoped == [RemoveDirectoryBatch.name, ForgetImport.name], "\(unscoped.sorted())")
    }
}
