import Foundation
import Hummingbird
import RosterProtocol
import SCIMCore

/// The sync worker's jobs (`roster sync list|status|cancel`), the directory removal that queues
/// one (`roster directory remove NAME --confirm NAME`), and the online reshard (`roster reshard`).
extension AdminController {
    func addJobRoutes(to group: RouterGroup<SCIMRequestContext>) {
        group.post("directories/:id/remove") { request, context in
            try await confirmed(RemoveDirectory.self, "Removing a directory cannot be undone", request, context)
        }
        group.post("directories/:id/clear-scim") { request, context in
            try await confirmed(ClearSCIM.self, "Clearing SCIM data cannot be undone (the IdP must re-link)", request, context)
        }
        group.post("directories/:id/map") { _, context in
            let job = try await sync.send(MapDirectory(directoryID: try await directory(try context.parameters.require("id"))), shardKey: "")
            return Self.accepted(job)
        }
        // Online reshard (`roster reshard` while the system runs): a job of the sync worker.
        group.post("reshard") { request, _ in
            let body = try await request.jsonObject(limit: configuration.maxBodyBytes)
            func count(_ key: String) throws -> Int {
                switch body[key] {
                case nil, .null?: return 0
                case .int(let n)? where (1...16).contains(n): return Int(n)
                default: throw SCIMError.invalidValue("'\(key)' takes a number of shards, 1 to 16.")
                }
            }
            let job = try await sync.send(StartReshard(usersShards: try count("usersShards"), groupsShards: try count("groupsShards")), shardKey: "")
            return Self.accepted(job)
        }
        group.get("shard-map") { _, _ in
            let map = try await sync.send(GetShardMap(), shardKey: "")
            func view(_ p: ShardPlacement) -> JSONValue {
                .object(["base": .int(Int64(p.base)), "moved": .object(p.overrides.mapValues { .int(Int64($0)) })])
            }
            return SCIMResponse.json(.ok, .object(["users": view(map.users), "groups": view(map.groups)]))
        }
        group.get("jobs") { request, _ in
            var directory = ""
            if let key = request.uri.queryParameters["directory"] { directory = try await self.directory(String(key)) }
            let jobs = try await sync.send(ListJobs(directoryID: directory), shardKey: "").jobs
            return SCIMResponse.json(.ok, .object(["jobs": .array(jobs.map { Self.view($0) })]))
        }
        group.get("jobs/:id") { _, context in
            SCIMResponse.json(.ok, Self.view(try await sync.send(GetJob(id: try context.parameters.require("id")), shardKey: "")))
        }
        group.post("jobs/:id/cancel") { _, context in
            SCIMResponse.json(.ok, Self.view(try await sync.send(CancelJob(id: try context.parameters.require("id")), shardKey: "")))
        }
    }

    /// Queues a job that cannot be undone, confirmed by `{"confirm": "<directory name>"}`: 202 with the job.
    func confirmed<C: ConfirmedDirectoryCommand>(_ type: C.Type, _ warning: String, _ request: Request, _ context: SCIMRequestContext) async throws -> Response {
        let directory = try await directory(try context.parameters.require("id"))
        let body = try await request.jsonObject(limit: configuration.maxBodyBytes)
        guard let confirm = body["confirm"]?.stringValue else {
            throw SCIMError.invalidValue("\(warning): confirm with the directory's name, {\"confirm\": \"<directory name>\"}.")
        }
        let job = try await sync.send(C(directoryID: directory, confirmName: confirm), shardKey: "")
        return Self.accepted(job)
    }

    /// 202 for a job just queued, with where to follow it.
    static func accepted(_ job: Job) -> Response {
        SCIMResponse.json(.accepted, view(job), headers: [.location: "/admin/api/v1/jobs/\(job.id)"])
    }

    /// A job as an operator reads it, with its rate and time left while it runs.
    static func view(_ j: Job, now: Date = Date()) -> JSONValue {
        var statistics: [String: JSONValue] = [
            "processed": .int(Int64(j.processed)), "created": .int(Int64(j.createdCount)), "mapped": .int(Int64(j.mapped)),
            "unchanged": .int(Int64(j.unchanged)), "failed": .int(Int64(j.failed)), "failures": .array(j.failures.map(JSONValue.string)),
        ]
        if j.remaining >= 0 { statistics["remaining"] = .int(Int64(j.remaining)) }
        if j.total >= 0 { statistics["total"] = .int(Int64(j.total)) }
        if let started = Timestamp.date(from: j.started) {
            let end = Timestamp.date(from: j.finished) ?? now
            let seconds = max(0.001, end.timeIntervalSince(started))
            let rate = Double(j.processed) / seconds
            statistics["ratePerSecond"] = .double((rate * 10).rounded() / 10)
            if j.state == .running, j.remaining >= 0, rate > 0 { statistics["etaSeconds"] = .int(Int64((Double(j.remaining) / rate).rounded(.up))) }
        }
        var o: [String: JSONValue] = [
            "id": .string(j.id), "kind": .string(j.kind), "directoryId": .string(j.directoryID), "directoryName": .string(j.directoryName),
            "state": .string(j.state.rawValue), "created": .string(j.created), "statistics": .object(statistics),
            "cancelRequested": .bool(j.cancelRequested),
        ]
        if !j.started.isEmpty { o["started"] = .string(j.started) }
        if !j.finished.isEmpty { o["finished"] = .string(j.finished) }
        if !j.step.isEmpty { o["step"] = .string(j.step) }
        if !j.error.isEmpty { o["error"] = .string(j.error) }
        return .object(o)
    }
}
