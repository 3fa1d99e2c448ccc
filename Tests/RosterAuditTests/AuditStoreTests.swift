import Foundation
import GRDB
import Logging
import RosterAudit
import RosterPersistence
import RosterProtocol
import RosterTestSupport
import SCIMCore
import Testing

func withAuditStore(_ body: (GroupCommitHandler, DatabasePool) async throws -> Void) async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("roster-audit-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    let pool = try StoreDatabase.open(path: directory.appendingPathComponent("audit.sqlite").path, migrator: AuditStore.migrator, logger: Logger(label: "test"))
    let retention = AuditRetention(maxAgeDays: nil, maxRecords: nil)
    try await body(try GroupCommitHandler(pool: pool, table: AuditStore.commands(retention: retention), logger: Logger(label: "test")), pool)
}

/// A record with the fields the filters look at; `n` orders them in time.
func record(
    _ n: Int64, configuration: String = "okta", method: String = "POST", path: String = "/scim/v2/Users", status: Int = 201,
    type: String? = "User", resource: String? = nil, subject: String? = nil, kind: AuditRecord.Kind = .scim, origin: Int64 = 7
) -> AuditRecord {
    AuditRecord(origin: origin, seq: n, at: 1_800_000_000_000 + n * 1000, kind: kind, configurationID: configuration, method: method, path: path,
                resourceType: type, resourceID: resource, subject: subject, status: status, requestBody: "{\"n\":\(n)}", responseBody: "{}")
}

struct AuditStoreTests {
    static let history: [AuditRecord] = [
        record(1, resource: "u1", subject: "un_001"),
        record(2, resource: "u2", subject: "un_002"),
        record(3, configuration: "entra", method: "PATCH", path: "/scim/v2/Users/u1", status: 200, resource: "u1", subject: "un_001"),
        record(4, configuration: "entra", method: "GET", path: "/scim/v2/Users", status: 200),
        record(5, method: "POST", path: "/scim/v2/Users", status: 409, subject: "un_002"),
        record(6, method: "DELETE", path: "/scim/v2/Groups/g1", status: 404, type: "Group", resource: "g1"),
        record(7, configuration: "entra", method: "POST", path: "/scim/v2/Groups", status: 201, type: "Group", resource: "g2", subject: "Sales Team"),
        record(8, method: "GET", path: "/admin/api/v1/configurations", status: 200, type: "Configuration", kind: .admin),
        record(9, method: "PUT", path: "/scim/v2/Users/u2", status: 500, resource: "u2", subject: "UN_002"),
    ]

    @Test func aRedeliveredRecordIsStoredOnce() async throws {
        try await withAuditStore { store, _ throws in
            #expect(try store.run(AppendAuditRecords(records: Array(Self.history.prefix(5)))).stored == 5)
            #expect(try store.run(AppendAuditRecords(records: Self.history)).stored == 4, "the first five are replays")
            #expect(try store.run(GetAuditSummary()).records == 9)
        }
    }

    @Test(arguments: [
        (AuditFilter(), [9, 8, 7, 6, 5, 4, 3, 2, 1]),
        (AuditFilter(configurationID: "entra"), [7, 4, 3]),
        (AuditFilter(method: "post"), [7, 5, 2, 1]),
        (AuditFilter(status: 200), [8, 4, 3]),
        (AuditFilter(statusClass: 4), [6, 5]),
        (AuditFilter(statusClass: 5), [9]),
        (AuditFilter(resourceType: "Group"), [7, 6]),
        (AuditFilter(resourceID: "u1"), [3, 1]),
        (AuditFilter(kind: .admin), [8]),
        (AuditFilter(from: 1_800_000_003_000, to: 1_800_000_006_000), [5, 4, 3]),
        (AuditFilter(text: "un_002"), [9, 5, 2]),
        (AuditFilter(text: "sales"), [7]),
        (AuditFilter(text: "Groups/g1"), [6]),
        (AuditFilter(text: "g1"), [6]),
        (AuditFilter(configurationID: "okta", method: "POST", statusClass: 2, text: "un_"), [2, 1]),
        (AuditFilter(text: "nobody"), []),
    ] as [(AuditFilter, [Int64])])
    func everyFilterSelectsExactlyTheMatchingRecordsNewestFirst(filter: AuditFilter, expected: [Int64]) async throws {
        try await withAuditStore { store, _ throws in
            _ = try store.run(AppendAuditRecords(records: Self.history))
            #expect(try store.run(QueryAudit(filter: filter, limit: 100)).records.map(\.seq) == expected)
        }
    }

    @Test func pagesFollowEachOtherWithoutGapsOrRepeats() async throws {
        try await withAuditStore { store, _ throws in
            // Equal times too: the id breaks the tie.
            let records = (1...25).map { n in
                var r = record(Int64(n))
                r.at = 1_800_000_000_000 + Int64(n / 3) * 1000
                return r
            }
            _ = try store.run(AppendAuditRecords(records: records))
            var seen: [Int64] = []
            var after: Int64?
            repeat {
                let page = try store.run(QueryAudit(filter: AuditFilter(), limit: 7, after: after))
                seen += page.records.map(\.seq)
                after = page.next
            } while after != nil
            #expect(seen == Array((1...25).reversed()).map(Int64.init))
        }
    }

    @Test func idsFollowTimeEvenForRecordsDeliveredLateOrInTheSameMillisecond() async throws {
        try await withAuditStore { store, _ throws in
            var late = record(3)
            late.at = 1_800_000_002_000  // arrives last, happened second
            var same = (10...12).map { record(Int64($0)) }
            for i in same.indices { same[i].at = 1_800_000_009_000 }
            _ = try store.run(AppendAuditRecords(records: [record(1), record(5)] + same + [late]))
            let listed = try store.run(QueryAudit(filter: AuditFilter(), limit: 100)).records
            #expect(listed.map(\.seq) == [12, 11, 10, 5, 3, 1])
            #expect(listed.map(\.id) == listed.map(\.id).sorted(by: >))
            // A millisecond that is full spills over without failing the batch.
            var crowd = (100..<(100 + 4200)).map { record(Int64($0)) }
            for i in crowd.indices { crowd[i].at = 1_800_000_020_000 }
            #expect(try store.run(AppendAuditRecords(records: crowd)).stored == 4200)
            #expect(try store.run(AppendAuditRecords(records: [record(20)])).stored == 1, "the next millisecond still has room")
        }
    }

    @Test func bodiesComeBackWithTheRecord() async throws {
        try await withAuditStore { store, _ throws in
            _ = try store.run(AppendAuditRecords(records: [record(42, subject: "bodies")]))
            let found = try store.run(QueryAudit(filter: AuditFilter(), limit: 1)).records
            #expect(found.first?.requestBody == "{\"n\":42}" && found.first?.responseBody == "{}" && found.first?.id ?? 0 > 0)
        }
    }

    @Test func clearRemovesEveryRecordAndItsText() async throws {
        try await withAuditStore { store, _ throws in
            _ = try store.run(AppendAuditRecords(records: Self.history))
            #expect(try store.run(ClearAudit()).removed == 9)
            #expect(try store.run(GetAuditSummary()).records == 0)
            #expect(try store.run(QueryAudit(filter: AuditFilter(text: "un_002"), limit: 10)).records.isEmpty)
            _ = try store.run(AppendAuditRecords(records: [record(100, subject: "un_002")]))
            #expect(try store.run(QueryAudit(filter: AuditFilter(text: "un_002"), limit: 10)).records.map(\.seq) == [100])
        }
    }

    @Test func retentionRemovesRecordsOlderThanTheAgeLimitAndBeyondTheCount() async throws {
        try await withAuditStore { store, pool throws in
            let now = Date(timeIntervalSince1970: 1_800_000_000)
            let day: Int64 = 86_400_000
            let records = (0..<20).map { n in
                var r = record(Int64(n), subject: "user\(n)")
                r.at = Int64(now.timeIntervalSince1970 * 1000) - Int64(20 - n) * day  // 20 days old … 1 day old
                return r
            }
            _ = try store.run(AppendAuditRecords(records: records))
            let byAge = AuditRetentionService(pool: pool, retention: AuditRetention(maxAgeDays: 10, maxRecords: nil), interval: .seconds(60), logger: Logger(label: "t"))
            #expect(try await byAge.enforce(now: now, chunk: 3) == 10, "records 20 … 11 days old are beyond 10 days; the one exactly 10 days old stays")
            let byCount = AuditRetentionService(pool: pool, retention: AuditRetention(maxAgeDays: nil, maxRecords: 4), interval: .seconds(60), logger: Logger(label: "t"))
            #expect(try await byCount.enforce(now: now, chunk: 2) == 6)
            #expect(try store.run(QueryAudit(filter: AuditFilter(), limit: 100)).records.map(\.seq) == [19, 18, 17, 16])
            #expect(try store.run(QueryAudit(filter: AuditFilter(text: "user1"), limit: 100)).records.map(\.seq) == [19, 18, 17, 16],
                    "removed records leave the text index too")
        }
    }

    @Test func retentionSetAtRuntimeOverridesTheConfigurationAndZeroRemovesALimit() async throws {
        try await withAuditStore { store, pool throws in
            _ = try store.run(AppendAuditRecords(records: (1...10).map { record(Int64($0)) }))
            #expect(try store.run(GetAuditSummary()).maxRecords == nil, "the test store's configuration has no limits")
            let set = try store.run(SetAuditRetention(maxAgeDays: nil, maxRecords: 4))
            #expect(set.maxRecords == 4 && set.maxAgeDays == nil)
            let service = AuditRetentionService(pool: pool, retention: AuditRetention(maxAgeDays: nil, maxRecords: nil), interval: .seconds(60), logger: Logger(label: "t"))
            #expect(try await service.enforce(now: Date()) == 6)
            #expect(try store.run(SetAuditRetention(maxAgeDays: 30, maxRecords: 0)) == AuditSummary(
                records: 4, oldest: 1_800_000_007_000, newest: 1_800_000_010_000, maxAgeDays: 30, maxRecords: nil))
            expectSCIMError(status: 400, scimType: .invalidValue) { try store.run(SetAuditRetention(maxAgeDays: -1, maxRecords: nil)) }
        }
    }

    @Test func aFilteredPageIsAnIndexWalkNotASort() async throws {
        try await withAuditStore { _, pool throws in
            let plans = try pool.read { db in
                try ["configurationId", "method", "status", "statusClass", "resourceType", "resourceId", "kind"].map { column in
                    try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN SELECT * FROM audit WHERE \(column) = 1 AND id >= 5 AND id < 500 ORDER BY id DESC LIMIT 51")
                        .map { $0["detail"] as String }.joined(separator: "; ")
                }
            }
            for plan in plans {
                #expect(plan.contains("USING INDEX audit_") && !plan.contains("TEMP B-TREE"), "\(plan)")
            }
        }
    }
}
