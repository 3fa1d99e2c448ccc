import Foundation
import GRDB
import RosterPersistence
import RosterProtocol
import SCIMCore
import Synchronization

/// Import files: streamed by the ingress in chunks into `imports/` beside `sync.sqlite` (never
/// held whole in memory), then an import job reads them (``JobRunner``).
extension SyncStore {
    /// Where uploads go; set at start from `db.path`.
    static let importsDirectory = Mutex<String>("data/imports")
    /// The largest import file (8 GiB): a bound on what an admin token can make this host store.
    static let maxImportBytes = 8 << 30

    static func uploadPath(_ id: String) throws(SCIMError) -> String {
        // The id names a file: only a UUID, so no path can be smuggled in.
        guard UUID(uuidString: id) != nil else { throw SCIMError.invalidValue("'\(id)' is not an upload id.") }
        return importsDirectory.withLock { $0 } + "/" + id.lowercased()
    }

    static func registerImportCommands(_ table: inout CommandTable) {
        // Not a store write: on a reader, so a large upload never holds the writer.
        table.registerRead(UploadChunk.self) { _, c in try receive(c) }
        table.register(StartImport.self) { db, c in try queueImport(db, c) }
    }

    static func receive(_ c: UploadChunk) throws -> UploadReceived {
        let path = try uploadPath(c.uploadID)
        guard c.offset >= 0, c.offset + c.data.count <= maxImportBytes else {
            throw SCIMError(status: 413, scimType: nil, detail: "An import file is at most \(maxImportBytes >> 30) GiB.")
        }
        try FileManager.default.createDirectory(atPath: importsDirectory.withLock { $0 }, withIntermediateDirectories: true)
        if c.offset == 0 { _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) }
        guard let handle = FileHandle(forWritingAtPath: path) else { throw SCIMError.notFound("Upload \(c.uploadID) was not started (send its first chunk at offset 0).") }
        defer { try? handle.close() }
        let size = Int(try handle.seekToEnd())
        guard c.offset <= size else { throw SCIMError.invalidValue("Upload \(c.uploadID) has \(size) bytes; a chunk at \(c.offset) would leave a gap.") }
        try handle.seek(toOffset: UInt64(c.offset))
        try handle.write(contentsOf: c.data)
        return UploadReceived(bytes: max(size, c.offset + c.data.count))
    }

    /// What an import job reads, written in its `source` as `<format>:<upload id>[:unmapped]`.
    struct ImportFile {
        var format: String, uploadID: String, unmapped: Bool
        var source: String { "\(format):\(uploadID)" + (unmapped ? ":unmapped" : "") }
        var path: String { get throws(SCIMError) { try SyncStore.uploadPath(uploadID) } }

        init(format: String, uploadID: String, unmapped: Bool) {
            (self.format, self.uploadID, self.unmapped) = (format, uploadID, unmapped)
        }

        init(_ job: Job) throws(SCIMError) {
            let parts = job.source.split(separator: ":").map(String.init)
            guard parts.count >= 2 else { throw SCIMError.invalidValue("The job names no import file.") }
            self.init(format: parts[0], uploadID: parts[1], unmapped: parts.count > 2 && parts[2] == "unmapped")
        }
    }

    static func queueImport(_ db: Database, _ c: StartImport) throws -> Job {
        let name = try directoryName(db, c.directoryID, why: ": nothing can be imported into it")
        guard ["csv", "ndjson", "logins"].contains(c.format) else { throw SCIMError.invalidValue("An import is csv or ndjson (or logins: sign-ins), not '\(c.format)'.") }
        let path = try uploadPath(c.uploadID)
        guard let handle = FileHandle(forUpdatingAtPath: path) else { throw SCIMError.notFound("No upload '\(c.uploadID)'.") }
        defer { try? handle.close() }
        let size = Int(try handle.seekToEnd())
        guard size == c.bytes, size > 0 else { throw SCIMError.invalidValue("Upload \(c.uploadID) holds \(size) bytes, not the \(c.bytes) sent; send it again.") }
        try handle.synchronize()  // on disk before a job depends on it
        return try queueJob(db, kind: c.format == "logins" ? Job.importLogins : Job.importAccounts, directoryID: c.directoryID, name: name) { j in
            j.source = ImportFile(format: c.format, uploadID: c.uploadID.lowercased(), unmapped: c.unmapped).source
            j.line = 1
        }
    }
}
