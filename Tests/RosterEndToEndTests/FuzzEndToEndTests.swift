import Foundation
import RosterTestSupport
import SCIMCore
import Testing

/// Random filters, PATCH documents and broken bodies through the real HTTP stack: every answer is a
/// success or a 4xx SCIM error, never a 5xx, a hang or a crashed worker; and the random filters and
/// PATCH documents are both accepted and refused, so a generator stuck on one side fails the test.
@Suite(.serialized)
struct FuzzEndToEndTests {
    @Test func randomInputNeverYieldsA5xx() async throws {
        try await withRunningSystem { system in
            #expect(await system.ready(), "\(system.logText)")
            let http = system.http
            let user = try #require(try await http.send("POST", "/scim/v2/Users", json: TestHTTP.user("fuzz@example.com")).object["id"]?.stringValue)
            let group = try #require(try await http.send("POST", "/scim/v2/Groups", json: .object([
                "schemas": .array([.string(CoreSchemas.groupURN)]), "displayName": .string("Fuzzers"),
            ])).object["id"]?.stringValue)

            var random = RandomInput(seed: 2026)
            var failures: [String] = []
            /// Answers per kind of input: 2xx accepted, 4xx rejected.
            var accepted: [String: Int] = [:]
            var rejected: [String: Int] = [:]
            func check(_ reply: TestHTTP.Reply, _ kind: String, _ what: String) {
                if (200..<300).contains(reply.status) { accepted[kind, default: 0] += 1 }
                if (400..<500).contains(reply.status) { rejected[kind, default: 0] += 1 }
                if reply.status >= 500 || (reply.status >= 400 && reply.object["schemas"] != .array([.string(SCIMError.errorSchema)])) {
                    failures.append("\(reply.status) for \(what): \(String(decoding: reply.body.prefix(300), as: UTF8.self))")
                }
            }
            for _ in 0..<150 {
                let filter = random.filter().addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                check(try await http.send("GET", "/scim/v2/Users?filter=\(filter)&sortBy=\(random.element(["title", "emails", "x", "userName"]))"), "filter", "users filter")
                check(try await http.send("GET", "/scim/v2/Groups?filter=\(filter)"), "filter", "groups filter")
                let body = random.patchBody()
                check(try await http.send("PATCH", "/scim/v2/Users/\(user)", body: body, headers: ["Content-Type": "application/scim+json"]), "patch", "user patch \(body)")
                check(try await http.send("PATCH", "/scim/v2/Groups/\(group)", body: body, headers: ["Content-Type": "application/scim+json"]), "patch", "group patch \(body)")
                var broken = Array(body.utf8)
                if !broken.isEmpty { broken[Int(random.next() % UInt64(broken.count))] = UInt8(random.next() % 128) }
                // A PATCH document is never a valid User: every broken body must be refused, with a 4xx.
                check(try await http.send("POST", "/scim/v2/Users", body: String(decoding: broken, as: UTF8.self), headers: ["Content-Type": "application/scim+json"]), "broken body", "broken body")
            }
            #expect(failures.isEmpty, "\(failures.prefix(5))")
            for kind in ["filter", "patch"] {
                let (a, r) = (accepted[kind, default: 0], rejected[kind, default: 0])
                #expect(a > 0 && r > 0, "\(kind): \(a) accepted, \(r) rejected; the generator must produce both")
            }
            #expect(accepted["broken body", default: 0] == 0 && rejected["broken body", default: 0] == 150, "\(accepted) \(rejected)")
            #expect(system.users!.isRunning && system.groups!.isRunning && system.ingress!.isRunning)
        }
    }
}
