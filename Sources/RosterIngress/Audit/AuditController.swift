import Foundation
import Hummingbird
import RosterProtocol
import SCIMCore

/// The admin API's audit routes (`/admin/api/v1/audit…`): the switch, the history with its
/// filters, the CSV export and clear.
struct AuditController {
    let audit: any CommandTransport
    let sync: any CommandTransport
    let recorder: AuditRecorder
    let maxBodyBytes: Int
    /// The most records one export holds.
    static let exportLimit = 10_000

    func addRoutes(to group: RouterGroup<SCIMRequestContext>) {
        group.get("audit") { _, _ in try await status() }
        group.patch("audit") { request, _ in
            let body = try await request.jsonObject(limit: maxBodyBytes)
            // Everything is checked before anything is applied.
            let on = try body["enabled"].map { value throws(SCIMError) in
                guard let on = value.lenientBool else { throw SCIMError.invalidValue("'enabled' must be true or false.") }
                return on
            }
            let retention = try body["retention"].map(Self.retention)
            guard on != nil || retention != nil else {
                throw SCIMError.invalidValue("Send {\"enabled\": true|false} and/or {\"retention\": {\"maxAgeDays\": n, \"maxRecords\": n}}.")
            }
            if let retention { _ = try await audit.send(retention, shardKey: "") }
            if let on {
                _ = try await sync.send(PutSetting(key: Settings.auditEnabled, value: on ? "true" : "false"), shardKey: "")
                recorder.setEnabled(on)  // this ingress at once; the others at their next refresh (≤ 1 s)
            }
            return try await status()
        }
        group.get("audit/records") { request, _ in
            let parameters = Self.parameters(request)
            let limit = try Self.limit(parameters["limit"], default: 50, maximum: QueryAudit.maxLimit)
            let after = try Self.cursor(parameters["after"])
            let page = try await audit.send(QueryAudit(filter: try await filter(parameters), limit: limit, after: after), shardKey: "")
            return SCIMResponse.json(.ok, .object([
                "records": .array(page.records.map(AuditView.json)), "next": page.next.map { .string(String($0)) } ?? .null,
            ]))
        }
        group.get("audit/records.csv") { request, _ in try await export(request) }
        group.delete("audit/records") { _, _ in
            let cleared = try await audit.send(ClearAudit(), shardKey: "")
            return SCIMResponse.json(.ok, .object(["removed": .int(Int64(cleared.removed))]))
        }
    }

    private func status() async throws -> Response {
        let settings = try await sync.send(GetSettings(), shardKey: "")
        // The switch and this ingress's queue still answer while the audit worker is down.
        let summary = try? await audit.send(GetAuditSummary(), shardKey: "")
        let counters = recorder.queue.counters
        return SCIMResponse.json(.ok, .object([
            "enabled": .bool(settings.isAuditEnabled),
            "auditWorker": .string(summary == nil ? "unreachable" : "reachable"),
            "records": summary.map { .int(Int64($0.records)) } ?? .null,
            "oldest": summary?.oldest.map { .string(AuditView.time($0)) } ?? .null,
            "newest": summary?.newest.map { .string(AuditView.time($0)) } ?? .null,
            "retention": summary.map { .object(["maxAgeDays": $0.maxAgeDays.json, "maxRecords": $0.maxRecords.json]) } ?? .null,
            "thisIngress": .object([
                "queuedInMemory": .int(Int64(counters.memoryRecords)), "spooledBytes": .int(Int64(counters.spoolBytes)),
                "delivered": .int(Int64(counters.delivered)), "dropped": .int(Int64(counters.dropped)),
                "memoryBoundBytes": .int(Int64(recorder.queue.limits.memoryBytes)), "spoolBoundBytes": .int(Int64(recorder.queue.limits.spoolBytes)),
            ]),
        ]))
    }

    /// The filter, with `configuration` given by id or by name.
    private func filter(_ parameters: [String: String]) async throws -> AuditFilter {
        var filter = try AuditFilter(parameters: parameters)
        if let key = filter.configurationID {
            let all = try await sync.send(ListConfigurations(), shardKey: "").configurations
            filter.configurationID = all.first { $0.id == key || $0.name.lowercased() == key.lowercased() }?.id ?? key
        }
        return filter
    }

    /// Streams at most `limit` (≤ 10,000) newest matching records as CSV, a page at a time.
    private func export(_ request: Request) async throws -> Response {
        let parameters = Self.parameters(request)
        let limit = try Self.limit(parameters["limit"], default: Self.exportLimit, maximum: Self.exportLimit)
        let filter = try await filter(parameters)
        let audit = self.audit
        let pageSize = min(limit, QueryAudit.maxLimit)
        // The first page before the status line, so that a worker that is down still gets a 503.
        let first = try await audit.send(QueryAudit(filter: filter, limit: pageSize), shardKey: "")
        let name = "roster-audit-\(AuditView.time(Int64(Date().timeIntervalSince1970 * 1000)).replacingOccurrences(of: ":", with: "")).csv"
        let headers: HTTPFields = [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(name)\""]
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            try await writer.write(ByteBuffer(string: AuditCSV.header))
            var page = first
            var written = 0
            while true {
                let rows = page.records.prefix(limit - written)
                var bytes: [UInt8] = []
                bytes.reserveCapacity(rows.count * 1024)
                for row in rows { AuditCSV.append(row, to: &bytes) }
                try await writer.write(ByteBuffer(bytes: bytes))
                written += rows.count
                guard written < limit, let next = page.next else { break }
                page = try await audit.send(QueryAudit(filter: filter, limit: min(pageSize, limit - written), after: next), shardKey: "")
            }
            try await writer.finish(nil)
        })
    }

    /// `{"maxAgeDays": n, "maxRecords": n}`: whole numbers, 0 for no limit; a member left out stays as it is.
    static func retention(_ value: JSONValue) throws(SCIMError) -> SetAuditRetention {
        guard let o = value.objectValue, o.keys.allSatisfy(["maxAgeDays", "maxRecords"].contains) else {
            throw SCIMError.invalidValue("'retention' takes 'maxAgeDays' and 'maxRecords'.")
        }
        func count(_ key: String) throws(SCIMError) -> Int? {
            guard let member = o[key] else { return nil }
            guard case .int(let n) = member, n >= 0, n <= Int64(Int32.max) else {
                throw SCIMError.invalidValue("'\(key)' must be a whole number, 0 for no limit.")
            }
            return Int(n)
        }
        return SetAuditRetention(maxAgeDays: try count("maxAgeDays"), maxRecords: try count("maxRecords"))
    }

    /// The query's parameters by name (the first of a repeated one).
    static func parameters(_ request: Request) -> [String: String] {
        Dictionary(request.uri.queryParameters.map { (String($0.key), String($0.value)) }, uniquingKeysWith: { a, _ in a })
    }

    static func limit(_ value: String?, default fallback: Int, maximum: Int) throws(SCIMError) -> Int {
        guard let value else { return fallback }
        guard let n = Int(value), n >= 1, n <= maximum else { throw SCIMError.invalidValue("'limit' must be between 1 and \(maximum).") }
        return n
    }

    static func cursor(_ value: String?) throws(SCIMError) -> Int64? {
        guard let value else { return nil }
        guard let cursor = Int64(value), cursor > 0 else { throw SCIMError.invalidValue("'after' must be the 'next' value of an earlier page.") }
        return cursor
    }
}
