import Foundation
public import Hummingbird
import RosterProtocol
import RosterMessaging
public import SCIMCore
import Synchronization

/// Records every SCIM and admin request while auditing is on (docs/design.md §2 step 4): outermost,
/// so that it sees the answer exactly as it left, errors included; the record is queued just before
/// the last bytes of the response go out (``HoldingLastWriter``), so a client never holds an answer
/// whose record an ingress killed at that moment would lose, and without waiting for the worker.
public struct AuditMiddleware: RouterMiddleware {
    public typealias Context = SCIMRequestContext
    let recorder: AuditRecorder
    /// The SCIM resource types served, for the type, id and name of each record.
    let resourceTypes: [ResourceType]
    /// Bodies up to this size are redacted by structure; a longer (streamed) one by pattern on its start.
    static let captureLimit = 1 << 20

    public init(recorder: AuditRecorder, resourceTypes: [ResourceType] = ResourceType.all) {
        self.resourceTypes = resourceTypes
        self.recorder = recorder
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        // Probes and scrapes (every worker's too, /metrics/<kind>/<shard>) are not requests anyone audits.
        guard recorder.isEnabled, !["/healthz", "/readyz", "/metrics"].contains(path), !path.hasPrefix("/metrics/") else { return try await next(request, context) }
        let clock = ContinuousClock.now
        let at = Int64(Date().timeIntervalSince1970 * 1000)
        var record = AuditRecord(
            origin: 0, seq: 0, at: at, kind: path.hasPrefix("/admin/") ? .admin : .scim, source: context.remoteAddress,
            method: request.method.rawValue, path: path, query: AuditRedactor.query(request.uri.query),
            scimVersion: path.hasPrefix("/scim/v2") ? "2.0" : path.hasPrefix("/scim/v1") ? "1.1" : nil, status: 0,
            userAgent: request.headers[.userAgent].map { String($0.prefix(256)) }, requestID: RequestID.current)
        let trace = AuditTrace()
        var context = context
        context.audit = trace
        // The body is kept as the handler reads it: nothing is buffered for a request refused before
        // its body is read (a wrong token), so auditing gives no one a way to make the ingress hold more.
        let requestCapture = Capture()
        var request = request
        let body = request.body
        request.body = RequestBody(asyncSequence: body.map(requestCapture.keep))
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = SCIMErrorMiddleware<Context>.response(for: error, request: request, context: context)
        }
        record.status = Int(response.status.code)
        let (requestBytes, requestTotal) = requestCapture.result
        let whole = requestBytes.count == requestTotal && record.status != 413
        record.requestBytes = requestTotal
        // Parsed only where it names the resource (a create or replace).
        let requestJSON = whole && (request.method == .post || request.method == .put) ? try? JSONValue.parse(requestBytes) : nil
        record.requestBody = AuditRedactor.body(requestBytes, parsed: requestJSON, complete: whole, totalBytes: requestTotal, limit: recorder.bodyLimit)
        Self.describe(&record, requestJSON: requestJSON, types: resourceTypes)
        var finished = response
        let started = record
        let capture = Capture()
        let recorder = self.recorder
        let summarised = Self.isAuditRead(path: path, method: request.method)
        let responseBody = response.body.map(capture.keep)
        let once = Once()
        let submit: @Sendable () -> Void = { once.run {
                var record = started
                let (bytes, total) = capture.result
                record.responseBytes = total
                if summarised {
                    record.responseBody = total > 0 ? "[audit records: \(total) bytes, not repeated here]" : nil
                } else {
                    let complete = bytes.count == total
                    let parsed = complete && Self.responseNamesResource(record) ? try? JSONValue.parse(bytes) : nil
                    record.responseBody = AuditRedactor.body(bytes, parsed: parsed, complete: complete, totalBytes: total, limit: recorder.bodyLimit)
                    Self.describe(&record, responseJSON: parsed, types: resourceTypes)
                }
                if record.subject == nil { record.subject = trace.subject }
                if let caller = trace.caller {
                    record.configurationID = caller.configurationID
                    record.configurationName = caller.configurationName
                    record.directoryID = caller.directoryID
                }
                record.durationMicros = (ContinuousClock.now - clock).microseconds
                recorder.submit(record)
            } }
        // An empty answer (a DELETE's 204) is complete once its head leaves: recorded before.
        if response.body.contentLength == 0 { submit() }
        // Recorded however the body ends: a failed or unwritten body (the client went away before
        // its head) releases the closure, and with it this.
        let released = OnRelease(submit)
        finished.body = ResponseBody(contentLength: response.body.contentLength) { writer in
            _ = released
            try await responseBody.write(HoldingLastWriter(base: writer, beforeLast: submit))
        }
        return finished
    }

    /// The audit log's own listings are recorded without their bodies (they would nest records in records).
    static func isAuditRead(path: String, method: HTTPRequest.Method) -> Bool {
        method == .get && path.hasPrefix("/admin/api/v1/audit/records")
    }

    /// Whether the answer is worth parsing: an error (for its scimType) or one resource (its id and name).
    static func responseNamesResource(_ record: AuditRecord) -> Bool {
        record.status >= 400 || (record.resourceType != nil && (record.resourceID != nil || record.method == "POST"))
    }

    /// Resource type and id from the path; the name involved from the request body.
    static func describe(_ record: inout AuditRecord, requestJSON: JSONValue?, types: [ResourceType]) {
        let parts = record.path.split(separator: "/").map(String.init)
        let (base, kind) = record.kind == .admin ? (3, ["configurations": "Configuration", "directories": "Directory", "audit": "Audit"])
                                                   : (2, Dictionary(types.map { ($0.endpoint, $0.name) }) { first, _ in first })
        if parts.count > base, let type = kind.first(where: { $0.key.lowercased() == parts[base].lowercased() })?.value {
            record.resourceType = type
            if parts.count > base + 1, !parts[base + 1].hasPrefix(".") { record.resourceID = parts[base + 1] }
        }
        if let object = requestJSON?.objectValue { record.subject = subject(of: object, type: record.resourceType, types: types) }
    }

    /// Fills in what the response tells better: the id of a created resource, its name, the scimType of an error.
    static func describe(_ record: inout AuditRecord, responseJSON: JSONValue?, types: [ResourceType]) {
        guard let object = responseJSON?.objectValue else { return }
        if record.status >= 400 {
            record.scimType = object["scimType"]?.stringValue
            return
        }
        if record.resourceID == nil, record.resourceType != nil, let id = object["id"]?.stringValue { record.resourceID = id }
        if let name = subject(of: object, type: record.resourceType, types: types) { record.subject = name }
    }

    /// A SCIM resource's unique attribute (userName, displayName); an admin resource's name.
    static func subject(of object: [String: JSONValue], type: String?, types: [ResourceType]) -> String? {
        switch type {
        case "Configuration", "Directory": return object["name"]?.stringValue
        default:
            guard let resource = types.first(where: { $0.name == type }) else { return nil }
            return object[caseInsensitive: resource.uniqueAttribute]?.stringValue
        }
    }
}

/// The first bytes of a body as it streams through (up to ``AuditMiddleware/captureLimit``), and
/// how many there were in all.
private final class Capture: Sendable {
    private let state = Mutex<(bytes: [UInt8], total: Int)>(([], 0))

    /// Notes `buffer` and passes it on unchanged.
    @Sendable func keep(_ buffer: ByteBuffer) -> ByteBuffer {
        state.withLock { s in
            s.total += buffer.readableBytes
            let room = AuditMiddleware.captureLimit - s.bytes.count
            if room > 0 { s.bytes += buffer.readableBytesView.prefix(room) }
        }
        return buffer
    }

    var result: ([UInt8], Int) { state.withLock { ($0.bytes, $0.total) } }
}

extension Duration {
    var microseconds: Int64 { components.seconds * 1_000_000 + components.attoseconds / 1_000_000_000_000 }
}
