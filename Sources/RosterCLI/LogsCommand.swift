import ArgumentParser
import Foundation

/// `roster logs [--service users] [--follow]`: what `roster up` wrote to `DATA/logs/`.
struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs", abstract: "Print the log files roster up writes (DATA/logs/<process>.log), or follow them.")

    @Option(help: "The data directory roster up runs on.") var dataDir: String = "data"
    @Option(help: "One process: ingress, users, groups, sync, audit, or a shard such as users-1 (default: all).") var service: String?
    @Option(help: "How many of the last lines of each file.") var lines: Int = 100
    @Flag(help: "Keep printing what is appended, as it is (Ctrl-C ends).") var follow = false

    func run() async throws {
        let directory = URL(fileURLWithPath: dataDir).appendingPathComponent("logs")
        let available = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".log") }.sorted()
        guard !available.isEmpty else { throw CLIError("\(directory.path) holds no logs: roster up writes them there while it runs.") }
        let chosen = service.map { name in available.filter { $0 == "\(name).log" || $0.hasPrefix("\(name)-") } } ?? available
        guard !chosen.isEmpty else {
            throw CLIError("No log for '\(service ?? "")' in \(directory.path): there are \(available.map { $0.replacingOccurrences(of: ".log", with: "") }.joined(separator: ", ")).")
        }
        let prefix = chosen.count > 1
        var offsets: [String: UInt64] = [:]
        for file in chosen {
            let url = directory.appendingPathComponent(file)
            let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
            for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().suffix(max(0, lines)) {
                print(prefix ? "[\(file.dropLast(4))] \(line)" : String(line))
            }
            offsets[file] = UInt64(text.utf8.count)
        }
        guard follow else { return }
        while !Task.isCancelled {
            try await Task.sleep(for: .milliseconds(500))
            for file in chosen {
                let url = directory.appendingPathComponent(file)
                guard let handle = try? FileHandle(forReadingFrom: url) else { continue }
                defer { try? handle.close() }
                let size = (try? handle.seekToEnd()) ?? 0
                var offset = offsets[file] ?? 0
                if size < offset { offset = 0 }  // rotated: the new file from its start
                try? handle.seek(toOffset: offset)
                guard let data = try? handle.readToEnd(), !data.isEmpty else { continue }
                offsets[file] = offset + UInt64(data.count)
                for line in String(decoding: data, as: UTF8.self).split(separator: "\n") { print(prefix ? "[\(file.dropLast(4))] \(line)" : String(line)) }
            }
        }
    }
}
