import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `roster sync list|status|cancel`: the sync worker's jobs (directory utilities).
struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync", abstract: "The sync worker's jobs: import existing accounts, list the jobs, follow one, cancel one.",
        subcommands: [Import.self, Run.self, List.self, Status.self, Cancel.self])

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sync users & groups (map): give the accounts of a directory that have no SCIM id (their SCIM data cleared) a new one, so the IdP's userName lookup links them.")
        @OptionGroup var options: AdminOptions
        @Option(help: "The directory (name or id).") var directory: String
        @Flag(help: "Return once the job is queued instead of following it.") var noWait = false
        func run() async throws {
            let job = try await AdminClient(options: options).call("POST", "directories/\(AdminClient.segment(directory))/map") as? [String: Any] ?? [:]
            try await JobProgress.follow(job, options: options, noWait: noWait)
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import existing accounts into a directory from a CSV or NDJSON file (docs/directory-utilities.md): existing ones are matched by userName, never changed.")
        @OptionGroup var options: AdminOptions
        @Option(help: "The directory (name or id).") var directory: String
        @Option(help: "The file: CSV with a header row, or NDJSON of SCIM Users and Groups.") var file: String
        @Option(help: "csv or ndjson; default: from the file's extension.") var format: String?
        @Flag(help: "Bring the accounts in without a SCIM id: reserved and out of SCIM's sight until roster sync run maps them.") var unmapped = false
        @Flag(help: "Return once the job is queued instead of following it.") var noWait = false

        func run() async throws {
            let ext = URL(fileURLWithPath: file).pathExtension.lowercased()
            let kind = (format ?? (ext == "csv" ? "csv" : ext.contains("json") ? "ndjson" : "")).lowercased()
            guard ["csv", "ndjson"].contains(kind) else { throw ValidationError("Say --format csv or --format ndjson.") }
            try await JobProgress.upload(file, into: directory, format: kind, type: kind == "csv" ? "text/csv" : "application/x-ndjson",
                                         unmapped: unmapped, options: options, noWait: noWait)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the jobs, newest first.")
        @OptionGroup var options: AdminOptions
        @Option(help: "Only this directory's (by name or id).") var directory: String?
        func run() async throws {
            let client = AdminClient(options: options)
            let query = directory.map { "?directory=\($0.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? $0)" } ?? ""
            let result = try await client.call("GET", "jobs\(query)")
            if options.json { client.print(result); return }
            let jobs = (result as? [String: Any])?["jobs"] as? [[String: Any]] ?? []
            print(table(["ID", "KIND", "DIRECTORY", "STATE", "PROCESSED", "CREATED"], jobs.map { j in
                [j["id"] as? String ?? "", j["kind"] as? String ?? "", j["directoryName"] as? String ?? "", j["state"] as? String ?? "",
                 "\((j["statistics"] as? [String: Any])?["processed"] ?? 0)", j["created"] as? String ?? ""]
            }))
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a job; --follow until it ends, with its progress.")
        @OptionGroup var options: AdminOptions
        @Argument(help: "The job's id.") var id: String
        @Flag(help: "Keep showing its progress until it ends.") var follow = false
        func run() async throws { try await JobProgress.show(id, options: options, follow: follow) }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel a job: a queued one at once, a running one at its next step.")
        @OptionGroup var options: AdminOptions
        @Argument(help: "The job's id.") var id: String
        func run() async throws {
            let client = AdminClient(options: options)
            let result = try await client.call("POST", "jobs/\(id)/cancel")
            if options.json { client.print(result); return }
            print(JobProgress.line(result as? [String: Any] ?? [:]))
        }
    }
}

/// A job's progress on one line: a bar with rate and time left on a terminal, plain lines otherwise.
enum JobProgress {
    static func line(_ j: [String: Any]) -> String {
        let s = j["statistics"] as? [String: Any] ?? [:]
        let processed = s["processed"] as? Int ?? 0
        var text = "\(j["kind"] ?? "job") \(j["directoryName"] ?? ""): \(j["state"] ?? "?")"
        if let total = s["total"] as? Int, total > 0 {
            let width = 24, filled = min(width, processed * width / total)
            text += " [\(String(repeating: "#", count: filled))\(String(repeating: ".", count: width - filled))] \(processed)/\(total)"
        } else {
            text += ", \(processed) processed"
        }
        if j["kind"] as? String == "import" {
            text += ": created \(s["created"] ?? 0), unchanged \(s["unchanged"] ?? 0), failed \(s["failed"] ?? 0)"
        } else if j["kind"] as? String == "lastlogin-import" {
            text += ": updated \(s["created"] ?? 0), unchanged \(s["unchanged"] ?? 0), failed \(s["failed"] ?? 0)"
        }
        if let rate = s["ratePerSecond"] as? Double { text += String(format: ", %.0f/s", rate) }
        if let eta = s["etaSeconds"] as? Int { text += ", \(eta) s left" }
        if let step = j["step"] as? String, j["state"] as? String == "running" { text += " (\(step))" }
        if let error = j["error"] as? String { text += ": \(error)" }
        return text
    }

    /// Streams `file` into a directory's import (`format` csv, ndjson or logins) and follows the job.
    static func upload(_ file: String, into directory: String, format: String, type: String, unmapped: Bool = false, options: AdminOptions, noWait: Bool) async throws {
        let url = URL(fileURLWithPath: file)
        guard FileManager.default.isReadableFile(atPath: url.path) else { throw CLIError("Cannot read \(file).") }
        let query = [URLQueryItem(name: "format", value: format)] + (unmapped ? [URLQueryItem(name: "unmapped", value: "true")] : [])
        let data = try await AdminClient(options: options).send("POST", "directories/\(AdminClient.segment(directory))/import", query: query, file: (url, type), timeout: 3600)
        try await follow((try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:], options: options, noWait: noWait)
    }

    /// A job the admin API just queued: its id (with --no-wait), else its progress until it ends.
    static func follow(_ job: [String: Any], options: AdminOptions, noWait: Bool) async throws {
        guard let id = job["id"] as? String else { throw CLIError("The admin API queued no job.") }
        if noWait {
            if options.json { AdminClient(options: options).print(job) } else { print("Queued job \(id): follow it with roster sync status \(id) --follow.") }
            return
        }
        try await show(id, options: options, follow: true)
    }

    static func show(_ id: String, options: AdminOptions, follow: Bool) async throws {
        let client = AdminClient(options: options)
        let terminal = isatty(STDOUT_FILENO) == 1
        var last = ""
        while true {
            let job = try await client.call("GET", "jobs/\(id)") as? [String: Any] ?? [:]
            let state = job["state"] as? String ?? ""
            let done = ["done", "failed", "cancelled"].contains(state)
            if options.json {
                if done || !follow { client.print(job) }
            } else {
                let text = line(job)
                if text != last {
                    if terminal && follow { Swift.print("\r\u{1B}[2K" + text, terminator: done ? "\n" : "") } else { Swift.print(text) }
                    fflush(nil)  // every stream: stdout is shared mutable state to Swift 6
                    last = text
                } else if terminal && follow && done {
                    Swift.print("")
                }
            }
            if !follow || done {
                if !options.json, done, let failures = (job["statistics"] as? [String: Any])?["failures"] as? [String], !failures.isEmpty {
                    Swift.print("First failures:\n" + failures.map { "  \($0)" }.joined(separator: "\n"))
                }
                if state == "failed" { throw ExitCode(1) }
                return
            }
            try await Task.sleep(for: .milliseconds(500))
        }
    }
}
