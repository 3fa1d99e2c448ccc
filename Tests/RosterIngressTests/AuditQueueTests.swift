import Foundation
import Logging
import RosterIngress
import RosterTestSupport
import SCIMCore
import Testing

struct AuditQueueTests {
    static func line(_ n: Int) -> [UInt8] { Array(#"{"n":\#(n),"pad":"\#(String(repeating: "x", count: 80))"}"#.utf8) }

    static func drain(_ queue: AuditQueue, batch: Int = 7) -> [Int] {
        var seen: [Int] = []
        while let b = queue.nextBatch(maxRecords: batch, maxBytes: 1 << 20), !b.lines.isEmpty {
            for l in b.lines {
                let o = (try? JSONValue.parse(l))?.objectValue ?? [:]
                if case .int(let n)? = o["n"], case .int(let seq)? = o["seq"] {
                    #expect(seq == n, "seq follows queue order")
                    seen.append(Int(n))
                }
            }
            queue.acknowledge(b)
        }
        return seen
    }

    func withSpool(_ body: (String) throws -> Void) throws {
        let directory = try TestProcesses.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try body(directory.appendingPathComponent("audit-spool.ndjson").path)
    }

    @Test func recordsBeyondTheMemoryBoundGoToTheSpoolAndComeBackInOrder() throws {
        try withSpool { path throws in
            let queue = AuditQueue(limits: .init(memoryBytes: 1000, spoolBytes: 1 << 20, spoolPath: path), logger: Logger(label: "t"))
            for n in 1...50 { queue.enqueue(Self.line(n)) }
            #expect(queue.counters.memoryRecords < 50 && queue.counters.spoolBytes > 0)
            // Memory drains first; while the spool holds records, new ones go behind them.
            let first = queue.nextBatch(maxRecords: 3, maxBytes: 1 << 20)!
            queue.acknowledge(first)
            for n in 51...60 { queue.enqueue(Self.line(n)) }
            #expect(Self.drain(queue) == Array(4...60))
            #expect(queue.counters.spoolBytes == 0 && queue.counters.delivered == 60 && queue.counters.dropped == 0)
            #expect((try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) == 0, "a drained spool is emptied")
        }
    }

    @Test func beyondBothBoundsRecordsAreDroppedAndCounted() throws {
        try withSpool { path throws in
            let queue = AuditQueue(limits: .init(memoryBytes: 500, spoolBytes: 1000, spoolPath: path), logger: Logger(label: "t"))
            for n in 1...100 { queue.enqueue(Self.line(n)) }
            let c = queue.counters
            #expect(c.enqueued == 100 && c.dropped > 0 && c.memoryBytes <= 500 && c.spoolBytes <= 1000)
            #expect(Self.drain(queue).count == 100 - c.dropped)
        }
    }

    @Test func aSpoolFileServesOneIngressAtATime() throws {
        try withSpool { path throws in
            let first = AuditQueue(limits: .init(memoryBytes: 100, spoolBytes: 1 << 20, spoolPath: path), logger: Logger(label: "t"))
            let second = AuditQueue(limits: .init(memoryBytes: 100, spoolBytes: 1 << 20, spoolPath: path), logger: Logger(label: "t"))
            for n in 1...5 { first.enqueue(Self.line(n)); second.enqueue(Self.line(n)) }
            #expect(first.counters.spoolBytes > 0 && first.counters.dropped == 0)
            #expect(second.counters.spoolBytes == 0 && second.counters.dropped > 0, "the second one keeps off the first one's spool")
        }
    }

    @Test func theSpoolAndWhatWasInMemoryAtAStopSurviveARestartInOrder() throws {
        try withSpool { path throws in
            do {
                let queue = AuditQueue(limits: .init(memoryBytes: 1000, spoolBytes: 1 << 20, spoolPath: path), logger: Logger(label: "t"))
                for n in 1...30 { queue.enqueue(Self.line(n)) }
                #expect(queue.persistMemory() > 0)
            }
            // A crash cut the last line short: it is discarded, not delivered broken.
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            handle.seekToEndOfFile()
            handle.write(Data(#"{"n":31,"pa"#.utf8))
            try handle.close()
            let next = AuditQueue(limits: .init(memoryBytes: 1000, spoolBytes: 1 << 20, spoolPath: path), logger: Logger(label: "t"))
            #expect(Self.drain(next, batch: 4) == Array(1...30))
        }
    }

    /// An ingress killed outright (no `persistMemory`) loses nothing it had queued: the next run
    /// delivers what was not acknowledged, before the spool, and nothing acknowledged again.
    @Test func whatWasInMemoryWhenTheIngressWasKilledIsDeliveredByTheNextRun() throws {
        try withSpool { path throws in
            do {
                let queue = AuditQueue(limits: .init(memoryBytes: 1000, spoolBytes: 1 << 20, spoolPath: path), logger: Logger(label: "t"))
                for n in 1...20 { queue.enqueue(Self.line(n)) }  // 1...10 in memory, 11...20 spooled
                let first = try #require(queue.nextBatch(maxRecords: 4, maxBytes: 1 << 20))
                queue.acknowledge(first)
                // Killed here: the queue is dropped without persistMemory.
            }
            do {
                let next = AuditQueue(limits: .init(memoryBytes: 1000, spoolBytes: 1 << 20, spoolPath: path), logger: Logger(label: "t"))
                #expect(Self.drain(next, batch: 3) == Array(5...20))
            }
            let after = AuditQueue(limits: .init(memoryBytes: 1000, spoolBytes: 1 << 20, spoolPath: path), logger: Logger(label: "t"))
            #expect(after.nextBatch(maxRecords: 10, maxBytes: 1 << 20) == nil, "a fully acknowledged journal delivers nothing twice")
        }
    }
}
