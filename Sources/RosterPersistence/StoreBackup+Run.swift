import Foundation
public import GRDB
import RosterCrypto
public import RosterProtocol
import SCIMCore

extension BackupStore {
    /// Copies the store `db` reads (one read snapshot: writers go on) with SQLite's backup API to
    /// `path`, through `<path>.partial` and a rename, so that a file at `path` is always whole.
    public func run(_ db: Database, worker: String) throws -> StoreBackup {
        guard path.hasPrefix("/") else { throw SCIMError.invalidValue("The backup path must be absolute: '\(path)'.") }
        let manager = FileManager.default
        guard !manager.fileExists(atPath: path) else { throw SCIMError.uniqueness("'\(path)' exists already: back up into an empty directory.") }
        let partial = path + ".partial"
        guard !manager.fileExists(atPath: partial) else { throw SCIMError.uniqueness("A backup to '\(path)' is being written already.") }
        do {
            // Copies hold password and token hashes and audit bodies: for the owner only.
            try manager.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            guard manager.createFile(atPath: partial, contents: nil, attributes: [.posixPermissions: 0o600]) else { throw CocoaError(.fileWriteNoPermission) }
            let destination = try DatabaseQueue(path: partial)
            try destination.writeWithoutTransaction { copy in try db.backup(to: copy) }
            try destination.close()
            try manager.moveItem(atPath: partial, toPath: path)
        } catch {
            try? manager.removeItem(atPath: partial)
            throw SCIMError(status: 500, detail: "The \(worker) worker could not write its backup to '\(path)': \(error).")
        }
        let bytes = (try? manager.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return StoreBackup(worker: worker, path: path, bytes: bytes, sha256: try Secrets.sha256Hex(file: path))
    }
}
