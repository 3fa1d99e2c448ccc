import Foundation
import RosterTestSupport
import SCIMCore
import Testing

/// The audit log end to end: real ingresses, a real `roster-audit` and its SQLite file.
@Suite(.serialized)
struct AuditEndToEndTests {
    static func admin(_ system: RunningSystem) -> TestHTTP { TestHTTP(base: system.http.base, token: e2eAdminToken) }

    func records(_ system: RunningSystem, _ query: String = "") async throws -> [[String: JSONValue]] {
        let reply = try await Self.admin(system).send("GET", "/admin/api/v1/audit/records?limit=1000\(query.isEmpty ? "" : "&" + query)")
        #expect(reply.status == 200, "\(reply.object)")
        return reply.object["records"]?.arrayValue?.compactMap(\.objectValue) ?? []
    }

    /// The records, or nil while the audit worker does not answer (polling right after it starts).
    func recordsOnceReachable(_ system: RunningSystem, _ query: String) async -> [[String: JSONValue]]? {
        guard let reply = try? await Self.admin(system).send("GET", "/admin/api/v1/audit/records?limit=1000&\(query)"), reply.status == 200 else { return nil }
        return reply.object["records"]?.arrayValue?.compactMap(\.objectValue)
    }

    func setAuditing(_ system: RunningSystem, _ on: Bool) async throws {
        let reply = try await Self.admin(system).send("PATCH", "/admin/api/v1/audit", body: #"{"enabled":\#(on)}"#, headers: ["Content-Type": "application/json"])
        #expect(reply.status == 200 && reply.object["enabled"] == .bool(on), "\(reply.object)")
    }

    @Test func auditingIsOffByDefaultAndTheSwitchReachesEveryIngressWithinTwoSeconds() async throws {
        try await withRunningSystem { system in
            let otherPort = TestProcesses.port()
            // Adopted: the system's stop ends this second ingress too, on every path.
            try system.adopt(system.launchIngress(port: otherPort, spool: "other-spool.ndjson"))
            let second = TestHTTP(base: "http://127.0.0.1:\(otherPort)", token: e2eToken)
            #expect(await system.ready(), "\(system.logText)")
            #expect(await eventually { (try? await second.send("GET", "/readyz"))?.status == 200 })

            #expect(try await second.send("POST", "/scim/v2/Users", json: TestHTTP.user("before@example.com")).status == 201)
            try await Task.sleep(for: .milliseconds(1500))
            #expect(try await records(system).isEmpty, "off by default")

            // Turned on through the first ingress; the second learns it from the sync worker. Probes go
            // to the second every 100 ms; the first one it records arrived within 2 s of the switch.
            try await setAuditing(system, true)
            let switched = Date()
            #expect(await eventually(timeout: .seconds(5)) {
                _ = try? await second.send("GET", "/scim/v2/Users?filter=userName%20eq%20%22probe%22")
                return (await recordsOnceReachable(system, "resourceType=User&method=GET") ?? []).count > 0
            })
            let firstProbe = try #require(try await records(system, "resourceType=User&method=GET").last?["time"]?.stringValue)
            let recordedAt = try #require(try? Date(firstProbe, strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true)))
            // The design gives 2 s (a refresh every second); the bound allows for a machine busy with
            // the rest of the suite (2.5 s seen in CI), while still catching a switch that never arrives.
            #expect(recordedAt.timeIntervalSince(switched) < 4.0, "applied \(recordedAt.timeIntervalSince(switched)) s after the switch")
            #expect(try await records(system, "q=before@example.com").isEmpty, "nothing from before the switch")

            try await setAuditing(system, false)
            try await Task.sleep(for: .milliseconds(2000))
            // Off on the second ingress too: once the switch arrived (2 s, or a little more on a busy
            // machine), a write through it is no longer recorded.
            var unrecorded = false
            for n in 0..<5 where !unrecorded {
                let count = try await records(system).count
                #expect(try await second.send("POST", "/scim/v2/Users", json: TestHTTP.user("after\(n)@example.com")).status == 201)
                try await Task.sleep(for: .milliseconds(1000))
                unrecorded = try await records(system).count == count
            }
            #expect(unrecorded, "off on the second ingress too")
        }
    }

    @Test func eachRecordSaysWhatWasAskedAndAnsweredAndEveryFilterFindsIt() async throws {
        try await withRunningSystem { system in
            #expect(await system.ready(), "\(system.logText)")
            try await setAuditing(system, true)
            let http = system.http
            let secret = "Sup3r-Secret-Pass!-e2e"
            let created = try await http.send("POST", "/scim/v2/Users", json: TestHTTP.user("un_002", extra: ["password": .string(secret)]))
            let id = try #require(created.object["id"]?.stringValue)
            let patch = json(#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"password","value":"\#(secret)"}]}"#)
            #expect(try await http.send("PATCH", "/scim/v2/Users/\(id)", json: patch).status == 200)
            #expect(try await http.send("POST", "/scim/v2/Users", json: TestHTTP.user("un_002")).status == 409)
            #expect(try await http.send("GET", "/scim/v2/Users/no-such-id", headers: ["User-Agent": "Okta SCIM Client 1.0.0"]).status == 404)
            let group = try await http.send("POST", "/scim/v2/Groups", json: json(#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Sales, \"EMEA\"\nTeam","members":[{"value":"\#(id)"}]}"#))
            let groupID = try #require(group.object["id"]?.stringValue)
            #expect(try await http.send("GET", "/scim/v2/Groups/\(groupID)").status == 200, "a streamed answer")
            #expect(try await http.send("DELETE", "/scim/v2/Users/\(id)").status == 204)
            #expect(await eventually { (await recordsOnceReachable(system, "kind=scim") ?? []).count == 7 })

            let creation = try await records(system, "q=un_002&method=POST&status=201")
            #expect(creation.count == 1)
            let r = try #require(creation.first)
            #expect(r["resourceType"] == .string("User") && r["resourceId"] == .string(id) && r["subject"] == .string("un_002"))
            #expect(r["configurationName"] == .string("default") && r["directoryId"] == .string("default") && r["source"] == .string("127.0.0.1"))
            #expect(r["scimVersion"] == .string("2.0") && r["path"] == .string("/scim/v2/Users") && (r["durationMs"].map { $0 != .null } ?? false))
            #expect(r["requestBody"]?.stringValue?.contains("[redacted]") == true && r["responseBody"]?.stringValue?.contains(id) == true)
            #expect(r["requestBody"]?.stringValue?.contains("truncated") == false)

            // Which IdP sent it: the User-Agent is kept (the first step of IdP detection).
            #expect(try await records(system, "status=404").first?["userAgent"] == .string("Okta SCIM Client 1.0.0"))
            let conflict = try await records(system, "status=409")
            #expect(conflict.count == 1 && conflict.first?["scimType"] == .string("uniqueness"))
            #expect(try await records(system, "status=4xx").count == 2)
            #expect(try await records(system, "method=patch").first?["subject"] == .string("un_002"), "the name comes from the answer")
            #expect(try await records(system, "resourceId=\(id)").count == 3)
            let deletion = try await records(system, "q=un_002&method=DELETE")
            #expect(deletion.count == 1 && deletion.first?["subject"] == .string("un_002"), "who deleted un_002 is one search away")
            let groupRecords = try await records(system, "resourceType=Group")
            #expect(groupRecords.map { $0["method"] } == [.string("GET"), .string("POST")])
            #expect(groupRecords.allSatisfy { $0["subject"] == .string("Sales, \"EMEA\"\nTeam") })
            #expect(groupRecords.first?["responseBody"]?.stringValue?.contains(id) == true, "the streamed members are in the record")
            #expect(try await records(system, "configuration=default&kind=scim").count == 7)
            #expect(try await records(system, "configuration=nobody").isEmpty)
            #expect(try await records(system, "kind=admin").count >= 1, "admin calls are recorded, marked as such")
            let newest = try #require(try await records(system, "kind=scim").first?["time"]?.stringValue)
            #expect(try await records(system, "kind=scim&from=\(newest)").count == 1)
            #expect(try await records(system, "kind=scim&to=\(newest)").count == 6)
            let page = try await Self.admin(system).send("GET", "/admin/api/v1/audit/records?kind=scim&limit=3")
            let next = try #require(page.object["next"]?.stringValue)
            #expect(try await records(system, "kind=scim&after=\(next)").count == 4)

            // The CSV export holds the same records, quoted.
            let csv = String(decoding: try await Self.admin(system).send("GET", "/admin/api/v1/audit/records.csv?kind=scim").body, as: UTF8.self)
            #expect(csv.hasPrefix("id,time,kind,") && csv.contains("\"Sales, \"\"EMEA\"\"\nTeam\""))

            // The password: not in the store's files, not in the export, not in the logs.
            await system.stop(keepFiles: true)
            var haystack = Data(csv.utf8)
            for file in try FileManager.default.contentsOfDirectory(atPath: system.directory.path) {
                haystack += (try? Data(contentsOf: system.directory.appendingPathComponent(file))) ?? Data()
            }
            #expect(haystack.range(of: Data(secret.utf8)) == nil)
            #expect(haystack.range(of: Data("un_002".utf8)) != nil, "the haystack is the real one")
            try? FileManager.default.removeItem(at: system.directory)
        }
    }

    /// No loss: the audit worker stops for a while under load, then every record
    /// is there, in order. A small memory bound makes the ingress spool to disk meanwhile, and a
    /// restart of the ingress in the middle keeps what it spooled.
    @Test func noRecordIsLostWhileTheAuditWorkerIsDown() async throws {
        try await withRunningSystem(configure: { $0.ingressArguments = ["--audit-memory-bytes", "20000"] }) { system in
            #expect(await system.ready(), "\(system.logText)")
            try await setAuditing(system, true)
            let http = system.http

            func load(_ prefix: String, _ count: Int) async -> Int {
                await withTaskGroup(of: Int.self) { group in
                    for worker in 0..<4 {
                        group.addTask {
                            var ok = 0
                            for i in stride(from: worker, to: count, by: 4) {
                                if (try? await http.send("POST", "/scim/v2/Users", json: TestHTTP.user("\(prefix)-\(i)")))?.status == 201 { ok += 1 }
                            }
                            return ok
                        }
                    }
                    return await group.reduce(0, +)
                }
            }

            async let during = load("phase1", 200)
            try await Task.sleep(for: .milliseconds(300))
            if let audit = system.audit { await TestProcesses.stop(audit, signal: SIGKILL) }
            #expect(await during == 200, "SCIM keeps serving while the audit worker is down")
            #expect(await load("phase2", 100) == 100)
            // The ingress restarts (a deploy) while the worker is still down: its queue goes to the spool.
            if let ingress = system.ingress { await TestProcesses.stop(ingress) }
            try system.startIngress()
            #expect(await system.ready())
            #expect(system.logText.contains("audit records left in the spool by an earlier run will be delivered"))
            #expect(await load("phase3", 100) == 100)
            try system.startAudit()

            #expect(await eventually(timeout: .seconds(30)) { (await recordsOnceReachable(system, "kind=scim&method=POST") ?? []).count == 400 })
            let all = try await records(system, "kind=scim&method=POST").reversed()  // oldest first
            let names = Set(all.compactMap { $0["subject"]?.stringValue })
            #expect(names.count == 400 && ["phase1-0", "phase2-99", "phase3-50"].allSatisfy(names.contains))
            // In order: listed by the time each request arrived, although phases 1 and 2 reached the
            // store only after the outage; every phase-3 record is newer than every phase-1 one.
            let times = all.compactMap { $0["time"]?.stringValue }
            #expect(times.count == 400 && times == times.sorted())
            let position = Dictionary(uniqueKeysWithValues: all.enumerated().compactMap { i, r in r["subject"]?.stringValue.map { ($0, i) } })
            let lastPhase1 = position.filter { $0.key.hasPrefix("phase1") }.values.max() ?? .max
            let firstPhase3 = position.filter { $0.key.hasPrefix("phase3") }.values.min() ?? .min
            #expect(lastPhase1 < firstPhase3)
            let metrics = String(decoding: try await http.send("GET", "/metrics").body, as: UTF8.self)
            #expect(metrics.contains("roster_audit_records_dropped_total 0"), "\(metrics)")
        }
    }

    @Test func whenBothBoundsAreExhaustedSCIMKeepsServingAndTheDropsAreCounted() async throws {
        try await withRunningSystem(configure: { $0.ingressArguments = ["--audit-memory-bytes", "4000", "--audit-spool-max-bytes", "8000"] }) { system in
            #expect(await system.ready(), "\(system.logText)")
            try await setAuditing(system, true)
            if let audit = system.audit { await TestProcesses.stop(audit) }
            for i in 0..<60 { #expect(try await system.http.send("POST", "/scim/v2/Users", json: TestHTTP.user("bound-\(i)")).status == 201) }
            let metrics = String(decoding: try await system.http.send("GET", "/metrics").body, as: UTF8.self)
            let dropped = metrics.split(separator: "\n").first { $0.hasPrefix("roster_audit_records_dropped_total ") }.flatMap { Int($0.split(separator: " ")[1]) }
            #expect((dropped ?? 0) > 0, "\(metrics)")
            #expect(system.logText.contains("audit queue full"))
            try system.startAudit()
            #expect(await eventually { (await recordsOnceReachable(system, "q=bound-") ?? []).count == 60 - (dropped ?? 0) })
        }
    }

    @Test func clearRetentionAndTheCommandLine() async throws {
        try await withRunningSystem(configure: { $0.auditArguments = ["--audit-retention-interval-seconds", "1"] }) { system in
            #expect(await system.ready(), "\(system.logText)")
            let cliLog = system.directory.appendingPathComponent("cli.log")
            func cli(_ arguments: [String]) async throws -> (Int32, String) {
                try? FileManager.default.removeItem(at: cliLog)
                let process = try system.adopt(TestProcesses.launch("roster", ["audit"] + arguments + ["--url", system.http.base, "--admin-token", e2eAdminToken], log: cliLog))
                while process.isRunning { try await Task.sleep(for: .milliseconds(50)) }
                return (process.terminationStatus, (try? String(contentsOf: cliLog, encoding: .utf8)) ?? "")
            }
            let initial = try await cli(["status"]).1
            #expect(initial.contains("auditing : off") && initial.contains("90 days, 5000000 records"), "\(initial)")
            #expect(try await cli(["retention", "--max-records", "20"]).1.contains("90 days, 20 records"))
            #expect(try await cli(["retention", "--max-age-days", "-3"]).0 != 0)
            #expect(try await cli(["on"]).0 == 0)
            for i in 0..<12 { _ = try await system.http.send("POST", "/scim/v2/Users", json: TestHTTP.user("old-\(i)")) }
            for i in 0..<20 { _ = try await system.http.send("POST", "/scim/v2/Users", json: TestHTTP.user("new-\(i)")) }
            // Retention keeps the newest 20 records (it runs every second): the older users' records go.
            try await Task.sleep(for: .seconds(3))
            #expect(try await records(system, "q=old-").isEmpty)
            #expect(try await records(system, "q=new-").count > 10)
            let (_, listing) = try await cli(["list", "--text", "new-19"])
            #expect(listing.contains("new-19") && listing.contains("/scim/v2/Users") && listing.contains("201"), "\(listing)")
            #expect(try await cli(["list", "--status", "4x4"]).0 != 0, "a bad filter fails with the API's message")
            let file = system.directory.appendingPathComponent("export.csv")
            let (status, exported) = try await cli(["export", "--csv", file.path, "--method", "POST", "--kind", "scim"])
            #expect(status == 0 && exported.contains("Wrote"), "\(exported)")
            let rows = parseCSV(try String(contentsOf: file, encoding: .utf8))
            #expect(rows.first?.first == "id" && rows.count >= 2)
            #expect(try await cli(["clear", "--yes"]).1.contains("Removed"))
            let left = try await records(system)
            #expect(left.allSatisfy { $0["kind"] == .string("admin") }, "only the calls made since the clear (the clear itself among them)")
            #expect(try await cli(["off"]).0 == 0)
            #expect(try await cli(["status"]).1.contains("auditing : off"))
        }
    }
}

