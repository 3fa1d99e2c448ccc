import Foundation
import GRDB
import RosterTestSupport
import SCIMCore
import Synchronization
import Testing

extension FaultInjectionTests {
    /// Checks the store against every answer, and prints the run's figures.
    func verify(_ h: FaultHarness, _ ledger: FaultLedger) async throws {
        let scim = h.scim
        let creates = ledger.creates.withLock { $0 }
        let patches = ledger.patches.withLock { $0 }
        var lost: [String] = [], refusedButApplied: [String] = []
        for write in creates where write.status == 201 {
            let reply = try await scim.send("GET", "/scim/v2/Users/\(write.id ?? "-")")
            if reply.status != 200 || reply.object["userName"]?.stringValue != write.name || reply.object["displayName"]?.stringValue != write.value {
                lost.append("\(write.name) (answered 201, now \(reply.status))")
            }
        }
        for write in creates where write.status == 503 {
            let query = "userName eq \"\(write.name)\"".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            if try await scim.send("GET", "/scim/v2/Users?filter=\(query)&count=0").object["totalResults"] != .int(0) { refusedButApplied.append(write.name) }
        }
        for (id, writes) in patches {
            // The last PATCH answered 200 holds, unless a later one whose fate the client could not
            // know (504, or no answer because the ingress died) was applied after it.
            guard let last = writes.lastIndex(where: { $0.status == 200 }) else { continue }
            let possible = [writes[last].value] + writes[(last + 1)...].filter { $0.status == 504 || $0.status == 0 }.map(\.value)
            let stored = try await scim.send("GET", "/scim/v2/Users/\(id)").object["displayName"]?.stringValue ?? "none"
            if !possible.contains(stored) { lost.append("PATCH of \(id): answered \(writes[last].value), stored \(stored)") }
        }
        let all = creates + patches.values.joined()
        let deadline = Double(h.timeoutMilliseconds) / 1000 + 2  // a second of slack for a busy machine, and one for HTTP
        let hung = all.filter { $0.seconds > deadline }
        let acknowledged = all.filter { (200..<300).contains($0.status) }.count
        let statuses = Dictionary(all.map { ($0.status, 1) }, uniquingKeysWith: +).sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }

        let outbox = await eventuallyValue(timeout: .seconds(30)) { Self.count(h.data.appendingPathComponent("users.sqlite"), "SELECT count(*) FROM outbox") }
        let dead = Self.count(h.data.appendingPathComponent("users.sqlite"), "SELECT count(*) FROM outboxDead") ?? -1
        // Every acknowledged write is in the audit log once this ingress's queue is empty; the
        // two users created before the load make up the difference.
        _ = await eventually(timeout: .seconds(30)) {
            let status = try? await h.admin.send("GET", "/admin/api/v1/audit")
            let local = status?.object["thisIngress"]?.objectValue
            return local?["queuedInMemory"] == .int(0) && local?["spooledBytes"] == .int(0)
        }
        let audited = Self.count(h.data.appendingPathComponent("audit.sqlite"), """
            SELECT count(*) FROM audit WHERE method IN ('POST', 'PATCH') AND path LIKE '/scim/v2/Users%' AND status BETWEEN 200 AND 299
            """).map { $0 - 2 } ?? -1
        let outage = ledger.outage.withLock { $0.longest }
        let faults = ledger.faults.withLock { $0 }.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", ")
        print("""
            fault-injection: \(Self.seconds) s; faults: \(faults)\(h.mounted ? "" : " (fill disk skipped: not root, no tmpfs)")
            fault-injection: writes \(all.count) (\(statuses.joined(separator: ", "))); acknowledged \(acknowledged), lost \(lost.count), refused-but-applied \(refusedButApplied.count), hung \(hung.count) (> \(deadline) s), longest answer \(String(format: "%.2f", all.map { $0.seconds }.max() ?? 0)) s
            fault-injection: max outage \(Int(outage / .milliseconds(1))) ms; outbox pending \(outbox ?? -1), dead \(dead); audit \(audited) of \(acknowledged) acknowledged writes recorded
            """)
        #expect(lost.isEmpty, "acknowledged writes lost: \(lost.prefix(10))")
        #expect(refusedButApplied.isEmpty, "writes refused with 503 were applied: \(refusedButApplied.prefix(10))")
        #expect(hung.isEmpty, "\(hung.count) answers took longer than the deadline: \(hung.map(\.seconds).sorted().suffix(5))")
        #expect(acknowledged > 50, "too little load to mean anything")
        #expect(outbox == 0 && dead == 0, "outbox pending \(outbox ?? -1), dead \(dead)")
        // A SIGKILLed ingress's queue comes back from its journal; more records than answers is
        // a request answered while the connection died.
        #expect(audited >= acknowledged, "audit: \(audited) of \(acknowledged) acknowledged writes recorded")
    }

    /// One integer from a store's SQLite file, read while its worker runs (WAL allows it).
    static func count(_ file: URL, _ sql: String) -> Int? {
        var configuration = Configuration()
        configuration.readonly = true
        guard let queue = try? DatabaseQueue(path: file.path, configuration: configuration) else { return nil }
        return try? queue.read { try Int.fetchOne($0, sql: sql) }
    }
}

/// Polls `value` until it is 0 or `timeout` passes; returns the last value.
func eventuallyValue(timeout: Duration, _ value: () async -> Int?) async -> Int? {
    var last: Int?
    _ = await eventually(timeout: timeout) {
        last = await value()
        return last == 0
    }
    return last
}
