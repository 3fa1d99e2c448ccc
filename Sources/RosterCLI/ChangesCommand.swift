import ArgumentParser
import Foundation

/// `roster changes tail`: a directory's change feed, followed like `tail -f`.
struct ChangesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "changes", abstract: "A directory's change feed: every effect of its IdPs, in order (docs/change-feed.md).", subcommands: [Tail.self])

    struct Tail: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the feed's events after a cursor, then follow it (long-polls; Ctrl-C ends it).")
        @OptionGroup var options: AdminOptions
        @Option(help: "The directory (name or id).") var directory: String
        @Option(help: "Start after this sequence number (default: the last 10 events).") var after: Int64?
        @Flag(help: "Print what there is, then stop.") var noFollow = false

        func run() async throws {
            let client = AdminClient(options: options)
            let path = "directories/\(AdminClient.segment(directory))/changes"
            var cursor: Int64
            if let after {
                cursor = after
            } else {
                let head = try await page(client, path, after: nil, limit: 0, wait: 0)
                let (last, oldest) = (Int64(head["head"] as? Int ?? 0), Int64(head["oldest"] as? Int ?? 0))
                cursor = max(last - 10, max(oldest - 1, 0))
            }
            while true {
                let reply = try await page(client, path, after: cursor, limit: 1000, wait: noFollow ? 0 : 20)
                let events = reply["events"] as? [[String: Any]] ?? []
                for event in events {
                    if options.json { client.printLine(event) } else { print(Self.line(event)) }
                }
                cursor = (reply["next"] as? Int).map(Int64.init) ?? cursor
                if noFollow && events.isEmpty { return }
            }
        }

        func page(_ client: AdminClient, _ path: String, after: Int64?, limit: Int, wait: Int) async throws -> [String: Any] {
            var query = [URLQueryItem(name: "limit", value: String(limit)), URLQueryItem(name: "wait", value: String(wait))]
            if let after { query.append(URLQueryItem(name: "after", value: String(after))) }
            let data = try await client.send("GET", path, query: query, timeout: TimeInterval(wait + 30))
            return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        }

        /// `SEQ  TIME  TYPE  RESOURCE  NAME  (changed: …)`.
        static func line(_ e: [String: Any]) -> String {
            let data = e["data"] as? [String: Any] ?? [:]
            let name = data["userName"] as? String ?? data["displayName"] as? String
                ?? (data["groupDisplayName"] as? String).map { "\($0) ← \(data["display"] as? String ?? data["value"] as? String ?? "")" } ?? ""
            let changed = (e["changed"] as? [String]).map { "  (changed: \($0.joined(separator: ", ")))" } ?? ""
            return "\(e["seq"] ?? "")\t\(e["at"] as? String ?? "")\t\(e["type"] as? String ?? "")\t\(e["resourceId"] as? String ?? "")\t\(name)\(changed)"
        }
    }
}
