import ArgumentParser
import Foundation

/// `roster webhook …`: a directory's webhook subscriptions (docs/change-feed.md).
struct WebhookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhook", abstract: "Webhooks: signed deliveries of a directory's change feed to an application.",
        subcommands: [Add.self, List.self, Deliveries.self, Pause.self, Resume.self, Redeliver.self, Remove.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Subscribe a URL; prints the signing secret, shown this once.")
        @OptionGroup var options: AdminOptions
        @Option(help: "The directory (name or id).") var directory: String
        @Option(name: .customLong("target"), help: "The receiver's http(s) URL.") var url: String
        @Option(parsing: .upToNextOption, help: "Event types (default: all), e.g. user.created group.* .") var events: [String] = []
        @Option(help: "Events per delivery, 1 to 500.") var batchSize: Int = 100
        @Flag(help: "Deliver what the feed keeps, not only what comes next.") var fromStart = false

        func run() async throws {
            let client = AdminClient(options: options)
            let body: [String: Any] = ["url": url, "eventTypes": events, "batchSize": batchSize, "fromStart": fromStart]
            let hook = try await client.call("POST", "directories/\(AdminClient.segment(directory))/webhooks", body: body) as? [String: Any] ?? [:]
            if options.json { client.print(hook); return }
            print("webhook \(hook["id"] as? String ?? "") → \(hook["url"] as? String ?? "")")
            print("signing secret (shown once; keep it in the receiver's secret store): \(hook["secret"] as? String ?? "")")
            print("verify: Roster-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, \"<t>.<raw body>\")>, and refuse a t more than 5 minutes off")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The subscriptions, with their state and cursor.")
        @OptionGroup var options: AdminOptions
        @Option(help: "Only this directory's (name or id).") var directory: String?

        func run() async throws {
            let client = AdminClient(options: options)
            let path = directory.map { "directories/\(AdminClient.segment($0))/webhooks" } ?? "webhooks"
            let object = try await client.call("GET", path) as? [String: Any] ?? [:]
            if options.json { client.print(object); return }
            let hooks = object["webhooks"] as? [[String: Any]] ?? []
            print(table(["ID", "URL", "STATE", "CURSOR", "FAILURES", "EVENTS", "REASON"], hooks.map { h in
                [h["id"] as? String ?? "", h["url"] as? String ?? "", h["state"] as? String ?? "", "\(h["cursor"] ?? 0)", "\(h["failureStreak"] ?? 0)",
                 (h["eventTypes"] as? [String]).map { $0.isEmpty ? "all" : $0.joined(separator: ",") } ?? "all",
                 (h["pausedReason"] as? String).flatMap { $0.isEmpty ? nil : $0 } ?? (h["lastError"] as? String ?? "")]
            }))
        }
    }

    struct Deliveries: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A subscription's delivery log, newest first.")
        @OptionGroup var options: AdminOptions
        @Argument(help: "The webhook id.") var id: String
        @Option(help: "How many.") var limit: Int = 20

        func run() async throws {
            let client = AdminClient(options: options)
            let object = try await client.call("GET", "webhooks/\(AdminClient.segment(id))/deliveries?limit=\(limit)") as? [String: Any] ?? [:]
            if options.json { client.print(object); return }
            print(table(["AT", "EVENTS", "SEQ", "ATTEMPT", "STATUS", "MS", "ERROR"], (object["deliveries"] as? [[String: Any]] ?? []).map { d in
                [d["at"] as? String ?? "", "\(d["events"] ?? 0)", "\(d["firstSeq"] ?? 0)–\(d["lastSeq"] ?? 0)", "\(d["attempt"] ?? 0)", "\(d["status"] ?? 0)",
                 "\(d["latencyMs"] ?? 0)", d["error"] as? String ?? ""]
            }))
        }
    }

    struct Pause: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Pause deliveries; nothing is skipped.")
        @OptionGroup var options: AdminOptions
        @Argument(help: "The webhook id.") var id: String
        func run() async throws { try await WebhookCommand.act(options, id, "pause") }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resume deliveries at once from the cursor.")
        @OptionGroup var options: AdminOptions
        @Argument(help: "The webhook id.") var id: String
        func run() async throws { try await WebhookCommand.act(options, id, "resume") }
    }

    struct Redeliver: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Deliver again every event after a sequence number.")
        @OptionGroup var options: AdminOptions
        @Argument(help: "The webhook id.") var id: String
        @Option(help: "The sequence number to deliver after.") var after: Int64
        func run() async throws { try await WebhookCommand.act(options, id, "redeliver", body: ["after": after]) }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a subscription and its delivery log.")
        @OptionGroup var options: AdminOptions
        @Argument(help: "The webhook id.") var id: String
        func run() async throws {
            _ = try await AdminClient(options: options).call("DELETE", "webhooks/\(AdminClient.segment(id))")
            print("webhook \(id) removed")
        }
    }

    static func act(_ options: AdminOptions, _ id: String, _ action: String, body: [String: Any]? = nil) async throws {
        let client = AdminClient(options: options)
        let hook = try await client.call("POST", "webhooks/\(AdminClient.segment(id))/\(action)", body: body) as? [String: Any] ?? [:]
        if options.json { client.print(hook); return }
        print("webhook \(id): \(hook["state"] as? String ?? "") at cursor \(hook["cursor"] ?? 0)")
    }
}
