import ArgumentParser
import Foundation

/// `roster status`: every process on one screen, what an operator checks first.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Every process of the running system: pid, uptime, shard, store size, outbox, log level; or why it does not answer.")

    @OptionGroup var options: AdminOptions

    func run() async throws {
        let client = AdminClient(options: options)
        let result = try await client.call("GET", "status")
        if options.json { client.print(result); return }
        guard let status = result as? [String: Any] else { return }
        let ingress = status["ingress"] as? [String: Any] ?? [:]
        func uptime(_ value: Any?) -> String {
            guard let s = value as? Int else { return "-" }
            return s >= 86_400 ? "\(s / 86_400)d\(s % 86_400 / 3600)h" : s >= 3600 ? "\(s / 3600)h\(s % 3600 / 60)m" : s >= 60 ? "\(s / 60)m\(s % 60)s" : "\(s)s"
        }
        func bytes(_ value: Any?) -> String {
            guard let n = value as? Int else { return "-" }
            return n >= 1 << 30 ? String(format: "%.1f GiB", Double(n) / Double(1 << 30)) : n >= 1 << 20 ? String(format: "%.1f MiB", Double(n) / Double(1 << 20)) : "\(n / 1024) KiB"
        }
        var rows = [["ingress", "-", "up", "\(ingress["pid"] ?? "-")", uptime(ingress["uptimeSeconds"]), "-", "-", "-", "\(ingress["logLevel"] ?? "-")", ""]]
        var down = 0
        for w in status["workers"] as? [[String: Any]] ?? [] {
            let outbox = (w["outbox"] as? [String: Any]).map { "\($0["pending"] ?? 0) pending, oldest \($0["oldestSeconds"] ?? 0)s, \($0["dead"] ?? 0) dead" } ?? "-"
            let up = w["status"] as? String == "up"
            if !up { down += 1 }
            rows.append(["\(w["kind"] ?? "")", "\(w["shard"] ?? "")", up ? "up" : "DOWN", "\(w["pid"] ?? "-")", uptime(w["uptimeSeconds"]),
                         up ? "\(bytes(w["storeBytes"])) + \(bytes(w["walBytes"])) WAL" : "-", up ? "\(w["readerQueueDepth"] ?? 0)" : "-", outbox, "\(w["logLevel"] ?? "-")", up ? "\(w["endpoint"] ?? "")" : "\(w["error"] ?? "")"])
        }
        print(table(["PROCESS", "SHARD", "STATUS", "PID", "UPTIME", "STORE", "READS QUEUED", "OUTBOX", "LOG", "ENDPOINT / ERROR"], rows))
        if let recent = ingress["recent"] as? [String: Any], let requests = recent["scimRequests"] as? Int {
            let server = recent["serverErrors"] as? Int ?? 0, client = recent["clientErrors"] as? Int ?? 0
            let rate = requests == 0 ? "-" : String(format: "%.1f %%", 100 * Double(server) / Double(requests))
            print("last \((recent["windowSeconds"] as? Int ?? 300) / 60) min on this ingress: \(requests) SCIM requests, \(client) 4xx, \(server) 5xx (5xx rate \(rate))")
        }
        if let jobs = status["jobs"] as? [[String: Any]] {
            print(jobs.isEmpty ? "jobs: none running or queued" : "jobs:")
            for job in jobs { print("  \(job["id"] ?? "") \(JobProgress.line(job))") }
        }
        if let audit = ingress["auditQueue"] as? [String: Any] {
            print("audit: \((audit["enabled"] as? Bool) == true ? "on" : "off"), \(audit["inMemory"] ?? 0) queued in memory, \(bytes(audit["spooledBytes"])) spooled, \(audit["delivered"] ?? 0) delivered, \(audit["dropped"] ?? 0) dropped")
        }
        if down > 0 { throw CLIError("\(down) worker\(down == 1 ? "" : "s") did not answer.") }
    }
}
