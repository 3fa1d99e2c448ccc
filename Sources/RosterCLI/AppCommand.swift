import ArgumentParser
import Foundation

/// `roster app …`: application links, connectors that apply a directory's change feed to an
/// application (docs/integrations/bitbucket.md).
struct AppCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "app", abstract: "Application links: Bitbucket Data Center, provisioned from a directory's change feed.",
        subcommands: [Add.self, List.self, Status.self, Pause.self, Resume.self, Skip.self, Credentials.self, Remove.self, Map.self, Reconcile.self, Logins.self, Drift.self])

    /// Where the password or token comes from: a file or an environment variable, never the command line.
    struct SecretOptions: ParsableArguments {
        @Option(help: "A file holding the service account's password.") var passwordFile: String?
        @Option(help: "An environment variable holding the service account's password.") var passwordEnv: String?
        @Option(help: "A file holding an OAuth 2.0 access token (instead of a password).") var tokenFile: String?
        @Option(help: "An environment variable holding an OAuth 2.0 access token.") var tokenEnv: String?

        /// ("password" or "token", its value).
        func secret() throws -> (String, String) {
            let given = [("password", passwordFile, true), ("password", passwordEnv, false), ("token", tokenFile, true), ("token", tokenEnv, false)]
                .compactMap { kind, source, isFile in source.map { (kind, $0, isFile) } }
            guard given.count == 1, let (kind, source, isFile) = given.first else {
                throw CLIError("Give exactly one of --password-file, --password-env, --token-file, --token-env.")
            }
            let value: String
            if isFile {
                guard let data = FileManager.default.contents(atPath: source) else { throw CLIError("Cannot read \(source).") }
                value = String(decoding: data, as: UTF8.self)
            } else {
                guard let v = ProcessInfo.processInfo.environment[source] else { throw CLIError("The environment has no \(source).") }
                value = v
            }
            let trimmed = value.trimmingCharacters(in: .newlines)
            guard !trimmed.isEmpty else { throw CLIError("The \(kind) in \(source) is empty.") }
            return (kind, trimmed)
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Link a directory to an application: `roster app add bitbucket --directory D --url U --username svc-roster --password-file F`.")
        // `--url` is the application's here, so Roster's own is `--roster-url`.
        @Option(help: "The Roster base URL (the ingress).") var rosterURL: String = "http://127.0.0.1:8080"
        @Option(help: "The admin token (or set ROSTER_ADMIN_TOKEN).") var adminToken: String?
        @Flag(help: "Print the API's JSON instead of a table.") var json = false
        @Argument(help: "The application kind: bitbucket.") var kind: String
        @Option(help: "The directory (name or id).") var directory: String
        @Option(help: "The application's base URL, e.g. https://bitbucket.example.com.") var url: String
        @Option(help: "The service account (with a password; it needs ADMIN).") var username: String?
        @OptionGroup var secret: SecretOptions
        @Option(name: .customLong("group-map"), help: "'Roster group=Bitbucket group': a SCIM group that stands for a licence group (repeatable).")
        var groupMap: [String] = []
        @Flag(help: "New accounts do not join Bitbucket's default group.") var noDefaultGroup = false
        @Flag(help: "Apply what the feed keeps, not only what comes next.") var fromStart = false
        @Option(help: "Seconds between last-login reads (0: never).") var loginsEvery: Int = 3600

        func run() async throws {
            let (kindOfSecret, value) = try secret.secret()
            var map: [String: String] = [:]
            for pair in groupMap {
                let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { throw CLIError("--group-map takes 'Roster group=Bitbucket group', not '\(pair)'.") }
                map[parts[0]] = parts[1]
            }
            var body: [String: Any] = ["kind": kind, "url": url, kindOfSecret: value, "groupMap": map, "addToDefaultGroup": !noDefaultGroup,
                                       "fromStart": fromStart, "loginsEverySeconds": loginsEvery]
            if let username { body["username"] = username }
            var options = AdminOptions()
            (options.url, options.adminToken, options.json) = (rosterURL, adminToken, json)
            let client = AdminClient(options: options)
            let app = try await client.call("POST", "directories/\(AdminClient.segment(directory))/apps", body: body) as? [String: Any] ?? [:]
            if options.json { client.print(app); return }
            print("application link \(app["id"] as? String ?? "") → \(app["url"] as? String ?? "") (\(app["auth"] as? String ?? ""), from event \(app["cursor"] ?? 0))")
            print("map the accounts Bitbucket has already: roster app map \(app["id"] as? String ?? "")")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The links, with their state and lag.")
        @OptionGroup var options: AdminOptions
        @Option(help: "Only this directory's (name or id).") var directory: String?

        func run() async throws {
            let client = AdminClient(options: options)
            let object = try await client.call("GET", directory.map { "directories/\(AdminClient.segment($0))/apps" } ?? "apps") as? [String: Any] ?? [:]
            if options.json { client.print(object); return }
            print(table(["ID", "KIND", "URL", "STATE", "CURSOR", "LAG", "APPLIED", "REASON"], (object["apps"] as? [[String: Any]] ?? []).map { a in
                [a["id"] as? String ?? "", a["kind"] as? String ?? "", a["url"] as? String ?? "", a["state"] as? String ?? "", "\(a["cursor"] ?? 0)", "\(a["lag"] ?? 0)",
                 "\(a["applied"] ?? 0)", (a["reason"] as? String).flatMap { $0.isEmpty ? nil : $0 } ?? (a["lastError"] as? String ?? "")]
            }))
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One link: its state, why it stopped, its lag and notes.")
        @OptionGroup var options: AdminOptions
        @Argument(help: "The link's id.") var id: String

        func run() async throws {
            let client = AdminClient(options: options)
            let a = try await client.call("GET", "apps/\(AdminClient.segment(id))") as? [String: Any] ?? [:]
            if options.json { client.print(a); return }
            print("\(a["kind"] as? String ?? "") \(a["url"] as? String ?? "") for directory \(a["directoryId"] as? String ?? "")")
            print("state: \(a["state"] as? String ?? "")\((a["reason"] as? String).flatMap { $0.isEmpty ? nil : " — \($0)" } ?? "")")
            print("feed: applied through \(a["cursor"] ?? 0) of \(a["head"] ?? 0) (\(a["lag"] ?? 0) behind); \(a["applied"] ?? 0) events, \(a["requests"] ?? 0) requests; last \(a["lastApplied"] as? String ?? "never")")
            if let error = a["lastError"] as? String, !error.isEmpty { print("failing since \(a["failingSince"] as? String ?? ""), \(a["failureStreak"] ?? 0) times: \(error)") }
            print("last logins read: \((a["lastLogins"] as? String).flatMap { $0.isEmpty ? nil : $0 } ?? "never")")
            for note in a["notes"] as? [String] ?? [] { print("note: \(note)") }
        }
    }

    struct Pause: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop applying the feed; nothing is skipped.")
        @OptionGroup var options: AdminOptions
        @Argument(help: "The link's id.") var id: String
        func run() async throws { try await AppCommand.act(options, id, "pause") }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Apply the feed again from the event it stopped on.")
        @OptionGroup var options: AdminOptions
        @Argument(help: "The link's id.") var id: String
        func run() async throws { try await AppCommand.act(options, id, "resume") }
    }

    struct Skip: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A stopped link goes on past the event it stopped on.")
        @OptionGroup var options: AdminOptions
        @Argument(help: "The link's id.") var id: String
        func run() async throws { try await AppCommand.act(options, id, "skip") }
    }

    struct Credentials: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "New password or token; a link stopped on a 401 goes on.")
        @OptionGroup var options: AdminOptions
        @Argument(help: "The link's id.") var id: String
        @Option(help: "A new service account name (Basic).") var username: String?
        @OptionGroup var secret: SecretOptions
        func run() async throws {
            let (kind, value) = try secret.secret()
            var body: [String: Any] = [kind: value]
            if let username { body["username"] = username }
            let client = AdminClient(options: options)
            let a = try await client.call("PUT", "apps/\(AdminClient.segment(id))/credentials", body: body) as? [String: Any] ?? [:]
            if options.json { client.print(a); return }
            print("application link \(id): credentials replaced; \(a["state"] as? String ?? "")")
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a link; the accounts it made in the application stay.")
        @OptionGroup var options: AdminOptions
        @Argument(help: "The link's id.") var id: String
        func run() async throws {
            _ = try await AdminClient(options: options).call("DELETE", "apps/\(AdminClient.segment(id))")
            print("application link \(id) removed")
        }
    }

    struct Map: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Map the application's existing accounts and groups into the directory (reads the application only).")
        @OptionGroup var options: AdminOptions
        @Argument(help: "The link's id.") var id: String
        @Flag(help: "Print the job id and return.") var noWait = false
        func run() async throws { try await AppCommand.job(options, id, "map", noWait: noWait) }
    }

    struct Reconcile: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Compare the directory with the application and list the drift; --repair fixes it.")
        @OptionGroup var options: AdminOptions
        @Argument(help: "The link's id.") var id: String
        @Flag(help: "Make the application match the directory.") var repair = false
        @Flag(help: "Print the job id and return.") var noWait = false
        func run() async throws {
            let job = try await AppCommand.job(options, id, "reconcile?repair=\(repair)", noWait: noWait)
            if !noWait, !options.json, let job { try await AppCommand.printDrift(options, job) }
        }
    }

    struct Logins: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Read the application's last logins now.")
        @OptionGroup var options: AdminOptions
        @Argument(help: "The link's id.") var id: String
        @Flag(help: "Print the job id and return.") var noWait = false
        func run() async throws { try await AppCommand.job(options, id, "logins", noWait: noWait) }
    }

    struct Drift: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "What a reconcile job found.")
        @OptionGroup var options: AdminOptions
        @Argument(help: "The reconcile job's id.") var job: String
        func run() async throws { try await AppCommand.printDrift(options, job) }
    }

    static func act(_ options: AdminOptions, _ id: String, _ action: String) async throws {
        let client = AdminClient(options: options)
        let a = try await client.call("POST", "apps/\(AdminClient.segment(id))/\(action)") as? [String: Any] ?? [:]
        if options.json { client.print(a); return }
        print("application link \(id): \(a["state"] as? String ?? "") at event \(a["cursor"] ?? 0)")
    }

    @discardableResult
    static func job(_ options: AdminOptions, _ id: String, _ path: String, noWait: Bool) async throws -> String? {
        let job = try await AdminClient(options: options).call("POST", "apps/\(AdminClient.segment(id))/\(path)") as? [String: Any] ?? [:]
        try await JobProgress.follow(job, options: options, noWait: noWait)
        return job["id"] as? String
    }

    static func printDrift(_ options: AdminOptions, _ job: String) async throws {
        let client = AdminClient(options: options)
        let object = try await client.call("GET", "jobs/\(AdminClient.segment(job))/drift") as? [String: Any] ?? [:]
        if options.json { client.print(object); return }
        let drift = object["drift"] as? [[String: Any]] ?? []
        print(drift.isEmpty ? "no drift" : table(["KIND", "SUBJECT", "REPAIRED", "DETAIL"], drift.map { d in
            [d["kind"] as? String ?? "", d["subject"] as? String ?? "", (d["repaired"] as? Bool ?? false) ? "yes" : "no", d["detail"] as? String ?? ""]
        }))
    }
}
