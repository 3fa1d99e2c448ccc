import ArgumentParser
import Foundation

/// `roster audit …`: the SCIM request history through the admin API of a running system.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "The audit log: what each IdP sent and what Roster answered.",
        subcommands: [On.self, Off.self, Status.self, Retention.self, List.self, Export.self, Clear.self])

    /// The filters `list` and `export` share; each becomes a query parameter of the admin API.
    struct Filters: ParsableArguments {
        @Option(help: "From this time (inclusive): 2026-11-29T06:00:00Z, 2026-11-29 or ms since 1970.") var from: String?
        @Option(help: "Until this time (exclusive).") var to: String?
        @Option(help: "A configuration's id or name.") var configuration: String?
        @Option(help: "scim or admin.") var kind: String?
        @Option(help: "An HTTP method, e.g. PATCH.") var method: String?
        @Option(help: "A status (404) or a class (4xx).") var status: String?
        @Option(help: "User, Group, Configuration, Directory or Audit.") var resourceType: String?
        @Option(help: "A resource id.") var resourceId: String?
        @Option(help: "Text in the userName/displayName or the path, e.g. un_002.") var text: String?

        var query: [URLQueryItem] {
            [("from", from), ("to", to), ("configuration", configuration), ("kind", kind), ("method", method), ("status", status),
             ("resourceType", resourceType), ("resourceId", resourceId), ("q", text)]
                .compactMap { name, value in value.map { URLQueryItem(name: name, value: $0) } }
        }
    }

    /// `90 days, 5000000 records`, or what has no limit.
    static func describe(_ retention: [String: Any]) -> String {
        let days = (retention["maxAgeDays"] as? Int).map { "\($0) days" } ?? "no age limit"
        let records = (retention["maxRecords"] as? Int).map { "\($0) records" } ?? "no count limit"
        return "\(days), \(records)"
    }

    static func setSwitch(_ on: Bool, options: AdminOptions) async throws {
        let client = AdminClient(options: options)
        let result = try await client.call("PATCH", "audit", body: ["enabled": on])
        if options.json { client.print(result); return }
        print("Auditing is \(on ? "on" : "off") (every ingress applies it within 2 s).")
    }

    struct On: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start recording SCIM and admin requests.")
        @OptionGroup var options: AdminOptions
        func run() async throws { try await AuditCommand.setSwitch(true, options: options) }
    }

    struct Off: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop recording (the history stays).")
        @OptionGroup var options: AdminOptions
        func run() async throws { try await AuditCommand.setSwitch(false, options: options) }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Whether auditing is on, how much is kept, and this ingress's queue.")
        @OptionGroup var options: AdminOptions
        func run() async throws {
            let client = AdminClient(options: options)
            let result = try await client.call("GET", "audit")
            if options.json { client.print(result); return }
            guard let s = result as? [String: Any] else { return }
            let retention = s["retention"] as? [String: Any] ?? [:]
            let queue = s["thisIngress"] as? [String: Any] ?? [:]
            print("""
                auditing : \((s["enabled"] as? Bool ?? false) ? "on" : "off")
                records  : \(s["records"] ?? 0) (oldest \(s["oldest"] as? String ?? "-"), newest \(s["newest"] as? String ?? "-"))
                retention: \(AuditCommand.describe(retention))
                ingress  : \(queue["queuedInMemory"] ?? 0) queued, \(queue["spooledBytes"] ?? 0) bytes spooled, \(queue["delivered"] ?? 0) delivered, \(queue["dropped"] ?? 0) dropped
                """)
        }
    }

    struct Retention: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change how long records are kept (applied within a minute; 0: no limit).")
        @OptionGroup var options: AdminOptions
        @Option(help: "Remove records older than this many days.") var maxAgeDays: Int?
        @Option(help: "Keep only this many newest records.") var maxRecords: Int?
        func run() async throws {
            guard maxAgeDays != nil || maxRecords != nil else { throw ValidationError("Give --max-age-days and/or --max-records.") }
            var retention: [String: Any] = [:]
            if let maxAgeDays { retention["maxAgeDays"] = maxAgeDays }
            if let maxRecords { retention["maxRecords"] = maxRecords }
            let client = AdminClient(options: options)
            let result = try await client.call("PATCH", "audit", body: ["retention": retention])
            if options.json { client.print(result); return }
            let r = (result as? [String: Any])?["retention"] as? [String: Any] ?? [:]
            print("Retention: \(AuditCommand.describe(r)) (applied within a minute).")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List records, newest first.")
        @OptionGroup var options: AdminOptions
        @OptionGroup var filters: Filters
        @Option(help: "How many (1 … 1000).") var limit = 50
        func run() async throws {
            let client = AdminClient(options: options)
            let data = try await client.send("GET", "audit/records", query: filters.query + [URLQueryItem(name: "limit", value: String(limit))])
            let result = (try? JSONSerialization.jsonObject(with: data)) ?? [:]
            if options.json { client.print(result); return }
            let records = (result as? [String: Any])?["records"] as? [[String: Any]] ?? []
            print(table(["TIME", "CONFIGURATION", "METHOD", "PATH", "STATUS", "SUBJECT", "MS"], records.map { r in
                [r["time"] as? String ?? "", r["configurationName"] as? String ?? (r["kind"] as? String == "admin" ? "(admin)" : "-"),
                 r["method"] as? String ?? "", r["path"] as? String ?? "", "\(r["status"] ?? "")", r["subject"] as? String ?? "",
                 String(format: "%.1f", r["durationMs"] as? Double ?? 0)]
            }))
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write the newest matching records (at most 10,000) to a CSV file.")
        @OptionGroup var options: AdminOptions
        @OptionGroup var filters: Filters
        @Option(help: "The CSV file to write ('-' for standard output).") var csv: String
        @Option(help: "How many (1 … 10000).") var limit = 10_000
        func run() async throws {
            let data = try await AdminClient(options: options).send("GET", "audit/records.csv", query: filters.query + [URLQueryItem(name: "limit", value: String(limit))])
            if csv == "-" {
                FileHandle.standardOutput.write(data)
                return
            }
            try data.write(to: URL(fileURLWithPath: csv))
            let rows = max(0, CSVRows.count(data) - 1)
            print("Wrote \(rows) records to \(csv).")
        }
    }

    struct Clear: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete the whole history.")
        @OptionGroup var options: AdminOptions
        @Flag(help: "Confirm without asking (required when the input is not a terminal).") var yes = false
        func run() async throws {
            try Confirmation.require("delete every audit record", word: "clear", yes: yes)
            let result = try await AdminClient(options: options).call("DELETE", "audit/records")
            print("Removed \((result as? [String: Any])?["removed"] ?? 0) records.")
        }
    }
}

/// Counts CSV records (line ends outside quotes), for the export summary.
enum CSVRows {
    static func count(_ data: Data) -> Int {
        var quoted = false
        var rows = 0
        for byte in data {
            if byte == UInt8(ascii: "\"") { quoted.toggle() } else if byte == 0x0A && !quoted { rows += 1 }
        }
        return rows
    }
}
