import Foundation
import RosterTestSupport
import SCIMCore
import Testing

let e2eToken = "e2e-bootstrap-token-0123456789abcdef"
let e2eAdminToken = "e2e-admin-token-0123456789abcdef"

/// The real system: `roster-users` and `roster-ingress` as processes, on real ports and a real SQLite file.
final class RunningSystem: @unchecked Sendable {
    let directory: URL
    let log: URL
    let httpPort = TestProcesses.port()
    let zmqEndpoint = "tcp://127.0.0.1:\(TestProcesses.port())"
    let groupsEndpoint = "tcp://127.0.0.1:\(TestProcesses.port())"
    let syncEndpoint = "tcp://127.0.0.1:\(TestProcesses.port())"
    let auditEndpoint = "tcp://127.0.0.1:\(TestProcesses.port())"
    var users: Process?
    var audit: Process?
    /// Extra flags for the ingress and the audit worker (bounds, retention).
    var ingressArguments: [String] = []
    var auditArguments: [String] = []
    /// How long the ingress waits for a worker (`zmq.timeoutMs`).
    var workerTimeoutMilliseconds = 2000
    var groups: Process?
    var sync: Process?
    /// The change feed: the users and groups workers relay their effects to the sync worker.
    var feed = false
    /// Extra flags for the sync worker (webhook settings).
    var syncArguments: [String] = []
    var ingress: Process?
    /// Processes a test started beside these (a second ingress, the CLI): ``stop(keepFiles:)`` ends them too.
    var extraProcesses: [Process] = []
    let http: TestHTTP

    init(tokenSHA256: String) throws {
        directory = try TestProcesses.temporaryDirectory()
        log = directory.appendingPathComponent("processes.log")
        http = TestHTTP(base: "http://127.0.0.1:\(httpPort)", token: e2eToken)
        self.tokenSHA256 = tokenSHA256
    }

    let tokenSHA256: String

    func startUsers() throws {
        users = try TestProcesses.launch("roster-users", [
            "--zmq-bind", zmqEndpoint, "--zmq-groups", groupsEndpoint, "--db-path", directory.appendingPathComponent("users.sqlite").path,
        ] + feedArguments, log: log)
    }

    func startGroups() throws {
        groups = try TestProcesses.launch("roster-groups", [
            "--zmq-bind", groupsEndpoint, "--db-path", directory.appendingPathComponent("groups.sqlite").path,
        ] + feedArguments, log: log)
    }

    var feedArguments: [String] { feed ? ["--zmq-sync", syncEndpoint] : [] }

    func startSync() throws {
        sync = try TestProcesses.launch("roster-sync", [
            "--zmq-bind", syncEndpoint, "--db-path", directory.appendingPathComponent("sync.sqlite").path,
            "--auth-bootstrap-token-sha256", tokenSHA256, "--zmq-users", zmqEndpoint, "--zmq-groups", groupsEndpoint,
        ] + syncArguments, log: log)
    }

    func startAudit() throws {
        audit = try TestProcesses.launch("roster-audit", [
            "--zmq-bind", auditEndpoint, "--db-path", directory.appendingPathComponent("audit.sqlite").path,
        ] + auditArguments, log: log)
    }

    /// Starts every worker and the ingress.
    func startAll() throws {
        try startUsers()
        try startGroups()
        try startSync()
        try startAudit()
        try startIngress()
    }

    func startIngress() throws {
        ingress = try launchIngress(port: httpPort)
    }

    /// An ingress on `port`; a second one on another port shares the same workers.
    func launchIngress(port: Int, spool: String = "audit-spool.ndjson") throws -> Process {
        try TestProcesses.launch("roster-ingress", [
            "--http-port", String(port), "--zmq-users", zmqEndpoint, "--zmq-groups", groupsEndpoint, "--zmq-sync", syncEndpoint, "--zmq-timeout-ms", String(workerTimeoutMilliseconds),
            "--auth-bootstrap-token-sha256", tokenSHA256, "--security-password-iterations", "1000", "--scim-member-page-size", "7", "--auth-admin-token-sha256", sha256(e2eAdminToken),
            "--zmq-audit", auditEndpoint, "--audit-spool-path", directory.appendingPathComponent(spool).path,
        ] + ingressArguments, log: log)
    }

    /// Registers a process the test started itself, so that ``stop(keepFiles:)`` ends it too.
    @discardableResult
    func adopt(_ process: Process) -> Process {
        extraProcesses.append(process)
        return process
    }

    /// Ready within a minute: processes started beside the suite's heaviest tests (a 50,000-row
    /// import, 100,000 users) can take a while on two cores.
    func ready() async -> Bool {
        if await eventually(timeout: .seconds(60), { (try? await self.http.send("GET", "/readyz"))?.status == 200 }) { return true }
        // What it still waits for, in the failure's message.
        let body = (try? await http.send("GET", "/readyz")).map { String(decoding: $0.body, as: UTF8.self) } ?? "no answer"
        if let handle = try? FileHandle(forWritingTo: log) { _ = try? handle.seekToEnd(); handle.write(Data("readyz: \(body)\n".utf8)); try? handle.close() }
        return false
    }

    /// Stops every process of the system, the adopted ones first; safe to call more than once.
    func stop(keepFiles: Bool = false) async {
        for process in extraProcesses { await TestProcesses.stop(process) }
        if let ingress { await TestProcesses.stop(ingress) }
        if let users { await TestProcesses.stop(users) }
        if let groups { await TestProcesses.stop(groups) }
        if let sync { await TestProcesses.stop(sync) }
        if let audit { await TestProcesses.stop(audit) }
        if !keepFiles { try? FileManager.default.removeItem(at: directory) }
    }

    var logText: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
}

@Suite(.serialized)
struct UsersEndToEndTests {
    @Test func scimUserLifecycleSurvivesAWorkerCrashAndRestart() async throws {
        try await withRunningSystem { system in
            #expect(await system.ready(), "system did not become ready: \(system.logText)")
            let http = system.http

            // Create.
            let created = try await http.send("POST", "/scim/v2/Users", json: TestHTTP.user("Barbara.Jensen@example.com", extra: [
                "externalId": .string("00ujl29u0le5T6Aj10h7"), "password": .string("1mz050nq"),
                "emails": .array([.object(["value": .string("bjensen@example.com"), "type": .string("work"), "primary": .bool(true)])]),
            ]))
            #expect(created.status == 201, "\(created.object)")
            let id = try #require(created.object["id"]?.stringValue)
            #expect(created.header("Location") == "http://127.0.0.1:\(system.httpPort)/scim/v2/Users/\(id)")
            #expect(created.header("ETag") == "W/\"1\"")

            // Duplicate userName, other case: 409 uniqueness.
            let duplicate = try await http.send("POST", "/scim/v2/Users", json: TestHTTP.user("barbara.jensen@EXAMPLE.com"))
            #expect(duplicate.status == 409 && duplicate.object["scimType"] == .string("uniqueness"))

            // Get and filter (Okta's lookup, Entra's externalId match, email).
            let fetched = try await http.send("GET", "/scim/v2/Users/\(id)")
            #expect(fetched.status == 200 && fetched.object["userName"] == .string("Barbara.Jensen@example.com"))
            #expect(fetched.object["password"] == nil)
            for filter in [#"userName eq "barbara.jensen@example.com""#, #"externalId eq "00ujl29u0le5T6Aj10h7""#, #"emails.value eq "BJENSEN@example.com""#,
                       #"meta.resourceType eq "User""#, #"meta.location ew "/Users/\#(id)""#, #"meta.version eq "W/\"1\"""#] {
                let page = try await http.send("GET", "/scim/v2/Users?filter=\(filter.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)&startIndex=1&count=100")
                #expect(page.object["totalResults"] == .int(1), "\(filter)")
                #expect(page.object["Resources"]?.arrayValue?.first?.objectValue?["id"] == .string(id))
            }
            let none = try await http.send("GET", "/scim/v2/Users?filter=userName%20eq%20%22nobody%22")
            #expect(none.status == 200 && none.object["totalResults"] == .int(0) && none.object["Resources"] == .array([]))

            // Replace with If-Match; a stale version is refused.
            let replaced = try await http.send("PUT", "/scim/v2/Users/\(id)", json: TestHTTP.user("bjensen", extra: ["active": .bool(false)]), headers: ["If-Match": "W/\"1\""])
            #expect(replaced.status == 200 && replaced.header("ETag") == "W/\"2\"" && replaced.object["active"] == .bool(false))
            let stale = try await http.send("PUT", "/scim/v2/Users/\(id)", json: TestHTTP.user("bjensen"), headers: ["If-Match": "W/\"1\""])
            #expect(stale.status == 412)

            // The password is in the store only as a salted hash.
            let store = try Data(contentsOf: system.directory.appendingPathComponent("users.sqlite"))
                + ((try? Data(contentsOf: system.directory.appendingPathComponent("users.sqlite-wal"))) ?? Data())
            #expect(store.range(of: Data("1mz050nq".utf8)) == nil)
            #expect(!system.logText.contains("1mz050nq") && !system.logText.contains(e2eToken))

            // Kill the worker: the ingress answers 503 (or 504) quickly, never hangs.
            await TestProcesses.stop(system.users!, signal: SIGKILL)
            let started = ContinuousClock.now
            let outage = try await http.send("GET", "/scim/v2/Users/\(id)")
            #expect([503, 504].contains(outage.status))
            #expect(outage.object["schemas"] == .array([.string(SCIMError.errorSchema)]))
            #expect(ContinuousClock.now - started < .seconds(3))
            #expect(try await http.send("GET", "/readyz").status == 503)

            // Restart it: the data is still there.
            try system.startUsers()
            #expect(await system.ready())
            let again = try await http.send("GET", "/scim/v2/Users/\(id)")
            #expect(again.status == 200 && again.object["userName"] == .string("bjensen") && again.header("ETag") == "W/\"2\"")

            // Delete.
            #expect(try await http.send("DELETE", "/scim/v2/Users/\(id)").status == 204)
            #expect(try await http.send("GET", "/scim/v2/Users/\(id)").status == 404)
            #expect(try await http.send("DELETE", "/scim/v2/Users/\(id)").status == 404)

            // SIGTERM: every process exits cleanly, promptly (no periodic service may hold it up).
            let stopping = ContinuousClock.now
            #expect(await TestProcesses.stop(system.ingress!) == 0)
            #expect(await TestProcesses.stop(system.users!) == 0)
            #expect(await TestProcesses.stop(system.groups!) == 0)
            #expect(await TestProcesses.stop(system.sync!) == 0)
            #expect(ContinuousClock.now - stopping < .seconds(8))
        }
    }

    @Test func hungWorkerGivesGatewayTimeoutWithinTheDeadline() async throws {
        try await withRunningSystem { system in
            #expect(await system.ready(), "\(system.logText)")
            kill(system.users!.processIdentifier, SIGSTOP)
            let started = ContinuousClock.now
            let reply = try await system.http.send("GET", "/scim/v2/Users")
            let elapsed = ContinuousClock.now - started
            kill(system.users!.processIdentifier, SIGCONT)
            #expect(reply.status == 504)
            #expect(reply.object["status"] == .string("504"))
            #expect(elapsed < .seconds(4))
        }
    }
}

/// A client that connects and sends nothing does not hold its connection (http.idleTimeoutSeconds).
@Suite(.serialized)
struct IdleConnectionTests {
    @Test func aSilentConnectionIsClosedAfterTheIdleTimeout() async throws {
        try await withRunningSystem(configure: { $0.ingressArguments = ["--http-idle-timeout-seconds", "1"] }) { system in
            try #require(await system.ready(), "\(system.logText)")
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(system.httpPort).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            try #require(connected == 0)
            var timeout = timeval(tv_sec: 15, tv_usec: 0)  // the read gives up long after the server should have closed
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var byte: UInt8 = 0
            let got = read(fd, &byte, 1)
            #expect(got == 0, "the server did not close a silent connection (read returned \(got), errno \(errno))")
            // And a real client still gets its answer.
            #expect(try await system.http.send("GET", "/scim/v2/Users").status == 200)
        }
    }
}
