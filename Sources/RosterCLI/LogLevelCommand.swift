import ArgumentParser
import Foundation

/// `roster log-level [LEVEL|reset] [--service S] [--for 30m]`: the runtime log level of every
/// process, or of one service; not persisted (a restart returns to the startup `--log-level`).
struct LogLevelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log-level",
        abstract: "Show or change the log level of the running processes (every ingress and worker within 2 s; not persisted).")

    @OptionGroup var options: AdminOptions
    @Argument(help: "trace, debug, info, notice, warning, error, critical, or reset (back to the startup level). None: show.") var level: String?
    @Option(help: "Only this service: ingress, users, groups, sync or audit (default: all).") var service: String?
    @Option(name: .customLong("for"), help: "For how long, e.g. 90s, 30m, 2h; then back to the startup level.") var duration: String?

    func run() async throws {
        let client = AdminClient(options: options)
        let result: Any
        if let level {
            var body: [String: Any] = ["level": level, "service": service ?? "all"]
            if let duration { body["for"] = duration }
            result = try await client.call("PATCH", "log-level", body: body)
        } else {
            result = try await client.call("GET", "log-level")
        }
        if options.json { client.print(result); return }
        let levels = (result as? [String: Any])?["levels"] as? [[String: Any]] ?? []
        if levels.isEmpty {
            print("every process runs at its startup log level")
        } else {
            print(table(["SERVICE", "LEVEL", "UNTIL"], levels.map { ["\($0["service"] ?? "")", "\($0["level"] ?? "")", ($0["until"] as? String) ?? "changed"] }))
            print("(a service not listed runs at \(levels.contains { $0["service"] as? String == "all" } ? "the level for all" : "its startup level"); reaches every process within 2 s)")
        }
    }
}
