import ArgumentParser
import Foundation
import RosterCrypto

/// `roster backup DIR`: an online backup of every store of a running system, with a manifest;
/// `roster restore DIR --data-dir D`: those stores into a stopped data directory.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Back up every store of a running Roster (online: SCIM traffic goes on) into a new directory, with a manifest.")

    @OptionGroup var options: AdminOptions
    @Argument(help: "A new or empty directory, on the workers' host (with roster up, this one).") var directory: String
    @Option(help: "The running system's data directory: its token hashes are copied too, so the same tokens work after a restore.")
    var dataDir: String?

    func run() async throws {
        let target = URL(fileURLWithPath: directory).standardizedFileURL
        let client = AdminClient(options: options)
        // Every store, one after another: as long as that takes (each within the workers' timeout).
        let result = try await client.call("POST", "backups", body: ["directory": target.path], timeout: 3600)
        var files: [[String: Any]] = []
        if let dataDir {
            for name in BackupManifest.tokenFiles {
                let source = URL(fileURLWithPath: dataDir).appendingPathComponent(name)
                guard FileManager.default.fileExists(atPath: source.path) else { continue }
                try FileManager.default.copyItem(at: source, to: target.appendingPathComponent(name))
                files.append(["file": name, "sha256": try Secrets.sha256Hex(file: source.path)])
            }
            try BackupManifest.addFiles(files, in: target)
        }
        if options.json { client.print(result); return }
        let stores = (result as? [String: Any])?["stores"] as? [[String: Any]] ?? []
        print(table(["STORE", "SHARD", "FILE", "BYTES", "SHA-256"], stores.map {
            ["\($0["kind"] ?? "")", "\($0["shard"] ?? "")", "\($0["file"] ?? "")", "\($0["bytes"] ?? "")", String("\($0["sha256"] ?? "")".prefix(16)) + "…"]
        }))
        print("manifest: \(target.appendingPathComponent("manifest.json").path)\(files.isEmpty ? "" : " (with the token hashes of \(dataDir ?? ""))")")
    }
}

struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a backup (roster backup) into a data directory no Roster is running on; then start it with roster up and the same shard counts.")

    @Argument(help: "The backup directory (with manifest.json).") var directory: String
    @Option(help: "The data directory to restore into.") var dataDir: String
    @Flag(help: "Replace the stores the data directory already holds.") var replace = false

    func run() async throws {
        let backup = URL(fileURLWithPath: directory).standardizedFileURL
        let data = URL(fileURLWithPath: dataDir).standardizedFileURL
        let manifest = try BackupManifest(at: backup)
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        // Nothing is touched while a Roster runs on the data directory.
        let lock = try InstanceLock.acquire(in: data)
        defer { close(lock.fd) }
        let existing = try FileManager.default.contentsOfDirectory(atPath: data.path).filter { $0.hasSuffix(".sqlite") }
        if !existing.isEmpty && !replace {
            throw CLIError("\(data.path) holds stores (\(existing.sorted().joined(separator: ", "))): restore into an empty data directory, or give --replace.")
        }
        let manager = FileManager.default
        // First every file copied beside its place and checked; only then the old stores go.
        var staged: [(from: URL, to: URL)] = []
        do {
            for store in manifest.stores {
                let name = ShardLayout.storeFile(kind: store.kind, shard: store.shard)
                let temporary = data.appendingPathComponent(name + ".restoring")
                try? manager.removeItem(at: temporary)
                try Data(contentsOf: backup.appendingPathComponent(store.file).resolvingSymlinksInPath(), options: .alwaysMapped).write(to: temporary)
                staged.append((temporary, data.appendingPathComponent(name)))
                guard try Secrets.sha256Hex(file: temporary.path) == store.sha256 else {
                    throw CLIError("\(store.file) does not match its SHA-256 in the manifest: the backup is damaged; nothing was restored.")
                }
            }
            for file in manifest.files {
                let temporary = data.appendingPathComponent(file.name + ".restoring")
                try? manager.removeItem(at: temporary)
                try manager.copyItem(at: backup.appendingPathComponent(file.name), to: temporary)
                staged.append((temporary, data.appendingPathComponent(file.name)))
                guard try Secrets.sha256Hex(file: temporary.path) == file.sha256 else { throw CLIError("\(file.name) does not match its SHA-256 in the manifest; nothing was restored.") }
            }
        } catch {
            for s in staged { try? manager.removeItem(at: s.from) }
            throw error
        }
        for name in existing { for suffix in ["", "-wal", "-shm"] { try? manager.removeItem(at: data.appendingPathComponent(name + suffix)) } }
        // The replaced system's queued audit records are not the restored one's.
        for spool in ["audit-spool.ndjson", "audit-spool.ndjson.memory", "audit-spool.ndjson.memory.acked"] { try? manager.removeItem(at: data.appendingPathComponent(spool)) }
        for s in staged {
            try? manager.removeItem(at: s.to)
            try manager.moveItem(at: s.from, to: s.to)
        }
        let users = manifest.shards["users"] ?? 1, groups = manifest.shards["groups"] ?? 1
        try Data((ShardLayout.countsText(users: users, groups: groups) + "\n").utf8).write(to: data.appendingPathComponent("shards"))
        print("restored \(manifest.stores.count) stores (taken \(manifest.started)) into \(data.path)")
        print("start it with: roster up --data-dir \(data.path)\(users > 1 ? " --users-shards \(users)" : "")\(groups > 1 ? " --groups-shards \(groups)" : "")")
    }
}

/// `manifest.json` of a backup, as `POST /admin/api/v1/backups` writes it.
struct BackupManifest {
    struct Store { var kind: String; var shard: Int; var file: String; var sha256: String }
    static let tokenFiles = ["bootstrap-token.sha256", "admin-token.sha256"]

    var started: String
    var shards: [String: Int]
    var stores: [Store]
    var files: [(name: String, sha256: String)]

    init(at directory: URL) throws {
        let url = directory.appendingPathComponent("manifest.json")
        guard let data = try? Data(contentsOf: url), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              object["format"] as? String == "roster-backup-1", let stores = object["stores"] as? [[String: Any]]
        else { throw CLIError("\(url.path) is not a Roster backup manifest.") }
        started = object["started"] as? String ?? "?"
        shards = (object["shards"] as? [String: Any] ?? [:]).compactMapValues { $0 as? Int }
        self.stores = try stores.map { s in
            guard let kind = s["kind"] as? String, ["users", "groups", "sync", "audit"].contains(kind), let shard = s["shard"] as? Int, shard >= 0,
                  let file = s["file"] as? String, !file.contains("/"), let sha = s["sha256"] as? String
            else { throw CLIError("\(url.path) lists a store it does not describe fully.") }
            return Store(kind: kind, shard: shard, file: file, sha256: sha)
        }
        files = (object["files"] as? [[String: Any]] ?? []).compactMap { f in
            guard let name = f["file"] as? String, Self.tokenFiles.contains(name), let sha = f["sha256"] as? String else { return nil }
            return (name, sha)
        }
        // Every shard of the counts it names, once; one sync and one audit store.
        for kind in ["users", "groups", "sync", "audit"] {
            let count = ["users", "groups"].contains(kind) ? shards[kind] ?? 1 : 1
            let present = self.stores.filter { $0.kind == kind }.map(\.shard).sorted()
            if kind == "audit", present.isEmpty { continue }  // a system without an audit worker
            guard present == Array(0..<count) else { throw CLIError("\(url.path) does not list every \(kind) store (shards \(present), expected 0..<\(count)).") }
        }
    }

    /// Adds the copied token hash files to the manifest.
    static func addFiles(_ files: [[String: Any]], in directory: URL) throws {
        guard !files.isEmpty else { return }
        let url = directory.appendingPathComponent("manifest.json")
        guard var object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] else { return }
        object["files"] = files
        try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]).write(to: url)
    }
}
