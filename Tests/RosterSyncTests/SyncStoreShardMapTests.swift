import Foundation
import GRDB
@testable import RosterSync
import RosterPersistence
import RosterProtocol
import RosterTestSupport
import SCIMCore
import Synchronization
import Testing

func withSyncPool(_ body: (GroupCommitHandler, DatabasePool) throws -> Void) throws {
    try withStore(migrator: SyncStore.migrator, commands: SyncStore.commands) { store, pool, _ in try body(store, pool) }
}

/// The shard map on a real sync store: a reshard is refused beyond the shards the sync worker
/// knows and while another runs, a directory created during one starts on its new shard, the end
/// makes the new counts the base, and a reshard that ends between a freeze and its switch leaves
/// the undoing of both halves on record.
@Suite(.serialized)
struct SyncStoreShardMapTests {
    @Test func aReshardIsRefusedBeyondTheKnownShardsAndWhileAnotherRuns() throws {
        SyncStore.knownShards.withLock { $0 = ["users": 3, "groups": 2] }
        defer { SyncStore.knownShards.withLock { $0 = ["users": 1, "groups": 1] } }
        try withSyncPool { store, pool throws in
            try pool.write { db in try SyncStore.recordShardBase(db, users: 1, groups: 1) }
            expectSCIMError(status: 400, scimType: .invalidValue) { try store.run(StartReshard(usersShards: 4, groupsShards: 0)) }
            expectSCIMError(status: 400, scimType: .invalidValue) { try store.run(StartReshard(usersShards: 0, groupsShards: 3)) }
            expectSCIMError(status: 400, scimType: .invalidValue) { try store.run(StartReshard(usersShards: 0, groupsShards: 0)) }
            let job = try store.run(StartReshard(usersShards: 3, groupsShards: 2))
            #expect(job.kind == Job.reshard && job.state == .queued && job.directoryName == "users=3 groups=2")
            expectSCIMError(status: 409, scimType: nil) { try store.run(StartReshard(usersShards: 2, groupsShards: 0)) }

            let created = try store.run(CreateDirectory(name: "During"))
            let map = try store.run(GetShardMap())
            #expect(map.users.base == 1 && map.users.overrides[created.id] == ShardPlacement.hash(created.id, 3), "placed under the new counts at once: \(map)")
            #expect(map.groups.overrides[created.id] == ShardPlacement.hash(created.id, 2))

            try pool.write { db in try SyncStore.finishReshard(db) }
            let after = try store.run(GetShardMap())
            #expect(after.users == ShardPlacement(base: 3) && after.groups == ShardPlacement(base: 2))
        }
    }

    @Test func aMoveEndedBeforeItsSwitchIsUndoneOnBothShards() throws {
        try withSyncPool { _, pool throws in
            try pool.write { db in
                try SyncStore.recordShardBase(db, users: 1, groups: 1)
                try SyncStore.abandonReshard(db, step: "users d1 0>2")
                // Switched already: nothing to undo, its old copy is a cleanup of its own.
                try db.execute(sql: "INSERT INTO shardPlacement (kind, directoryId, shard) VALUES ('groups', 'd2', 1)")
                try SyncStore.abandonReshard(db, step: "groups d2 0>1")
            }
            let (releases, cleanups) = try pool.read { db in
                (try String.fetchAll(db, sql: "SELECT kind || ' ' || directoryId || ' ' || shard FROM shardRelease"),
                 try String.fetchAll(db, sql: "SELECT kind || ' ' || directoryId || ' ' || shard FROM shardCleanup"))
            }
            #expect(releases == ["users d1 0"] && cleanups == ["users d1 2"], "\(releases) \(cleanups)")
            #expect(try pool.read { try SyncStore.unfinishedReshard($0) }, "offline resharding and shrinking wait for them")
        }
    }
}

/// Queuing an import: the upload must be whole, named by a UUID, for a directory that exists
/// and is not being removed, in a format there is a reader for.
@Suite(.serialized)
struct SyncStoreImportTests {
    @Test func anImportIsRefusedWithAPreciseErrorForEachWrongPart() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("roster-imports-\(UUID().uuidString)").path
        let before = SyncStore.importsDirectory.withLock { $0 }
        SyncStore.importsDirectory.withLock { $0 = folder }
        defer {
            SyncStore.importsDirectory.withLock { $0 = before }
            try? FileManager.default.removeItem(atPath: folder)
        }
        try withSyncPool { store, pool throws in
            let directory = try store.run(CreateDirectory(name: "Employees")).id
            let upload = UUID().uuidString
            #expect(try store.run(UploadChunk(uploadID: upload, offset: 0, data: Data("userName\n".utf8))).bytes == 9)
            #expect(try store.run(UploadChunk(uploadID: upload, offset: 9, data: Data("a\n".utf8))).bytes == 11)
            #expect(try store.run(UploadChunk(uploadID: upload, offset: 9, data: Data("a\n".utf8))).bytes == 11, "a chunk sent twice changes nothing")
            expectSCIMError(status: 400, scimType: .invalidValue) { try store.run(UploadChunk(uploadID: upload, offset: 20, data: Data("gap".utf8))) }
            expectSCIMError(status: 400, scimType: .invalidValue) { try store.run(UploadChunk(uploadID: "../../etc/passwd", offset: 0, data: Data())) }
            expectSCIMError(status: 404, scimType: nil) { try store.run(StartImport(directoryID: "nope", uploadID: upload, format: "csv", bytes: 11)) }
            expectSCIMError(status: 400, scimType: .invalidValue) { try store.run(StartImport(directoryID: directory, uploadID: upload, format: "xlsx", bytes: 11)) }
            expectSCIMError(status: 400, scimType: .invalidValue) { try store.run(StartImport(directoryID: directory, uploadID: upload, format: "csv", bytes: 12)) }
            expectSCIMError(status: 404, scimType: nil) { try store.run(StartImport(directoryID: directory, uploadID: UUID().uuidString, format: "csv", bytes: 11)) }
            try pool.write { db in try db.execute(sql: "UPDATE directory SET removing = 1 WHERE id = ?", arguments: [directory]) }
            expectSCIMError(status: 409, scimType: nil) { try store.run(StartImport(directoryID: directory, uploadID: upload, format: "csv", bytes: 11)) }
            try pool.write { db in try db.execute(sql: "UPDATE directory SET removing = 0 WHERE id = ?", arguments: [directory]) }
            let job = try store.run(StartImport(directoryID: directory, uploadID: upload, format: "csv", bytes: 11))
            #expect(job.kind == Job.importAccounts && job.state == .queued && job.source == "csv:\(upload.lowercased())" && job.line == 1)
        }
    }
}

/// Clear SCIM data needs the directory's exact name; neither it nor a map starts on a directory
/// that is being removed or does not exist.
struct SyncStoreClearMapTests {
    @Test func clearAndMapAreRefusedWithAPreciseError() throws {
        try withSyncPool { store, pool throws in
            let directory = try store.run(CreateDirectory(name: "Employees")).id
            expectSCIMError(status: 400, scimType: .invalidValue) { try store.run(ClearSCIM(directoryID: directory, confirmName: "employees")) }
            expectSCIMError(status: 404, scimType: nil) { try store.run(ClearSCIM(directoryID: "nope", confirmName: "Employees")) }
            expectSCIMError(status: 404, scimType: nil) { try store.run(MapDirectory(directoryID: "nope")) }
            try pool.write { db in try db.execute(sql: "UPDATE directory SET removing = 1 WHERE id = ?", arguments: [directory]) }
            expectSCIMError(status: 409, scimType: nil) { try store.run(ClearSCIM(directoryID: directory, confirmName: "Employees")) }
            expectSCIMError(status: 409, scimType: nil) { try store.run(MapDirectory(directoryID: directory)) }
            try pool.write { db in try db.execute(sql: "UPDATE directory SET removing = 0 WHERE id = ?", arguments: [directory]) }
            #expect(try store.run(ClearSCIM(directoryID: directory, confirmName: "Employees")).kind == Job.clearSCIM)
            #expect(try store.run(MapDirectory(directoryID: directory)).kind == Job.map)
        }
    }
}
