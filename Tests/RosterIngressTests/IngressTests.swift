import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ServiceLifecycle
@testable import RosterIngress
import RosterProtocol
import RosterTestSupport
import SCIMCore
import Synchronization
import Testing

/// A transport that answers from a script instead of a worker (the real path is in the end-to-end tests).
final class ScriptedTransport: CommandTransport {
    let sent = Mutex<[(name: String, payload: [UInt8])]>([])
    let answer: @Sendable (String, [UInt8]) throws(SCIMError) -> [UInt8]

    init(answer: @escaping @Sendable (String, [UInt8]) throws(SCIMError) -> [UInt8]) {
        self.answer = answer
    }

    func send(name: String, payload: [UInt8], shardKey: String) async throws(SCIMError) -> [UInt8] {
        // Users' `groups` come from the groups worker: none, in these tests.
        if name == GroupsOfMembers.name { return CommandCodec.encode(GroupsOfMembersReply(groups: [:])) }
        sent.withLock { $0.append((name, payload)) }
        return try answer(name, payload)
    }
}

let testToken = "ingress-test-token-0123456789"
let testAdminToken = "ingress-test-admin-token-0123456789"

/// Runs the real HTTP server on a loopback port with `transport` behind it.
func withIngress(
    _ transport: ScriptedTransport, sync: ScriptedTransport? = nil, audit: ScriptedTransport? = nil, recorder: AuditRecorder? = nil,
    resources: [(type: ResourceType, worker: any CommandTransport)] = [], _ body: (TestHTTP) async throws -> Void
) async throws {
    let port = TestProcesses.port()
    let configuration = IngressConfiguration(
        host: "127.0.0.1", port: port, bootstrapTokenSHA256: sha256(testToken), maxBodyBytes: 4096, passwordIterations: 1000,
        adminTokenSHA256: sha256(testAdminToken))
    var dependencies = IngressDependencies(users: transport, groups: transport, sync: sync, audit: audit, recorder: recorder) { [] }
    dependencies.resources = resources
    let router = Ingress.router(configuration, dependencies: dependencies)
    let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: Logger(label: "test"))
    let services = ServiceGroup(configuration: .init(services: [app], logger: Logger(label: "test")))
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await services.run() }
        let http = TestHTTP(base: "http://127.0.0.1:\(port)", token: testToken)
        #expect(await eventually { (try? await http.send("GET", "/healthz"))?.status == 200 })
        try await body(http)
        await services.triggerGracefulShutdown()
        try await group.waitForAll()
    }
}

func stored(_ attributes: [String: JSONValue], id: String = "2819c223-7f76-453a-919d-413861904646", version: Int = 1) -> [UInt8] {
    CommandCodec.encode(StoredResource(id: id, version: version, created: "2026-01-01T00:00:00.000Z", lastModified: "2026-01-01T00:00:00.000Z", attributes: attributes))
}

struct IngressTests {
    @Test func missingOrWrongTokenGets401WithScimBodyAndChallenge() async throws {
        try await withIngress(ScriptedTransport { _, _ throws(SCIMError) in [] }) { http in
            var anonymous = http
            anonymous.token = nil
            let missing = try await anonymous.send("GET", "/scim/v2/Users")
            #expect(missing.status == 401)
            #expect(missing.header("WWW-Authenticate") == "Bearer realm=\"roster\"")
            #expect(missing.object["status"] == .string("401"))
            anonymous.token = "wrong"
            #expect(try await anonymous.send("GET", "/scim/v2/Users").status == 401)
        }
    }

    @Test func createNormalisesHashesThePasswordAndRendersMetaLocationAndETag() async throws {
        let transport = ScriptedTransport { name, payload throws(SCIMError) in
            let command = try CommandCodec.decode(CreateUser.self, from: payload)
            return stored(command.attributes)
        }
        try await withIngress(transport) { http in
            let reply = try await http.send("POST", "/scim/v2/Users", json: TestHTTP.user("bjensen", extra: ["password": .string("t1meMa$heen"), "Active": .string("False")]))
            #expect(reply.status == 201)
            #expect(reply.header("Content-Type")?.hasPrefix("application/scim+json") == true)
            #expect(reply.header("ETag") == "W/\"1\"")
            #expect(reply.header("Location")?.hasSuffix("/scim/v2/Users/2819c223-7f76-453a-919d-413861904646") == true)
            #expect(reply.object["password"] == nil)
            #expect(reply.object["active"] == .bool(false))
            #expect(reply.object["meta"]?.objectValue?["resourceType"] == .string("User"))
            let sent = transport.sent.withLock { $0 }
            #expect(sent.count == 1)
            let command = try CommandCodec.decode(CreateUser.self, from: sent[0].payload)
            #expect(command.directoryID == "default")
            #expect(command.passwordHash?.hasPrefix("pbkdf2-sha256$") == true)
            #expect(!String(decoding: sent[0].payload, as: UTF8.self).contains("t1meMa$heen"))
        }
    }

    @Test func badInputGetsPreciseScimErrorsWithoutReachingTheWorker() async throws {
        let transport = ScriptedTransport { _, _ throws(SCIMError) in [] }
        try await withIngress(transport) { http in
            let badJSON = try await http.send("POST", "/scim/v2/Users", body: "{bad", headers: ["Content-Type": "application/scim+json"])
            #expect(badJSON.status == 400 && badJSON.object["scimType"] == .string("invalidSyntax"))
            let xml = try await http.send("POST", "/scim/v2/Users", body: "<user/>", headers: ["Content-Type": "application/xml"])
            #expect(xml.status == 415)
            let accept = try await http.send("GET", "/scim/v2/Users", headers: ["Accept": "text/html"])
            #expect(accept.status == 406)
            let filter = try await http.send("GET", "/scim/v2/Users?filter=userName%20eq")
            #expect(filter.status == 400 && filter.object["scimType"] == .string("invalidFilter"))
            let count = try await http.send("GET", "/scim/v2/Users?count=ten")
            #expect(count.status == 400 && count.object["scimType"] == .string("invalidValue"))
            let tooBig = try await http.send("POST", "/scim/v2/Users", json: TestHTTP.user(String(repeating: "x", count: 10_000)))
            #expect(tooBig.status == 413 && tooBig.object["status"] == .string("413"))
            let unknown = try await http.send("GET", "/scim/v2/Nope")
            #expect(unknown.status == 404 && unknown.object["schemas"] != nil)
            #expect(transport.sent.withLock { $0.isEmpty })
        }
    }

    @Test func acceptsPlainApplicationJSON() async throws {
        let transport = ScriptedTransport { _, payload throws(SCIMError) in
            stored(try CommandCodec.decode(CreateUser.self, from: payload).attributes)
        }
        try await withIngress(transport) { http in
            let reply = try await http.send("POST", "/scim/v2/Users", body: TestHTTP.user("x").serializedString(),
                                            headers: ["Content-Type": "application/json; charset=utf-8", "Accept": "application/json"])
            #expect(reply.status == 201)
        }
    }

    @Test func workerErrorsAndOutagesPassThroughWithRetryAfter() async throws {
        let transport = ScriptedTransport { name, _ throws(SCIMError) in
            if name == QueryUsers.name { throw SCIMError.unavailable("The users worker is not reachable; try again shortly.", retryAfter: 1) }
            throw SCIMError.resourceNotFound("User", id: "nope")
        }
        try await withIngress(transport) { http in
            let down = try await http.send("GET", "/scim/v2/Users")
            #expect(down.status == 503)
            #expect(down.header("Retry-After") == "1")
            let missing = try await http.send("GET", "/scim/v2/Users/nope")
            #expect(missing.status == 404 && missing.object["detail"] == .string("User nope not found."))
        }
    }

    @Test func countIsCappedAndIfNoneMatchGives304() async throws {
        let transport = ScriptedTransport { name, payload throws(SCIMError) in
            if name == QueryUsers.name {
                let query = try CommandCodec.decode(QueryUsers.self, from: payload)
                return CommandCodec.encode(QueryResult(totalResults: query.query.count, resources: []))
            }
            return stored(["userName": .string("u")], version: 3)
        }
        try await withIngress(transport) { http in
            let list = try await http.send("GET", "/scim/v2/Users?count=100000")
            #expect(list.object["totalResults"] == .int(1000))
            let cached = try await http.send("GET", "/scim/v2/Users/x", headers: ["If-None-Match": "W/\"3\""])
            #expect(cached.status == 304)
            let fresh = try await http.send("GET", "/scim/v2/Users/x", headers: ["If-None-Match": "W/\"2\""])
            #expect(fresh.status == 200)
        }
    }
}

struct AuthenticationLimitTests {
    /// Repeated failures from one source are slowed down (429 with Retry-After), while a valid
    /// credential from the same source keeps working (docs/design.md §9).
    @Test func aSourceThatKeepsFailingGets429() async throws {
        try await withIngress(ScriptedTransport { _, _ throws(SCIMError) in CommandCodec.encode(QueryResult(totalResults: 0, resources: [])) }) { http in
            var wrong = http
            wrong.token = "not-the-token"
            for _ in 0..<20 { #expect(try await wrong.send("GET", "/scim/v2/Users").status == 401) }
            let blocked = try await wrong.send("GET", "/scim/v2/Users")
            #expect(blocked.status == 429 && blocked.header("Retry-After").flatMap(Int.init) ?? 0 > 0)
            #expect(blocked.object["status"] == .string("429"))
            for _ in 0..<50 { #expect(try await http.send("GET", "/scim/v2/Users").status == 200, "a valid token is refused because of others' failures") }
            #expect(try await wrong.send("GET", "/scim/v2/Users").status == 429, "the bad credential is still slowed down")
            #expect(try await http.send("GET", "/healthz").status == 200)
        }
    }
}

/// Links come from configuration, never from a forged `Host` (docs/design.md §9).
struct LinkTests {
    @Test func linksComeFromThePublicURLTheListeningAddressOrAnAllowedHost() {
        let request = Request(head: HTTPRequest(method: .get, scheme: "http", authority: "evil.example", path: "/scim/v2/Users"), body: .init(buffer: ByteBuffer()))
        var configuration = IngressConfiguration(host: "127.0.0.1", port: 8080)
        #expect(configuration.scimBaseURL(for: request) == "http://127.0.0.1:8080/scim/v2")
        configuration.allowedHosts = ["scim.example.com"]
        #expect(configuration.scimBaseURL(for: request) == "http://127.0.0.1:8080/scim/v2")
        configuration.allowedHosts = ["evil.example"]
        #expect(configuration.scimBaseURL(for: request) == "http://evil.example/scim/v2", "an allowed Host is used")
        configuration.publicURL = "https://scim.example.com/"
        #expect(configuration.scimBaseURL(for: request) == "https://scim.example.com/scim/v2")
    }

    @Test func aForgedHostNeverAppearsInLinks() async throws {
        let transport = ScriptedTransport { name, _ throws(SCIMError) in
            name == QueryUsers.name ? CommandCodec.encode(QueryResult(totalResults: 0, resources: [])) : stored(["userName": .string("u")])
        }
        try await withIngress(transport) { http in
            let created = try await http.send("POST", "/scim/v2/Users", json: TestHTTP.user("u"), headers: ["Host": "evil.example"])
            #expect(created.status == 201)
            #expect(created.header("Location")?.hasPrefix(http.base + "/scim/v2/Users/") == true, "\(created.headers)")
            #expect(!String(decoding: created.body, as: UTF8.self).contains("evil.example"))
            let fetched = try await http.send("GET", "/scim/v2/Users/2819c223-7f76-453a-919d-413861904646", headers: ["Host": "evil.example:443"])
            #expect(fetched.object["meta"]?.objectValue?["location"]?.stringValue?.hasPrefix(http.base) == true, "\(fetched.object)")
        }
    }
}

/// The failure limiter: a block after `limit` failures, doubling with every failure while blocked.
struct FailureLimiterTests {
    @Test func failuresWhileBlockedBackOffExponentiallyUpToTheMaximum() {
        let limiter = FailureLimiter(limit: 3, window: .seconds(10), maximumBlock: .seconds(40))
        let start = ContinuousClock.now
        for i in 0..<3 {
            #expect(limiter.retryAfter("a", now: start) == nil)
            limiter.recordFailure("a", now: start + .milliseconds(i))
        }
        #expect(limiter.retryAfter("a", now: start + .seconds(1)) == 10)
        #expect(limiter.retryAfter("b", now: start + .seconds(1)) == nil, "another key is not blocked")
        limiter.recordFailure("a", now: start + .seconds(1))  // failing while blocked: 20 s
        #expect(limiter.retryAfter("a", now: start + .seconds(1)) == 20)
        limiter.recordFailure("a", now: start + .seconds(2))  // 40 s, the maximum
        limiter.recordFailure("a", now: start + .seconds(3))
        #expect(limiter.retryAfter("a", now: start + .seconds(3)) == 40)
        #expect(limiter.retryAfter("a", now: start + .seconds(44)) == nil, "the block ends")
    }
}
