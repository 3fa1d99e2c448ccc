import ArgumentParser
import Foundation
import RosterConfig

/// `roster config …`: IdP configurations through the admin API of a running system.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Manage IdP configurations (each with its credential and directory).",
        subcommands: [List.self, Show.self, Create.self, Update.self, RotateToken.self, Disable.self, Enable.self, Delete.self])

    static func render(_ c: [String: Any]) -> [String] {
        let urls = c["scimBaseUrls"] as? [String: Any]
        let directory = c["directoryName"] as? String ?? ""
        let groups = { (key: String) in (c[key] as? [String]).map { $0.isEmpty ? "-" : $0.joined(separator: ",") } ?? "-" }
        return [c["name"] as? String ?? "", c["id"] as? String ?? "", "\(directory) (\(c["directoryId"] as? String ?? ""))", c["authMethod"] as? String ?? "",
                c["deleteMode"] as? String ?? "", groups("defaultGroups"), groups("applicationGroups"), (c["enabled"] as? Bool ?? false) ? "yes" : "no",
                urls?["v2"] as? String ?? ""]
    }

    static let headers = ["NAME", "ID", "DIRECTORY", "AUTH", "ON DELETE", "DEFAULT GROUPS", "APP GROUPS", "ENABLED", "SCIM 2.0 URL"]

    static func show(_ result: Any, client: AdminClient) {
        if client.options.json { client.print(result); return }
        guard let c = result as? [String: Any] else { return }
        print(table(headers, [render(c)]))
        for key in ["defaultGroups", "applicationGroups"] { print("\(key): \((c[key] as? [String])?.joined(separator: ", ") ?? "")") }
        if let policy = c["undeclaredExtensions"] as? String { print("undeclaredExtensions: \(policy)") }
        if let v11 = (c["scimBaseUrls"] as? [String: Any])?["v1.1"] as? String { print("SCIM 1.1 URL (for IdPs that speak only 1.1): \(v11)") }
        if let note = c["scimBaseUrlNote"] as? String { print(note) }
        if let token = c["token"] as? String { print("\nBearer token (shown once, only its hash is kept):\n  \(token)") }
        if let password = c["basicPassword"] as? String { print("\nBasic password for \(c["basicUsername"] ?? "") (shown once):\n  \(password)") }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List configurations.")
        @OptionGroup var options: AdminOptions
        func run() async throws {
            let client = AdminClient(options: options)
            let result = try await client.call("GET", "configurations")
            if options.json { client.print(result); return }
            let all = (result as? [String: Any])?["configurations"] as? [[String: Any]] ?? []
            print(table(ConfigCommand.headers, all.map(ConfigCommand.render)))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one configuration (by id or name).")
        @OptionGroup var options: AdminOptions
        @Argument(help: "The configuration's name or id.") var name: String
        func run() async throws {
            let client = AdminClient(options: options)
            let configuration = try await client.call("GET", "configurations/\(name)")
            let report = try await client.call("GET", "configurations/\(name)/compatibility")
            if options.json { client.print(["configuration": configuration, "compatibility": report]); return }
            ConfigCommand.show(configuration, client: client)
            ConfigCommand.showCompatibility(report)
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a configuration; prints its token (or Basic password) once.")
        @OptionGroup var options: AdminOptions
        @Argument(help: "A name for the configuration (unique), e.g. okta.") var name: String
        @Option(help: "An existing directory, by name or id.") var directory: String?
        @Option(help: "Create a new directory with this name.") var newDirectory: String?
        @Option(help: "bearer or basic.") var auth: String = "bearer"
        @Option(help: "Basic username.") var basicUsername: String?
        @Option(help: "delete or disable.") var onDelete: String = "delete"
        @Option(help: "Comma-separated default groups.") var defaultGroups: String = ""
        @Option(help: "Comma-separated application groups.") var applicationGroups: String = ""
        @Option(help: "store or reject: what a request does with an extension URN no schema declares.") var undeclaredExtensions: String = "store"
        func run() async throws {
            var body: [String: Any] = ["name": name, "authMethod": auth, "deleteMode": onDelete, "undeclaredExtensions": undeclaredExtensions,
                                       "defaultGroups": RosterConfiguration.list(defaultGroups), "applicationGroups": RosterConfiguration.list(applicationGroups)]
            if let directory { body["directoryId"] = directory }
            if let newDirectory { body["newDirectoryName"] = newDirectory }
            if let basicUsername { body["basicUsername"] = basicUsername }
            let client = AdminClient(options: options)
            ConfigCommand.show(try await client.call("POST", "configurations", body: body), client: client)
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a configuration's rules.")
        @OptionGroup var options: AdminOptions
        @Argument(help: "The configuration's name or id.") var name: String
        @Option(help: "A new name.") var rename: String?
        @Option(help: "delete or disable.") var onDelete: String?
        @Option(help: "Comma-separated default groups (replaces the list; \"\" empties it).") var defaultGroups: String?
        @Option(help: "Comma-separated application groups (replaces the list; \"\" empties it).") var applicationGroups: String?
        @Option(help: "true or false.") var enabled: Bool?
        @Option(help: "store or reject: what a request does with an extension URN no schema declares.") var undeclaredExtensions: String?
        func run() async throws {
            var body: [String: Any] = [:]
            if let undeclaredExtensions { body["undeclaredExtensions"] = undeclaredExtensions }
            if let rename { body["name"] = rename }
            if let onDelete { body["deleteMode"] = onDelete }
            if let defaultGroups { body["defaultGroups"] = RosterConfiguration.list(defaultGroups) }
            if let applicationGroups { body["applicationGroups"] = RosterConfiguration.list(applicationGroups) }
            if let enabled { body["enabled"] = enabled }
            let client = AdminClient(options: options)
            ConfigCommand.show(try await client.call("PATCH", "configurations/\(name)", body: body), client: client)
        }
    }

    struct RotateToken: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "New token (or Basic password), printed once; the old one stops working within 2 s.")
        @OptionGroup var options: AdminOptions
        @Argument(help: "The configuration's name or id.") var name: String
        @Flag(help: "Confirm without asking (required when the input is not a terminal).") var yes = false
        func run() async throws {
            try Confirmation.require("replace the credential of '\(name)': its IdP stops working until it is given the new one", word: "rotate", yes: yes)
            let client = AdminClient(options: options)
            ConfigCommand.show(try await client.call("POST", "configurations/\(name)/rotate", body: [:]), client: client)
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable a configuration: its credential stops working within 2 s.")
        @OptionGroup var options: AdminOptions
        @Argument(help: "The configuration's name or id.") var name: String
        func run() async throws {
            let client = AdminClient(options: options)
            ConfigCommand.show(try await client.call("POST", "configurations/\(name)/disable", body: [:]), client: client)
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a configuration again: its credential works within 2 s.")
        @OptionGroup var options: AdminOptions
        @Argument(help: "The configuration's name or id.") var name: String
        func run() async throws {
            let client = AdminClient(options: options)
            ConfigCommand.show(try await client.call("PATCH", "configurations/\(name)", body: ["enabled": true]), client: client)
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a configuration (its directory and data stay).")
        @OptionGroup var options: AdminOptions
        @Argument(help: "The configuration's name or id.") var name: String
        @Flag(help: "Confirm without asking (required when the input is not a terminal).") var yes = false
        func run() async throws {
            try Confirmation.require("delete the configuration '\(name)' and its credential", word: "delete", yes: yes)
            _ = try await AdminClient(options: options).call("DELETE", "configurations/\(name)")
            print("deleted \(name)")
        }
    }
}

/// `roster directory …`.
struct DirectoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "directory", abstract: "List, create or remove directories, or clear their SCIM data.", subcommands: [List.self, Create.self, Remove.self, ClearSCIM.self])

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a directory: every user, group and membership in every store, and its configurations (their tokens stop working). Cannot be undone.")
        @OptionGroup var options: AdminOptions
        @Argument(help: "The directory's name (or id).") var name: String
        @Option(help: "The directory's name again: the confirmation.") var confirm: String
        @Flag(help: "Return once the job is queued, without following it.") var noWait = false
        func run() async throws {
            let client = AdminClient(options: options)
            let key = AdminClient.segment(name)
            let job = try await client.call("POST", "directories/\(key)/remove", body: ["confirm": confirm]) as? [String: Any] ?? [:]
            try await JobProgress.follow(job, options: options, noWait: noWait)
        }
    }

    struct ClearSCIM: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "clear-scim",
            abstract: "Clear a directory's SCIM data: every account loses its SCIM id and externalId but is kept; roster sync run gives them new ids, and the IdP must re-link (docs/directory-utilities.md).")
        @OptionGroup var options: AdminOptions
        @Argument(help: "The directory's name (or id).") var name: String
        @Option(help: "The directory's name again: the confirmation.") var confirm: String
        @Flag(help: "Return once the job is queued, without following it.") var noWait = false
        func run() async throws {
            let job = try await AdminClient(options: options).call("POST", "directories/\(AdminClient.segment(name))/clear-scim", body: ["confirm": confirm]) as? [String: Any] ?? [:]
            try await JobProgress.follow(job, options: options, noWait: noWait)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List directories (name, id, creation time).")
        @OptionGroup var options: AdminOptions
        func run() async throws {
            let client = AdminClient(options: options)
            let result = try await client.call("GET", "directories")
            if options.json { client.print(result); return }
            let all = (result as? [String: Any])?["directories"] as? [[String: Any]] ?? []
            print(table(["NAME", "ID", "CREATED"], all.map { [$0["name"] as? String ?? "", $0["id"] as? String ?? "", $0["created"] as? String ?? ""] }))
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an empty directory (configurations can then point at it by name).")
        @OptionGroup var options: AdminOptions
        @Argument(help: "The directory's name (unique).") var name: String
        func run() async throws {
            let client = AdminClient(options: options)
            let result = try await client.call("POST", "directories", body: ["name": name])
            if options.json { client.print(result); return }
            print("created directory \(name) (\((result as? [String: Any])?["id"] as? String ?? "?"))")
        }
    }
}
