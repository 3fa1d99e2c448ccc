import ArgumentParser
import Foundation

/// `roster schema …`: extension schemas declared for a directory ("SCIM customisation").
struct SchemaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema", abstract: "Declare, list or remove extension schemas of a directory (RFC 7643 §7).",
        subcommands: [Add.self, List.self, Remove.self])

    /// The attribute names of a declared schema as the admin API shows it.
    static func attributeNames(_ declared: [String: Any]) -> [String] {
        ((declared["schema"] as? [String: Any])?["attributes"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Declare an extension schema (or replace the one with the same id) from an RFC 7643 §7 JSON file.")
        @OptionGroup var options: AdminOptions
        @Option(help: "The directory, by name or id.") var directory: String
        @Option(help: "The schema file: {\"id\": \"urn:…\", \"name\": …, \"attributes\": [...]}.") var file: String
        @Option(help: "User or Group.") var resourceType: String = "User"
        func run() async throws {
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: file)) } catch { throw CLIError("cannot read \(file): \(error.localizedDescription)") }
            guard let schema = try? JSONSerialization.jsonObject(with: data) else { throw CLIError("\(file) is not JSON.") }
            let client = AdminClient(options: options)
            let saved = try await client.call("POST", "directories/\(AdminClient.segment(directory))/schemas", body: ["resourceType": resourceType, "schema": schema])
            if options.json { client.print(saved); return }
            guard let s = saved as? [String: Any] else { return }
            let attributes = SchemaCommand.attributeNames(s)
            print("declared \(s["urn"] ?? "") for \(s["resourceType"] ?? "") in \(directory): \(attributes.joined(separator: ", "))")
            print("It is served in /Schemas and /ResourceTypes, and validated, filterable and sortable, within 2 s on every ingress.")
        }

    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the extension schemas declared for a directory.")
        @OptionGroup var options: AdminOptions
        @Option(help: "The directory, by name or id.") var directory: String
        func run() async throws {
            let client = AdminClient(options: options)
            let result = try await client.call("GET", "directories/\(AdminClient.segment(directory))/schemas")
            if options.json { client.print(result); return }
            let all = (result as? [String: Any])?["schemas"] as? [[String: Any]] ?? []
            print(table(["URN", "TYPE", "ATTRIBUTES", "UPDATED"], all.map { s in
                [s["urn"] as? String ?? "", s["resourceType"] as? String ?? "", SchemaCommand.attributeNames(s).joined(separator: ", "), s["updated"] as? String ?? ""]
            }))
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a declaration. Values stored under its URN stay, as undeclared data (returned, not filterable).")
        @OptionGroup var options: AdminOptions
        @Option(help: "The directory, by name or id.") var directory: String
        @Option(help: "User or Group.") var resourceType: String = "User"
        @Argument(help: "The schema's URN.") var urn: String
        func run() async throws {
            let client = AdminClient(options: options)
            _ = try await client.send("DELETE", "directories/\(AdminClient.segment(directory))/schemas/\(AdminClient.segment(urn))",
                                      query: [URLQueryItem(name: "resourceType", value: resourceType)])
            print("removed \(urn) from \(resourceType) in \(directory)")
        }
    }
}
