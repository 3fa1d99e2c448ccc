import Foundation
import GRDB
import RosterTestSupport
import SCIMCore
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The fault-injection run (issue "Hardening"): under SCIM load, `roster up` supervising, every kind
/// of process is SIGKILLed in turn, the users worker is frozen (SIGSTOP) past the deadline, and the
/// stores' disk is filled. Then: every acknowledged write is present with its acknowledged
/// content, no request outlived its deadline, the outbox drained, the audit log holds the
/// acknowledged writes, and the service came back on its own. It prints the figures.
///
/// CI runs it for 24 s; `ROSTER_FAULT_SECONDS=600 swift test --filter FaultInjection` is the long run.
@Suite(.serialized)
struct FaultInjectionTests {
    static var seconds: Int { Int(ProcessInfo.processInfo.environment["ROSTER_FAULT_SECONDS"] ?? "") ?? 24 }
    static let faults = ["kill users", "kill groups", "stop users", "kill sync", "kill audit", "kill ingress", "fill disk"]

    @Test func underLoadWithEveryProcessKilledNothingAcknowledgedIsLostAndNothingHangs() async throws {
        let harness = try FaultHarness()
        do {
            try await run(harness)
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    func run(_ h: FaultHarness) async throws {
        try await h.start()
        let scim = h.scim
        #expect(try await h.admin.send("PATCH", "/admin/api/v1/audit", json: .object(["enabled": .bool(true)])).status == 200)
        var targets: [String] = []
        for i in 0..<2 {
            let created = try await scim.send("POST", "/scim/v2/Users", json: TestHTTP.user("fault.patch.\(i)"))
            try #require(created.status == 201, "\(created.status)")
            targets.append(try #require(created.object["id"]?.stringValue))
        }
        let ledger = FaultLedger()
        let patched = targets
        let ends = ContinuousClock.now + .seconds(Self.seconds)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addLoad(clients: 3, until: ends) { client, n in
                let name = "fault.\(client).\(n)"
                let (reply, seconds) = await FaultLedger.timed { try await scim.send("POST", "/scim/v2/Users", json: TestHTTP.user(name, extra: ["displayName": .string(name)])) }
                ledger.creates.withLock { $0.append(.init(name: name, id: reply?.object["id"]?.stringValue, value: name, status: reply?.status ?? 0, seconds: seconds)) }
                if reply == nil || reply!.status >= 500 { try await Task.sleep(for: .milliseconds(50)) }
            }
            group.addLoad(clients: patched.count, until: ends) { client, n in
                let value = "v\(n)"
                let patch: JSONValue = .object([
                    "schemas": .array([.string("urn:ietf:params:scim:api:messages:2.0:PatchOp")]),
                    "Operations": .array([.object(["op": .string("replace"), "path": .string("displayName"), "value": .string(value)])]),
                ])
                let (reply, seconds) = await FaultLedger.timed { try await scim.send("PATCH", "/scim/v2/Users/\(patched[client])", json: patch) }
                ledger.patches.withLock { $0[patched[client], default: []].append(.init(name: patched[client], value: value, status: reply?.status ?? 0, seconds: seconds)) }
                if reply == nil || reply!.status >= 500 { try await Task.sleep(for: .milliseconds(50)) }
            }
            group.addLoad(clients: 1, until: ends + .seconds(3)) { _, _ in
                let ok = (try? await TestHTTP(base: scim.base, token: scim.token).send("GET", "/scim/v2/Users?count=1").status) == 200
                ledger.probe(ok: ok)
                try await Task.sleep(for: .milliseconds(100))
            }
            group.addTask {
                var index = 0
                while ContinuousClock.now + .seconds(4) < ends {
                    try await Task.sleep(for: .milliseconds(1500))
                    let fault = Self.faults[index % Self.faults.count]
                    index += 1
                    try await inject(fault, h, ledger)
                }
            }
            try await group.waitForAll()
        }
        #expect(await eventually(timeout: .seconds(30)) { (try? await scim.send("GET", "/readyz").status) == 200 }, "no recovery:\n\(h.logText.suffix(3000))")
        try await verify(h, ledger)
    }

    func inject(_ fault: String, _ h: FaultHarness, _ ledger: FaultLedger) async throws {
        let parts = fault.split(separator: " ").map(String.init)
        switch parts[0] {
        case "kill":
            guard let pid = h.pid(parts[1]) else { return }
            kill(pid, SIGKILL)
        case "stop":
            guard let pid = h.pid(parts[1]) else { return }
            kill(pid, SIGSTOP)
            try await Task.sleep(for: .milliseconds(h.timeoutMilliseconds + 1000))  // past every caller's deadline
            kill(pid, SIGCONT)
        default:
            guard await h.fillDisk(for: .seconds(2)) else { return }
        }
        ledger.count(fault)
    }
}
