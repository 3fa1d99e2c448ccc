import Foundation
import Logging
import Hummingbird
import RosterConfig
import RosterMessaging
import RosterProtocol
import SCIMCore

/// `GET /admin/api/v1/status`: every process on one screen (`roster status`): this ingress, and
/// each shard of each worker kind with its pid, uptime, store size, outbox and log level, or why
/// it did not answer.
struct StatusController {
    let workers: [(kind: String, transport: any CommandTransport)]
    let recorder: AuditRecorder?
    let recent: RecentOutcomes
    static let started = Date()

    func addRoutes(to group: RouterGroup<SCIMRequestContext>) {
        _ = Self.started
        group.get("status") { _, _ in
            var rows: [(Int, JSONValue)] = []
            await withTaskGroup(of: (Int, JSONValue).self) { tasks in
                var index = 0
                for (kind, transport) in workers {
                    let endpoints = (transport as? WorkerClient)?.endpoints ?? []
                    for shard in 0..<transport.instanceCount {
                        let position = index
                        index += 1
                        tasks.addTask {
                            var o: [String: JSONValue] = ["kind": .string(kind), "shard": .int(Int64(shard))]
                            if endpoints.indices.contains(shard) { o["endpoint"] = .string(endpoints[shard]) }
                            do {
                                let reply = try await transport.send(name: GetWorkerStatus.name, payload: CommandCodec.encode(GetWorkerStatus()), instance: shard)
                                let s = try CommandCodec.decode(WorkerStatus.self, from: reply)
                                o.merge([
                                    "status": .string("up"), "pid": .int(Int64(s.pid)), "uptimeSeconds": .int(Int64(s.uptimeSeconds)),
                                    "storeBytes": .int(Int64(s.storeBytes)), "walBytes": .int(Int64(s.walBytes)), "logLevel": .string(s.logLevel),
                                    "readerQueueDepth": .int(Int64(s.readerQueueDepth)),
                                ]) { a, _ in a }
                                if s.outboxPending >= 0 {
                                    o["outbox"] = .object(["pending": .int(Int64(s.outboxPending)), "oldestSeconds": .int(Int64(s.outboxOldestSeconds)),
                                                           "dead": .int(Int64(s.outboxDead))])
                                }
                            } catch {
                                o["status"] = .string("down")
                                o["error"] = .string((error as? SCIMError)?.detail ?? "\(error)")
                            }
                            return (position, .object(o))
                        }
                    }
                }
                for await row in tasks { rows.append(row) }
            }
            var ingress: [String: JSONValue] = [
                "pid": .int(Int64(getpid())), "uptimeSeconds": .int(Int64(Date().timeIntervalSince(Self.started))),
                "logLevel": .string(LogLevelSwitch.shared.level.rawValue),
            ]
            let last = recent.last()
            ingress["recent"] = .object([
                "windowSeconds": .int(Int64(RecentOutcomes.window)), "scimRequests": .int(Int64(last.requests)),
                "clientErrors": .int(Int64(last.clientErrors)), "serverErrors": .int(Int64(last.serverErrors)),
            ])
            if let recorder {
                let c = recorder.queue.counters
                ingress["auditQueue"] = .object(["enabled": .bool(recorder.isEnabled), "inMemory": .int(Int64(c.memoryRecords)), "spooledBytes": .int(Int64(c.spoolBytes)),
                                                 "delivered": .int(Int64(c.delivered)), "dropped": .int(Int64(c.dropped))])
            }
            var status: [String: JSONValue] = ["ingress": .object(ingress), "workers": .array(rows.sorted { $0.0 < $1.0 }.map(\.1))]
            // The jobs that run or wait (directory utilities); the last ended ones are in GET /jobs.
            if let sync = workers.first(where: { $0.kind == "sync" })?.transport,
               let jobs = try? await sync.send(ListJobs(), shardKey: "").jobs.filter({ !$0.isFinished }) {
                status["jobs"] = .array(jobs.map { AdminController.view($0) })
            }
            return SCIMResponse.json(.ok, .object(status))
        }
    }
}
