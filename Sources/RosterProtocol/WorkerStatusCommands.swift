import Foundation
import SwiftProtobuf

/// What a store worker reports of itself (`roster status`).
public struct GetWorkerStatus: ParameterlessCommand {
    public static let name = "store.status"
    public typealias Reply = WorkerStatus
    public typealias Message = Roster_V1_GetWorkerStatus
    public init() {}
}

public struct WorkerStatus: WireCodable, Equatable {
    public var worker: String
    public var pid: Int
    public var uptimeSeconds: Int
    public var storeBytes: Int
    public var walBytes: Int
    /// -1: the store has no outbox.
    public var outboxPending: Int
    public var outboxOldestSeconds: Int
    public var outboxDead: Int
    public var logLevel: String
    /// Reads waiting for a reader thread.
    public var readerQueueDepth: Int

    public init(worker: String, pid: Int, uptimeSeconds: Int, storeBytes: Int, walBytes: Int, outboxPending: Int, outboxOldestSeconds: Int, outboxDead: Int, logLevel: String,
                readerQueueDepth: Int = 0) {
        self.readerQueueDepth = readerQueueDepth
        self.worker = worker
        self.pid = pid
        self.uptimeSeconds = uptimeSeconds
        self.storeBytes = storeBytes
        self.walBytes = walBytes
        self.outboxPending = outboxPending
        self.outboxOldestSeconds = outboxOldestSeconds
        self.outboxDead = outboxDead
        self.logLevel = logLevel
    }

    public init(message m: Roster_V1_WorkerStatus) {
        self.init(worker: m.worker, pid: Int(m.pid), uptimeSeconds: Int(m.uptimeSeconds), storeBytes: Int(m.storeBytes), walBytes: Int(m.walBytes),
                  outboxPending: Int(m.outboxPending), outboxOldestSeconds: Int(m.outboxOldestSeconds), outboxDead: Int(m.outboxDead), logLevel: m.logLevel,
                  readerQueueDepth: Int(m.readerQueueDepth))
    }

    public var message: Roster_V1_WorkerStatus {
        .with {
            $0.worker = worker
            $0.pid = Int64(pid)
            $0.uptimeSeconds = Int64(uptimeSeconds)
            $0.storeBytes = Int64(storeBytes)
            $0.walBytes = Int64(walBytes)
            $0.outboxPending = Int64(outboxPending)
            $0.outboxOldestSeconds = Int64(outboxOldestSeconds)
            $0.outboxDead = Int64(outboxDead)
            $0.logLevel = logLevel
            $0.readerQueueDepth = Int64(readerQueueDepth)
        }
    }
}

/// A store worker's own metrics, for the ingress's `/metrics/<kind>/<shard>`.
public struct ScrapeMetrics: ParameterlessCommand {
    public static let name = "metrics.scrape"
    public typealias Reply = MetricsExposition
    public typealias Message = Roster_V1_ScrapeMetrics
    public init() {}
}

public struct MetricsExposition: WireCodable, Equatable {
    /// The Prometheus text exposition format (0.0.4).
    public var text: [UInt8]
    public init(text: [UInt8]) { self.text = text }
    public init(message m: Roster_V1_MetricsExposition) { self.init(text: Array(m.text)) }
    public var message: Roster_V1_MetricsExposition { .with { $0.text = Data(text) } }
}
