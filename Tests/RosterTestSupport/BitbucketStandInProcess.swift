public import Foundation
public import SCIMCore

/// The Bitbucket Data Center stand-in (`roster-bitbucket-standin`, a contract test double of
/// its admin REST API) as a real process on a loopback port, with its state in a file so that
/// it can be stopped and started again as Bitbucket would be after an outage.
public final class BitbucketStandInProcess: @unchecked Sendable {
    public let port: Int
    public let stateFile: URL
    public let log: URL
    public let arguments: [String]
    public private(set) var process: Process?
    public static let username = "svc-roster"
    public static let password = "Stand-in-Pa55word-7c41e0"

    /// `arguments`: more flags (`--seed-users N`, `--licence-limit N`).
    public init(directory: URL, arguments: [String] = [], persistent: Bool = true) {
        port = TestProcesses.port()
        stateFile = directory.appendingPathComponent("bitbucket-state.json")
        log = directory.appendingPathComponent("bitbucket.log")
        self.arguments = ["--port", String(port), "--username", Self.username, "--password", Self.password]
            + (persistent ? ["--state-file", stateFile.path] : []) + arguments
    }

    public var url: String { "http://127.0.0.1:\(port)" }
    public var admin: TestHTTP { TestHTTP(base: url) }

    /// Starts it and waits until it answers.
    public func start() async throws {
        process = try TestProcesses.launch("roster-bitbucket-standin", arguments, log: log)
        guard await eventually(timeout: .seconds(60), { (try? await self.send("GET", "/_standin/requests"))?.status == 200 }) else {
            throw TestProcessError.missing("the Bitbucket stand-in did not start: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
        }
    }

    public func stop() async {
        if let process { await TestProcesses.stop(process) }
        process = nil
    }

    /// A request to it, as the service account.
    public func send(_ method: String, _ path: String, body: String? = nil) async throws -> TestHTTP.Reply {
        let basic = Data("\(Self.username):\(Self.password)".utf8).base64EncodedString()
        return try await admin.send(method, path, body: body, headers: ["Authorization": "Basic \(basic)", "Content-Type": "application/json"])
    }

    /// Users by name: their groups (sorted), display name, e-mail, licence.
    public func state() async throws -> (users: [String: [String: JSONValue]], groups: [String: [String]]) {
        let object = try await send("GET", "/_standin/state").object
        var users: [String: [String: JSONValue]] = [:], groups: [String: [String]] = [:]
        for u in object["users"]?.arrayValue?.compactMap(\.objectValue) ?? [] { users[u["name"]?.stringValue ?? ""] = u }
        for g in object["groups"]?.arrayValue?.compactMap(\.objectValue) ?? [] {
            groups[g["name"]?.stringValue ?? ""] = g["members"]?.arrayValue?.compactMap(\.stringValue) ?? []
        }
        return (users, groups)
    }

    /// Requests it served (under /rest), and how many of them were writes.
    public func requests() async throws -> (total: Int, writes: Int, byRoute: [String: Int]) {
        let object = try await send("GET", "/_standin/requests").object
        func int(_ v: JSONValue?) -> Int { if case .int(let n)? = v { Int(n) } else { 0 } }
        return (int(object["total"]), int(object["writes"]), (object["byRoute"]?.objectValue ?? [:]).mapValues(int))
    }
}
