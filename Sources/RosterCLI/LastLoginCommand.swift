import ArgumentParser
import Foundation

/// `roster lastlogin import` and `roster settings lastlogin`: last sign-ins of users.
struct LastLoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lastlogin", abstract: "Last sign-ins of users: import them from a file.", subcommands: [Import.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Report sign-ins from a CSV file with the header 'userName,at' (RFC 3339 times); the latest time of each user wins.")
        @OptionGroup var options: AdminOptions
        @Option(help: "The directory (name or id).") var directory: String
        @Option(help: "The CSV file.") var file: String

        func run() async throws {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { throw CLIError("Cannot read \(file) as UTF-8 text.") }
            var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
            guard let header = lines.first?.lowercased().replacingOccurrences(of: " ", with: ""), header == "username,at" else {
                throw CLIError("\(file), line 1: the header must be 'userName,at'.")
            }
            lines.removeFirst()
            var logins: [[String: Any]] = []
            for (number, line) in lines.enumerated() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
                let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
                guard fields.count == 2, !fields[0].isEmpty, !fields[1].isEmpty else { throw CLIError("\(file), line \(number + 2): expected 'userName,at'.") }
                logins.append(["userName": fields[0], "at": fields[1]])
            }
            let client = AdminClient(options: options)
            let key = AdminClient.segment(directory)
            var updated = 0, unchanged = 0, unknown: [String] = []
            for start in stride(from: 0, to: logins.count, by: 1000) {
                let batch = Array(logins[start..<min(logins.count, start + 1000)])
                let result = try await client.call("POST", "directories/\(key)/logins", body: ["logins": batch]) as? [String: Any] ?? [:]
                updated += result["updated"] as? Int ?? 0
                unchanged += result["unchanged"] as? Int ?? 0
                unknown += result["unknown"] as? [String] ?? []
            }
            if options.json { client.print(["updated": updated, "unchanged": unchanged, "unknown": unknown]); return }
            print("\(logins.count) sign-ins: \(updated) updated, \(unchanged) unchanged, \(unknown.count) unknown userName\(unknown.count == 1 ? "" : "s")\(unknown.isEmpty ? "" : ": " + unknown.prefix(10).joined(separator: ", "))")
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
