import Foundation
import Hummingbird
import RosterProtocol
import SCIMCore

/// `POST /admin/api/v1/backups`: an online backup of every store, each worker writing its own
/// from one read snapshot while SCIM traffic goes on, and a manifest (store, shard, size,
/// SHA-256) beside them. The directory is a path on the workers' host (with `roster up`, this one).
struct BackupController {
    /// Each worker kind, with its transport: shards are addressed one by one.
    let workers: [(kind: String, transport: any CommandTransport)]
    let maxBodyBytes: Int

    static let manifestName = "manifest.json"

    func addRoutes(to group: RouterGroup<SCIMRequestContext>) {
        group.post("backups") { request, _ in
            let body = try await request.jsonObject(limit: maxBodyBytes)
            guard let directory = body["directory"]?.stringValue, directory.hasPrefix("/"), !directory.split(separator: "/").contains("..") else {
                throw SCIMError.invalidValue("'directory' (an absolute path on the workers' host, without '..') is required.")
            }
            // The stores are copied one after another: a directory moving between shards meanwhile
            // could be in neither copy, or its map in the sync copy could name a shard whose copy
            // was taken before it arrived.
            if let sync = workers.first(where: { $0.kind == "sync" })?.transport,
               let running = try await sync.send(ListJobs(), shardKey: "").jobs.first(where: { $0.kind == Job.reshard && !$0.isFinished }) {
                throw SCIMError(status: 409, scimType: nil, detail: "A reshard is under way (job \(running.id)): back up once it has ended.")
            }
            let manager = FileManager.default
            if let existing = try? manager.contentsOfDirectory(atPath: directory), !existing.isEmpty {
                throw SCIMError.uniqueness("'\(directory)' is not empty: back up into a new directory.")
            }
            try? manager.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let started = Timestamp.string(from: Date())
            var stores: [JSONValue] = []
            var shards: [String: JSONValue] = [:]
            for (kind, transport) in workers {
                let count = transport.instanceCount
                shards[kind] = .int(Int64(count))
                for shard in 0..<count {
                    let file = "\(kind)-\(shard).sqlite"
                    let command = BackupStore(path: (directory as NSString).appendingPathComponent(file))
                    let payload = CommandCodec.encode(command)
                    let reply = try await transport.send(name: BackupStore.name, payload: payload, instance: shard)
                    let written = try CommandCodec.decode(StoreBackup.self, from: reply)
                    stores.append(.object([
                        "kind": .string(kind), "shard": .int(Int64(shard)), "file": .string(file),
                        "bytes": .int(Int64(written.bytes)), "sha256": .string(written.sha256),
                    ]))
                }
            }
            let manifest = JSONValue.object([
                "format": .string("roster-backup-1"), "started": .string(started), "finished": .string(Timestamp.string(from: Date())),
                "shards": .object(shards), "stores": .array(stores),
            ])
            do {
                try Data(manifest.serialized()).write(to: URL(fileURLWithPath: directory).appendingPathComponent(Self.manifestName), options: .withoutOverwriting)
            } catch {
                throw SCIMError.internalError("The stores were backed up, but the manifest could not be written to '\(directory)': \(error).")
            }
            return SCIMResponse.json(.created, manifest)
        }
    }
}
