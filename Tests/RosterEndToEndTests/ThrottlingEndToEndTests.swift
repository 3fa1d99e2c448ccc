import Foundation
import RosterTestSupport
import SCIMCore
import Testing

/// Throttling against a real ingress and workers: failures slow down only the failing client, a
/// configuration is held to its rate, and behind a trusted proxy the forwarded client is the source.
@Suite(.serialized)
struct ThrottlingEndToEndTests {
    @Test func aBurstOfBadTokensFromTheSameAddressNeverSlowsAValidIdP() async throws {
        try await withRunningSystem { system in
            try #require(await system.ready(), "\(system.logText)")
            let attacker = TestHTTP(base: system.http.base, token: "wrong-token-sprayed-by-a-misconfigured-client")
            let valid = system.http
            // Four attackers and one IdP, all from 127.0.0.1, at the same time.
            let statuses = try await withThrowingTaskGroup(of: (bad: Bool, statuses: [Int]).self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        var statuses: [Int] = []
                        for _ in 0..<60 { statuses.append(try await attacker.send("GET", "/scim/v2/Users?count=1").status) }
                        return (true, statuses)
                    }
                }
                group.addTask {
                    var statuses: [Int] = []
                    for i in 0..<150 {
                        let status = i % 3 == 0
                            ? try await valid.send("POST", "/scim/v2/Users", json: TestHTTP.user("burst.\(i)")).status
                            : try await valid.send("GET", "/scim/v2/Users?count=1").status
                        statuses.append(status)
                    }
                    return (false, statuses)
                }
                var bad: [Int] = [], good: [Int] = []
                for try await result in group { if result.bad { bad += result.statuses } else { good += result.statuses } }
                return (bad: bad, good: good)
            }
            #expect(statuses.good.allSatisfy { $0 == 200 || $0 == 201 }, "the valid IdP got \(Set(statuses.good))")
            #expect(statuses.bad.allSatisfy { $0 == 401 || $0 == 429 }, "the attacker got \(Set(statuses.bad))")
            #expect(statuses.bad.filter { $0 == 429 }.count > 150, "the attacker was not slowed down: \(statuses.bad.filter { $0 == 429 }.count) × 429")
        }
    }

    @Test func aConfigurationOverItsRateGets429WithAnIntegerRetryAfter() async throws {
        try await withRunningSystem(configure: { $0.ingressArguments = ["--scim-rate-limit-per-second", "5", "--scim-rate-limit-burst", "5"] }) { system in
            try #require(await system.ready(), "\(system.logText)")
            // All at once: sent one after the other, a machine busy with the rest of the suite can
            // space them out enough for the budget to refill between them.
            let http = system.http
            let replies = try await withThrowingTaskGroup(of: TestHTTP.Reply.self) { group in
                for _ in 0..<15 { group.addTask { try await http.send("GET", "/scim/v2/Users?count=1") } }
                var all: [TestHTTP.Reply] = []
                for try await reply in group { all.append(reply) }
                return all
            }
            let limited = replies.filter { $0.status == 429 }
            #expect(replies.filter { $0.status == 200 }.count >= 5, "the burst is served: \(replies.map(\.status))")
            #expect(limited.count >= 5 && limited.count + replies.filter({ $0.status == 200 }).count == 15, "\(replies.map(\.status))")
            for reply in limited {
                #expect(reply.header("Retry-After").flatMap(Int.init).map { $0 >= 1 } == true, "Retry-After: \(reply.header("Retry-After") ?? "none")")
                #expect(reply.object["status"] == .string("429"))
                #expect(reply.object["scimType"] == nil)
            }
            #expect(try await system.http.send("GET", "/healthz").status == 200, "health checks are not rate limited")
            try await Task.sleep(for: .seconds(1))
            #expect(try await system.http.send("GET", "/scim/v2/Users?count=1").status == 200, "the budget refills")
        }
    }

    @Test func behindATrustedProxyEachForwardedClientIsThrottledOnItsOwn() async throws {
        try await withRunningSystem(configure: { $0.ingressArguments = ["--http-trusted-proxies", "127.0.0.0/8,::1"] }) { system in
            try #require(await system.ready(), "\(system.logText)")
            func attempt(_ token: String, forwardedFor: String) async throws -> Int {
                var client = system.http
                client.token = token
                return try await client.send("GET", "/scim/v2/Users?count=1", headers: ["X-Forwarded-For": forwardedFor]).status
            }
            for i in 0..<20 { #expect(try await attempt("bad-a-\(i)", forwardedFor: "203.0.113.7") == 401) }
            #expect(try await attempt("bad-a-20", forwardedFor: "203.0.113.7") == 429, "the failing client behind the proxy is slowed down")
            let other = try await attempt("bad-b", forwardedFor: "203.0.113.8")
            #expect(other == 401, "another client behind the same proxy is not")
            #expect(try await attempt("bad-c", forwardedFor: "203.0.113.8, 203.0.113.7") == 429,
                    "a client cannot choose its source by prepending an address: the right-most untrusted hop counts")
            #expect(try await system.http.send("GET", "/scim/v2/Users?count=1", headers: ["X-Forwarded-For": "203.0.113.7"]).status == 200,
                    "a valid token from the throttled client still gets through")
        }
    }
}
