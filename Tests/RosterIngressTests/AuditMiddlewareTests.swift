import Foundation
import Logging
import RosterIngress
import RosterProtocol
import RosterTestSupport
import SCIMCore
import Testing

/// The middleware in-process, against scripted workers; the real path is in AuditEndToEndTests.
struct AuditMiddlewareTests {
    static func recorded(_ recorder: AuditRecorder) -> [AuditRecord] {
        var out: [AuditRecord] = []
        while let batch = recorder.queue.nextBatch(maxRecords: 100, maxBytes: 1 << 20), !batch.lines.isEmpty {
            for line in batch.lines {
                if let object = try? JSONValue.parse(line).objectValue, let record = try? AuditRecord(json: object) { out.append(record) }
            }
            recorder.queue.acknowledge(batch)
        }
        return out
    }

    static let users = ScriptedTransport { name, payload throws(SCIMError) in
        switch name {
        case CreateUser.name:
            let command = try CommandCodec.decode(CreateUser.self, from: payload)
            guard command.attributes["userName"] != .string("taken") else { throw SCIMError.uniqueness("userName 'taken' is already used.") }
            return stored(command.attributes)
        default: throw SCIMError.notFound("No such user.")
        }
    }

    @Test func offRecordsNothingOnRecordsEveryRequestWithWhatADemandingAdminNeeds() async throws {
        let recorder = AuditRecorder(queue: AuditQueue(limits: .init(memoryBytes: 1 << 20, spoolBytes: 0, spoolPath: nil), logger: Logger(label: "t")), bodyLimit: 200)
        try await withIngress(Self.users, recorder: recorder) { http in
            #expect(try await http.send("POST", "/scim/v2/Users", json: TestHTTP.user("before")).status == 201)
            #expect(Self.recorded(recorder).isEmpty, "off: nothing")
            recorder.setEnabled(true)

            let secret = "t1meMa$heen-secret"
            #expect(try await http.send("POST", "/scim/v2/Users?access_token=abc", json: TestHTTP.user("bjensen", extra: ["password": .string(secret)])).status == 201)
            #expect(try await http.send("POST", "/scim/v2/Users", json: TestHTTP.user("taken")).status == 409)
            #expect(try await http.send("POST", "/scim/v2/Users", body: String(repeating: "x", count: 5000), headers: ["Content-Type": "application/scim+json"]).status == 413)
            var anonymous = http
            anonymous.token = "wrong"
            #expect(try await anonymous.send("GET", "/scim/v2/Users/abc").status == 401)
            #expect(try await anonymous.send("POST", "/scim/v2/Users", json: TestHTTP.user("intruder")).status == 401)
            #expect(try await http.send("GET", "/healthz").status == 200)
            #expect(try await http.send("POST", "/scim/v2/Users", json: TestHTTP.user("long", extra: ["title": .string(String(repeating: "é", count: 300))])).status == 201)

            let records = Self.recorded(recorder)
            #expect(records.map(\.status) == [201, 409, 413, 401, 401, 201], "one record a request, in order; /healthz is not recorded")
            #expect(records.map(\.seq) == records.map(\.seq).sorted())
            let created = records[0]
            #expect(created.kind == .scim && created.method == "POST" && created.path == "/scim/v2/Users" && created.scimVersion == "2.0")
            #expect(created.configurationID == "default" && created.configurationName == "default" && created.source == "127.0.0.1")
            #expect(created.resourceType == "User" && created.resourceID == "2819c223-7f76-453a-919d-413861904646" && created.subject == "bjensen")
            #expect(created.query == "access_token=[redacted]")
            #expect(created.requestBody?.contains(secret) == false && created.requestBody?.contains("[redacted]") == true)
            #expect(created.responseBody?.contains("bjensen") == true && created.durationMicros > 0 && created.responseBytes > 0)
            #expect(records[1].scimType == "uniqueness" && records[1].subject == "taken")
            #expect(records[2].responseBody?.contains("413") == true)
            #expect(records[2].requestBody?.hasPrefix("xxx") == true && records[2].requestBody?.hasSuffix("bytes in all]") == true, "what was read of it, marked as cut")
            #expect(records[3].configurationID == nil && records[3].resourceID == "abc")
            #expect(records[4].requestBody == nil, "the body of a request refused before it was read is not kept")
            let long = try #require(records[5].requestBody)
            #expect(long.hasSuffix("bytes in all]") && long.utf8.count < 260 && records[5].requestBytes > 600, "cut at 200 bytes: \(long)")
        }
    }
}
