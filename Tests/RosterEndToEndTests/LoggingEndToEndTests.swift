import Foundation
import Logging
@testable import RosterConfig
import RosterCrypto
import RosterTestSupport
import SCIMCore
import Testing

/// Logs that explain: one structured line per event, and a level that changes at runtime for
/// one service or all, reaching every process within 2 s, and going back to the startup level.
@Suite(.serialized)
struct LoggingEndToEndTests {
    @Test func aLogLineIsLogfmtOrJSONWithEveryValueQuoted() {
        let time = Date(timeIntervalSince1970: 0)
        let logfmt = RosterLogHandler.line(time: time, level: .debug, service: "roster.users", message: "batch committed",
                                           metadata: ["names": "users.create", "odd": "a \"b\"=c\nd"], format: .logfmt)
        #expect(logfmt == #"time=1970-01-01T00:00:00.000Z level=debug service=roster.users msg="batch committed" names=users.create odd="a \"b\"=c\nd""#)
        let json = RosterLogHandler.line(time: time, level: .info, service: "roster.ingress", message: "started", metadata: ["port": "8080"], format: .json)
        #expect((try? JSONValue.parse(Array(json.utf8)))?.objectValue?["port"] == .string("8080"), "\(json)")
    }

    @Test func aRuntimeLevelLastsItsTimeAndResetsToTheStartupLevel() async throws {
        let levels = LogLevelSwitch()
        levels.start(at: .warning)
        levels.set(.debug, for: .milliseconds(200))
        #expect(levels.level == .debug)
        try await Task.sleep(for: .milliseconds(300))
        #expect(levels.level == .warning, "back to the startup level when its time is up")
        levels.set(.trace)
        levels.set(nil)
        #expect(levels.level == .warning)
    }

    @Test func theLevelChangesAtRuntimeForOneServiceOrAllAndNoSecretIsLogged() async throws {
        try await withRunningSystem { system in
            try #require(await system.ready(), "\(system.logText)")
            let admin = TestHTTP(base: system.http.base, token: e2eAdminToken)
            func setLevel(_ body: String) async throws -> TestHTTP.Reply {
                try await admin.send("PATCH", "/admin/api/v1/log-level", body: body, headers: ["Content-Type": "application/json"])
            }
            func create(_ name: String) async throws {
                let reply = try await system.http.send("POST", "/scim/v2/Users", json: TestHTTP.user(name, extra: ["password": .string("Secret-Passw0rd!")]))
                #expect(reply.status == 201)
            }
            func lines(_ service: String, _ message: String) -> Int {
                system.logText.split(separator: "\n").filter { $0.contains("service=roster.\(service)") && $0.contains("msg=\(message)") }.count
            }
            let bad = try await setLevel(#"{"level":"chatty"}"#)
            #expect(bad.status == 400 && bad.object["scimType"] == .string("invalidValue"))
            let users = try await setLevel(#"{"level":"debug","service":"users","for":"10m"}"#)
            #expect(users.status == 200 && users.object["levels"]?.arrayValue?.count == 1, "\(users.object)")
            var n = 0
            let workerDebug = await eventually(timeout: .seconds(5)) {
                n += 1
                try? await create("log.user\(n)")
                return lines("users", "\"batch committed\"") > 0
            }
            #expect(workerDebug, "the users worker does not log at debug: \(system.logText.suffix(2000))")
            #expect(lines("ingress", "request") == 0, "only the users service was asked for debug")

            #expect(try await setLevel(#"{"level":"debug"}"#).status == 200)
            let ingressDebug = await eventually(timeout: .seconds(5)) {
                n += 1
                try? await create("log.user\(n)")
                return lines("ingress", "request") > 0
            }
            #expect(ingressDebug, "the ingress does not log requests at debug")
            let request = system.logText.split(separator: "\n").first { $0.contains("service=roster.ingress") && $0.contains("msg=request") }
            #expect(request?.contains("configuration=default") == true && request?.contains("status=201") == true, "\(request ?? "")")

            #expect(try await setLevel(#"{"level":"reset"}"#).status == 200)
            try await Task.sleep(for: .seconds(3))
            let (requests, batches) = (lines("ingress", "request"), lines("users", "\"batch committed\""))
            for _ in 0..<3 {
                n += 1
                try await create("log.user\(n)")
            }
            try await Task.sleep(for: .milliseconds(300))
            #expect(lines("ingress", "request") == requests && lines("users", "\"batch committed\"") == batches, "back to the startup level")
            for secret in [e2eToken, e2eAdminToken, "Secret-Passw0rd!", Secrets.sha256Hex(e2eToken), Secrets.sha256Hex(e2eAdminToken)] {
                #expect(!system.logText.contains(secret), "a secret (or its hash) is in the log")
            }
            // At info, the ingress says what it runs with: addresses and the shard maps, never a secret.
            let starting = system.logText.split(separator: "\n").first { $0.contains("service=roster.ingress") && $0.contains("msg=\"ingress starting\"") }
            #expect(starting?.contains("users=tcp://") == true && starting?.contains("adminApi=on") == true && starting?.contains("bootstrapToken=set") == true,
                    "\(starting ?? "no start line")")
        }
    }

    @Test func oneRequestIdFollowsARequestThroughTheIngressTheWorkerAndTheAuditLog() async throws {
        try await withRunningSystem { system in
            try #require(await system.ready(), "\(system.logText)")
            let admin = TestHTTP(base: system.http.base, token: e2eAdminToken)
            #expect(try await admin.send("PATCH", "/admin/api/v1/audit", body: #"{"enabled":true}"#, headers: ["Content-Type": "application/json"]).status == 200)
            #expect(try await admin.send("PATCH", "/admin/api/v1/log-level", body: #"{"level":"debug","for":"5m"}"#, headers: ["Content-Type": "application/json"]).status == 200)
            let id = "okta-trace.0001"
            var reply = try await system.http.send("POST", "/scim/v2/Users", json: TestHTTP.user("traced0"), headers: ["X-Request-Id": id])
            let traced = await eventually(timeout: .seconds(5)) {
                // The level reaches the users worker within a second or two; the id is on its line once it does.
                if system.logText.contains("requests=\(id)") { return true }
                reply = (try? await system.http.send("POST", "/scim/v2/Users", json: TestHTTP.user("traced\(Int.random(in: 1...1_000_000))"), headers: ["X-Request-Id": id])) ?? reply
                return false
            }
            #expect(reply.header("X-Request-Id") == id)
            #expect(traced, "the users worker's batch line does not name the request: \(system.logText.suffix(1500))")
            // The ingress writes its request line after the answer: it may land a moment after the worker's.
            #expect(await eventually(timeout: .seconds(5)) {
                system.logText.split(separator: "\n").contains { $0.contains("service=roster.ingress") && $0.contains("msg=request") && $0.contains("request=\(id)") }
            })
            let generated = try await system.http.send("GET", "/scim/v2/Users", headers: ["X-Request-Id": "not acceptable; has spaces"])
            let new = try #require(generated.header("X-Request-Id"))
            #expect(new.count == 16 && new.allSatisfy(\.isHexDigit), "a new id replaces an unacceptable one: \(new)")
            let audited = await eventually(timeout: .seconds(5)) {
                let records = try? await admin.send("GET", "/admin/api/v1/audit/records?method=POST&limit=50")
                return records?.object["records"]?.arrayValue?.contains { $0.objectValue?["requestId"] == .string(id) } == true
            }
            #expect(audited, "the audit record does not carry the request id")
        }
    }
}
