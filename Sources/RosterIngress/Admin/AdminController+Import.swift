import Foundation
import Hummingbird
import NIOCore
import RosterProtocol
import SCIMCore

/// Import existing accounts (`roster sync import`): the file is streamed to the sync worker in
/// chunks as it arrives (this ingress never holds more than one chunk of it), then queued as a job.
extension AdminController {
    /// The chunk a file travels in to the sync worker.
    static let uploadChunk = 1 << 20

    func addImportRoutes(to group: RouterGroup<SCIMRequestContext>) {
        group.post("directories/:id/import") { request, context in
            let directory = try await directory(try context.parameters.require("id"))
            let format = try Self.importFormat(request)
            let upload = UUID().uuidString.lowercased()
            var offset = 0
            var pending: [UInt8] = []
            pending.reserveCapacity(Self.uploadChunk)
            func flush() async throws {
                let received = try await sync.send(UploadChunk(uploadID: upload, offset: offset, data: Data(pending)), shardKey: "")
                offset = received.bytes
                pending.removeAll(keepingCapacity: true)
            }
            for try await buffer in request.body {
                var view = buffer.readableBytesView[...]
                while !view.isEmpty {
                    let take = min(view.count, Self.uploadChunk - pending.count)
                    pending.append(contentsOf: view.prefix(take))
                    view = view.dropFirst(take)
                    if pending.count == Self.uploadChunk { try await flush() }
                }
            }
            if !pending.isEmpty { try await flush() }
            guard offset > 0 else { throw SCIMError.invalidValue("The import file is empty.") }
            let unmapped = request.uri.queryParameters["unmapped"] == "true"
            let job = try await sync.send(StartImport(directoryID: directory, uploadID: upload, format: format, bytes: offset, unmapped: unmapped), shardKey: "")
            return Self.accepted(job)
        }
    }

    /// `?format=csv|ndjson`, else from the Content-Type (text/csv, application/x-ndjson).
    static func importFormat(_ request: Request) throws(SCIMError) -> String {
        if let given = request.uri.queryParameters["format"].map({ String($0).lowercased() }) {
            guard ["csv", "ndjson", "logins"].contains(given) else {
                throw SCIMError.invalidValue("An import is ?format=csv or ?format=ndjson (accounts), or ?format=logins (sign-ins, userName,at), not '\(given)'.")
            }
            return given
        }
        let type = request.headers[.contentType]?.lowercased() ?? ""
        if type.hasPrefix("text/csv") { return "csv" }
        if type.hasPrefix("application/x-ndjson") || type.hasPrefix("application/ndjson") { return "ndjson" }
        throw SCIMError.invalidValue("Say what the file is: ?format=csv or ?format=ndjson (or Content-Type text/csv, application/x-ndjson).")
    }
}
