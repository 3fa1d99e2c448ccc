import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Options every admin command shares.
struct AdminOptions: ParsableArguments {
    @Option(help: "The Roster base URL (the ingress).")
    var url: String = "http://127.0.0.1:8080"

    @Option(help: "The admin token (or set ROSTER_ADMIN_TOKEN).")
    var adminToken: String?

    @Flag(help: "Print the API's JSON instead of a table.")
    var json = false
}

/// Calls the admin API and turns failures into clear messages.
struct AdminClient {
    let options: AdminOptions

    /// A directory name, URN or id as one segment of an admin API path (a `/` in it escaped too).
    static func segment(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? s }

    func call(_ method: String, _ path: String, body: [String: Any]? = nil, timeout: TimeInterval = 60) async throws -> Any {
        let data = try await send(method, path, body: body, timeout: timeout)
        return data.isEmpty ? [String: Any]() : (try? JSONSerialization.jsonObject(with: data)) ?? [:]
    }

    /// The raw body of a successful call (e.g. a CSV export); a failure becomes a clear message.
    /// `file`: a body streamed from disk (an import), with its Content-Type.
    func send(_ method: String, _ path: String, query: [URLQueryItem] = [], body: [String: Any]? = nil, file: (url: URL, type: String)? = nil,
              timeout: TimeInterval = 60) async throws -> Data {
        guard let token = options.adminToken ?? ProcessInfo.processInfo.environment["ROSTER_ADMIN_TOKEN"], !token.isEmpty else {
            throw ValidationError("No admin token: pass --admin-token or set ROSTER_ADMIN_TOKEN.")
        }
        let base = options.url.hasSuffix("/") ? String(options.url.dropLast()) : options.url
        guard var components = URLComponents(string: "\(base)/admin/api/v1/\(path)") else { throw ValidationError("'\(options.url)' is not a URL.") }
        if !query.isEmpty { components.queryItems = query }
        guard let url = components.url else { throw ValidationError("'\(options.url)' is not a URL.") }
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = method
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        if let body {
            request.httpBody = try JSONSerialization.data(withJSONObject: body)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response): (Data, URLResponse)
        do {
            if let file {
                request.setValue(file.type, forHTTPHeaderField: "Content-Type")
                (data, response) = try await URLSession.shared.upload(for: request, fromFile: file.url)
            } else {
                (data, response) = try await URLSession.shared.data(for: request)
            }
        } catch {
            throw CLIError("\(url.host ?? base) is unreachable: \(error.localizedDescription)")
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else {
            let parsed = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
            throw CLIError("\(status): \(parsed?["detail"] as? String ?? "the admin API refused the request")")
        }
        return data
    }

    /// One JSON object on one line (a stream of events).
    func printLine(_ value: Any) {
        if let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]) {
            Swift.print(String(decoding: data, as: UTF8.self))
        }
    }

    func print(_ value: Any) {
        if let data = try? JSONSerialization.data(withJSONObject: value, options: [.prettyPrinted, .sortedKeys]) {
            Swift.print(String(decoding: data, as: UTF8.self))
        }
    }
}

struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A plain text table.
func table(_ headers: [String], _ rows: [[String]]) -> String {
    var widths = headers.map(\.count)
    for row in rows { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) } }
    func line(_ cells: [String]) -> String {
        cells.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }.joined(separator: "  ")
    }
    return ([line(headers), line(widths.map { String(repeating: "-", count: $0) })] + rows.map(line)).joined(separator: "\n")
}
