import Foundation
import RosterCrypto
import RosterTestSupport
import SCIMCore
import Testing

/// `/metrics` of the ingress and `/metrics/<kind>/<shard>` of each worker (relayed over ZeroMQ),
/// scraped from real processes. The full catalogue is checked with a Prometheus parser by
/// `scripts/check-metrics` after the conformance run; this checks that the figures move.
@Suite(.serialized)
struct MetricsEndToEndTests {
    /// Samples of the text exposition format: `name{labels} value` → value.
    static func samples(_ text: String) -> [String: Double] {
        var out: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            out[String(line[..<space])] = value
        }
        return out
    }

    static func scrape(_ http: TestHTTP, _ path: String) async throws -> (status: Int, samples: [String: Double], contentType: String?) {
        let reply = try await TestHTTP(base: http.base).send("GET", path)
        return (reply.status, samples(String(decoding: reply.body, as: UTF8.self)), reply.header("Content-Type"))
    }

    @Test func ingressAndEveryWorkerExposeTheirOwnSeriesThatMoveWithTraffic() async throws {
        try await withRunningSystem { system in
            try #require(await system.ready(), "\(system.logText)")
            let before = try await Self.scrape(system.http, "/metrics/users/0").samples
            #expect(try await system.http.send("POST", "/scim/v2/Users", json: TestHTTP.user("metrics.user")).status == 201)
            #expect(try await TestHTTP(base: system.http.base, token: "wrong").send("GET", "/scim/v2/Users").status == 401)

            let ingress = try await Self.scrape(system.http, "/metrics")
            #expect(ingress.status == 200 && ingress.contentType?.hasPrefix("text/plain; version=0.0.4") == true)
            #expect(ingress.samples[#"roster_http_requests_total{route="/scim/v2/users",method="POST",status="201"}"#] == 1, "\(ingress.samples.keys.sorted())")
            #expect((ingress.samples[#"roster_auth_failures_total{api="scim",reason="unknown_token"}"#] ?? 0) >= 1)
            #expect((ingress.samples[#"roster_worker_requests_total{kind="users",outcome="ok"}"#] ?? 0) >= 1)
            #expect(ingress.samples.keys.contains { $0.hasPrefix("roster_http_request_duration_seconds_bucket{") })
            #expect(ingress.samples.keys.contains("roster_audit_queue_memory_records"))

            let users = try await Self.scrape(system.http, "/metrics/users/0")
            #expect(users.status == 200)
            let created = #"roster_worker_commands_total{command="users.create",outcome="ok"}"#
            #expect(users.samples[created] == (before[created] ?? 0) + 1, "\(users.samples.keys.sorted())")
            #expect((users.samples[#"roster_store_bytes{file="database"}"#] ?? 0) > 0)
            #expect(users.samples["roster_outbox_pending_events"] != nil, "the users store has an outbox")
            #expect((users.samples["roster_worker_batch_size_count"] ?? 0) >= 1)
            for kind in ["groups", "sync", "audit"] {
                let worker = try await Self.scrape(system.http, "/metrics/\(kind)/0")
                #expect(worker.status == 200 && worker.samples["roster_process_start_time_seconds"] != nil, "\(kind)")
            }
            let groups = try await Self.scrape(system.http, "/metrics/groups/0").samples
            #expect(groups["roster_outbox_pending_events"] == nil, "the groups store has no outbox")

            let unknown = try await TestHTTP(base: system.http.base).send("GET", "/metrics/users/7")
            #expect(unknown.status == 404 && unknown.object["detail"]?.stringValue?.contains("shards 0 to 0") == true)
            _ = await TestProcesses.stop(try #require(system.groups), signal: SIGKILL)
            let down = try await TestHTTP(base: system.http.base).send("GET", "/metrics/groups/0")
            #expect(down.status == 503, "a scrape of a worker that is down fails, so Prometheus marks the target down")
        }
    }

    @Test func metricsOffAnswersANotFoundThatSaysSo() async throws {
        let directory = try TestProcesses.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let port = TestProcesses.port()
        let log = directory.appendingPathComponent("ingress.log")
        let ingress = try TestProcesses.launch("roster-ingress", ["--http-port", "\(port)", "--metrics-enabled", "false"], log: log)
        try await withProcess(ingress) { _ in
            let http = TestHTTP(base: "http://127.0.0.1:\(port)")
            #expect(await eventually(timeout: .seconds(20)) { (try? await http.send("GET", "/healthz").status) == 200 }, "\(FirstHourTests.text(log))")
            for path in ["/metrics", "/metrics/users/0"] {
                let reply = try await http.send("GET", path)
                #expect(reply.status == 404 && reply.object["detail"]?.stringValue?.contains("metrics.enabled=false") == true, "\(path): \(reply.object)")
            }
        }
    }

    @Test func aMetricsTokenIsRequiredOnceConfigured() async throws {
        let directory = try TestProcesses.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let port = TestProcesses.port()
        let log = directory.appendingPathComponent("ingress.log")
        let token = "scrape-token-for-the-test"
        let digest = Secrets.sha256Hex(token)
        let ingress = try TestProcesses.launch("roster-ingress", ["--http-port", "\(port)", "--metrics-token-sha256", digest], log: log)
        try await withProcess(ingress) { _ in
            let open = TestHTTP(base: "http://127.0.0.1:\(port)")
            #expect(await eventually(timeout: .seconds(20)) { (try? await open.send("GET", "/healthz").status) == 200 }, "\(FirstHourTests.text(log))")
            for path in ["/metrics", "/metrics/users/0"] {
                let refused = try await open.send("GET", path)
                #expect(refused.status == 401 && refused.object["detail"]?.stringValue?.contains("metrics token") == true, "\(path): \(refused.object)")
            }
            #expect(try await TestHTTP(base: open.base, token: "wrong").send("GET", "/metrics").status == 401)
            let scraped = try await TestHTTP(base: open.base, token: token).send("GET", "/metrics")
            #expect(scraped.status == 200)
            #expect(Self.samples(String(decoding: scraped.body, as: UTF8.self))[#"roster_auth_failures_total{api="metrics",reason="wrong_metrics_token"}"#] == 3)
            #expect(!FirstHourTests.text(log).contains(token))
        }
    }
}
