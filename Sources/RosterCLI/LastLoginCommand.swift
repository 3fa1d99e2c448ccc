import ArgumentParser
import Foundation

/// `roster lastlogin import` and `roster settings lastlogin`: last sign-ins of users.
struct LastLoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lastlogin", abstract: "Last sign-ins of users: import them from a file, report dormant accounts.", subcommands: [Import.self, Report.self])

    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Dormant accounts: users whose last sign-in is older than --days (or --before), and those never seen, oldest first.")
        @OptionGroup var options: AdminOptions
        @Option(help: "The directory (name or id).") var directory: String
        @Option(help: "Dormant when the last sign-in is older than this many days.") var days: Int = 90
        @Option(help: "Or before this RFC 3339 time (instead of --days).") var before: String?
        @Flag(help: "Leave out the users never seen signing in.") var signedInOnly = false
        @Flag(help: "Print CSV (userName,id,lastLogin,active) instead of a table.") var csv = false

        func run() async throws {
            guard days > 0 else { throw ValidationError("--days takes a positive number.") }
            let cutoff = before ?? ISO8601DateFormatter().string(from: Date().addingTimeInterval(-Double(days) * 86_400))
            let client = AdminClient(options: options)
            let query = [URLQueryItem(name: "before", value: cutoff), URLQueryItem(name: "never", value: signedInOnly ? "false" : "true")]
            let path = "directories/\(AdminClient.segment(directory))/dormant"
            if csv {
                let data = try await client.send("GET", path, query: query + [URLQueryItem(name: "format", value: "csv")])
                FileHandle.standardOutput.write(data)
                return
            }
            let result = try await client.send("GET", path, query: query)
            let object = (try? JSONSerialization.jsonObject(with: result)) as? [String: Any] ?? [:]
            if options.json { client.print(object); return }
            let users = object["users"] as? [[String: Any]] ?? []
            print(table(["USERNAME", "LAST SIGN-IN", "ACTIVE", "ID"], users.map { u in
                [u["userName"] as? String ?? "", u["lastLogin"] as? String ?? "never", "\(u["active"] as? Bool ?? true)", u["id"] as? String ?? ""]
            }))
            print("\(users.count) dormant (last sign-in before \(cutoff)\(signedInOnly ? "" : ", or never"))")
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sync last-login info: sign-ins from a CSV file with the header 'userName,at' (RFC 3339 times), as a job; the latest time of each user wins.")
        @OptionGroup var options: AdminOptions
        @Option(help: "The directory (name or id).") var directory: String
        @Option(help: "The CSV file.") var file: String
        @Flag(help: "Return once the job is queued instead of following it.") var noWait = false

        func run() async throws {
            try await JobProgress.upload(file, into: directory, format: "logins", type: "text/csv", options: options, noWait: noWait)
        }
    }
}

/// `roster settings lastlogin on|off --directory D`: a directory's settings.
struct SettingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settings", abstract: "A directory's settings.", subcommands: [LastLogin.self])

    struct LastLogin: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "lastlogin", abstract: "Show the last sign-in on user reads (meta.lastLogin and Roster's lastlogin extension), or not (the default).")
        @OptionGroup var options: AdminOptions
        @Argument(help: "on or off.") var state: String
        @Option(help: "The directory (name or id).") var directory: String

        func run() async throws {
            guard ["on", "off"].contains(state) else { throw ValidationError("lastlogin takes on or off, not '\(state)'.") }
            let client = AdminClient(options: options)
            let key = AdminClient.segment(directory)
            let result = try await client.call("PATCH", "directories/\(key)", body: ["settings": ["lastLogin": state == "on"]])
            if options.json { client.print(result); return }
            print("last sign-ins are \(state == "on" ? "shown" : "not shown") on user reads of \(directory) (within 2 s on every ingress)")
        }
    }
}
