import Logging
import RosterProtocol
import SCIMCore
import ServiceLifecycle

/// Delivers queued audit records to the audit worker in acknowledged batches, in order.
///
/// A batch leaves the queue only when the worker replied that it committed it; a worker that is
/// down or slow only delays delivery (the queue grows, then spools). A batch the worker refuses
/// outright (4xx, malformed) is dropped and counted, so that one bad record cannot block the rest.
struct AuditDelivery: Service {
    let queue: AuditQueue
    let audit: any CommandTransport
    let logger: Logger
    var maxRecords = 500
    var maxBytes = 1 << 20
    var batchInterval = Duration.milliseconds(100)

    func run() async throws {
        var backoff = Duration.milliseconds(50)
        var warned = false
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            guard let batch = queue.nextBatch(maxRecords: maxRecords, maxBytes: maxBytes) else {
                do { try await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(20)) } } catch { break }
                continue
            }
            switch await deliver(batch) {
            case .delivered:
                if warned { logger.notice("audit worker reachable again; delivering queued records") }
                warned = false
                backoff = .milliseconds(50)
                // A part-full batch means the queue is keeping up: let the next one fill for a moment,
                // so the worker commits (and writes its index pages) a few times a second, not per record.
                if batch.lines.count < maxRecords {
                    do { try await cancelWhenGracefulShutdown { try await Task.sleep(for: batchInterval) } } catch { break }
                }
            case .retry(let error):
                if !warned {
                    logger.warning("audit worker unreachable; keeping records until it is back", metadata: ["error": "\(error)"])
                }
                warned = true
                let pause = backoff
                do { try await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) } } catch { break }
                backoff = min(backoff * 2, .seconds(2))
            }
        }
        // HTTP has drained by now (the server stops before the services): a last attempt, then
        // whatever is still in memory goes to the spool for the next run.
        let deadline = ContinuousClock.now + .seconds(2)
        while ContinuousClock.now < deadline, let batch = queue.nextBatch(maxRecords: maxRecords, maxBytes: maxBytes), batch.lines.count > 0 {
            if case .retry = await deliver(batch) { break }
        }
        let saved = queue.persistMemory()
        if saved > 0 { logger.notice("audit records saved to the spool for the next run", metadata: ["records": "\(saved)"]) }
    }

    enum Outcome { case delivered, retry(SCIMError) }

    func deliver(_ batch: AuditQueue.Batch) async -> Outcome {
        // Spool lines are JSON (a file format of its own); the worker takes protobuf. A line that
        // does not read back (a damaged spool) is dropped and counted, never retried forever.
        var records: [AuditRecord] = []
        var unreadable = 0
        for line in batch.lines {
            if case .object(let o)? = try? JSONValue.parse(line), let record = try? AuditRecord(json: o) { records.append(record) } else { unreadable += 1 }
        }
        if unreadable > 0 { logger.error("unreadable audit records in the queue are dropped", metadata: ["records": "\(unreadable)"]) }
        do {
            if !records.isEmpty { _ = try await audit.send(AppendAuditRecords(records: records), shardKey: "") }
            queue.acknowledge(batch)
            return .delivered
        } catch where error.status == 400 || error.status == 422 || error.status == 502 {
            logger.error("audit worker refused a batch; its records are dropped", metadata: ["records": "\(batch.lines.count)", "error": "\(error)"])
            queue.acknowledge(batch, delivered: false)
            return .delivered
        } catch {
            return .retry(error)
        }
    }
}
