import Foundation
import Logging
import RosterIngress
import RosterProtocol
import RosterTestSupport
import SCIMCore
import Synchronization
import Testing

struct AuditExportTests {
    static func page(_ n: Int, start: Int) -> [UInt8] {
        let records = (0..<n).map { i in
            AuditRecord(id: Int64(start - i), origin: 1, seq: Int64(start - i), at: 1_800_000_000_000 + Int64(start - i), kind: .scim,
                        configurationName: "okta, \"main\"", method: "POST", path: "/scim/v2/Users", subject: "=HYPERLINK(\"x\")", status: 201,
                        requestBody: "{\"displayName\":\"line one\nline two\r\nthree, \\\"quoted\\\"\"}")
        }
        return CommandCodec.encode(AuditPage(records: records, next: start - n > 0 ? Int64(start - n + 1) : nil))
    }

    /// An audit worker with 25,000 records, served a page at a time.
    static let audit = ScriptedTransport { name, payload throws(SCIMError) in
        guard name == QueryAudit.name else { return CommandCodec.encode(Empty()) }
        let query = try CommandCodec.decode(QueryAudit.self, from: payload)
        let start = Int(query.after ?? 25_001) - 1
        return page(min(query.limit, start), start: start)
    }

    static let sync = ScriptedTransport { name, _ throws(SCIMError) in
        name == ListConfigurations.name ? CommandCodec.encode(ConfigurationList(configurations: [])) : CommandCodec.encode(Settings(values: [:]))
    }

    @Test func theExportStopsAtTenThousandQuotesEveryFieldAndDisarmsFormulas() async throws {
        let recorder = AuditRecorder(queue: AuditQueue(limits: .init(memoryBytes: 1 << 20, spoolBytes: 0, spoolPath: nil), logger: .init(label: "t")), bodyLimit: 1024)
        try await withIngress(ScriptedTransport { _, _ throws(SCIMError) in [] }, sync: Self.sync, audit: Self.audit, recorder: recorder) { http in
            var admin = http
            admin.token = testAdminToken
            let reply = try await admin.send("GET", "/admin/api/v1/audit/records.csv")
            #expect(reply.status == 200 && reply.header("Content-Type")?.hasPrefix("text/csv") == true)
            let text = String(decoding: reply.body, as: UTF8.self)
            #expect(text.hasSuffix("\r\n"))
            let rows = parseCSV(text)
            #expect(rows.count == 10_001, "a header and the 10,000 newest")
            #expect(rows.allSatisfy { $0.count == rows[0].count })
            let header = rows[0]
            let first = Dictionary(uniqueKeysWithValues: zip(header, rows[1]))
            #expect(first["id"] == "25000" && rows.last?.first == "15001")
            #expect(first["configurationName"] == "okta, \"main\"")
            #expect(first["subject"] == "'=HYPERLINK(\"x\")")
            #expect(first["requestBody"] == "{\"displayName\":\"line one\nline two\r\nthree, \\\"quoted\\\"\"}")
            #expect(try await admin.send("GET", "/admin/api/v1/audit/records.csv?limit=10001").status == 400)
            let few = parseCSV(String(decoding: try await admin.send("GET", "/admin/api/v1/audit/records.csv?limit=1500").body, as: UTF8.self))
            #expect(few.count == 1501)
        }
    }

    @Test(arguments: [#"{}"#, #"{"enabled":"maybe"}"#, #"{"retention":{"maxAgeDays":-1}}"#, #"{"retention":{"days":3}}"#,
                      #"{"retention":{"maxRecords":1.5}}"#, #"{"retention":7}"#, #"{"enabled":true,"retention":{"maxAgeDays":"x"}}"#])
    func aBadSwitchOrRetentionGetsAPreciseErrorAndChangesNothing(body: String) async throws {
        let recorder = AuditRecorder(queue: AuditQueue(limits: .init(memoryBytes: 1 << 20, spoolBytes: 0, spoolPath: nil), logger: .init(label: "t")), bodyLimit: 1024)
        let sync = ScriptedTransport { name, _ throws(SCIMError) in CommandCodec.encode(Settings(values: [:])) }
        let audit = ScriptedTransport { _, _ throws(SCIMError) in CommandCodec.encode(AuditSummary(records: 0, oldest: nil, newest: nil, maxAgeDays: nil, maxRecords: nil)) }
        try await withIngress(ScriptedTransport { _, _ throws(SCIMError) in [] }, sync: sync, audit: audit, recorder: recorder) { http in
            var admin = http
            admin.token = testAdminToken
            let reply = try await admin.send("PATCH", "/admin/api/v1/audit", body: body, headers: ["Content-Type": "application/json"])
            #expect(reply.status == 400 && reply.object["scimType"] == .string("invalidValue"), "\(body)")
            #expect(!recorder.isEnabled && sync.sent.withLock { $0.isEmpty } && audit.sent.withLock { $0.isEmpty }, "nothing applied")
        }
    }

    @Test(arguments: ["status=4x4", "status=700", "from=yesterday", "from=2026-11-29&to=2026-11-28", "limit=0", "limit=5000", "after=nope", "kind=other"])
    func aBadFilterGetsAPreciseError(query: String) async throws {
        let recorder = AuditRecorder(queue: AuditQueue(limits: .init(memoryBytes: 1 << 20, spoolBytes: 0, spoolPath: nil), logger: .init(label: "t")), bodyLimit: 1024)
        try await withIngress(ScriptedTransport { _, _ throws(SCIMError) in [] }, sync: Self.sync, audit: Self.audit, recorder: recorder) { http in
            var admin = http
            admin.token = testAdminToken
            let reply = try await admin.send("GET", "/admin/api/v1/audit/records?\(query)")
            #expect(reply.status == 400 && reply.object["scimType"] == .string("invalidValue"), "\(query)")
        }
    }
}
