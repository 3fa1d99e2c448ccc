public import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
public import SCIMCore
import RosterCrypto

/// A plain HTTP client for tests, over URLSession (libcurl on Linux).
public struct TestHTTP: Sendable {
    public struct Reply: Sendable {
        public var status: Int
        public var headers: [String: String]
        public var body: Data
        public var json: JSONValue? { try? JSONValue.parse(body) }
        public var object: [String: JSONValue] { json?.objectValue ?? [:] }

        public func header(_ name: String) -> String? {
            headers.first { $0.key.lowercased() == name.lowercased() }?.value
        }
    }

    public var base: String
    public var token: String?

    public init(base: String, token: String? = nil) {
        self.base = base
        self.token = token
    }

    public func send(_ method: String, _ path: String, json: JSONValue? = nil, body: String? = nil, headers: [String: String] = [:]) async throws -> Reply {
        var request = URLRequest(url: URL(string: base + path)!, timeoutInterval: 30)
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let json {
            request.httpBody = json.serializedData()
            request.setValue("application/scim+json", forHTTPHeaderField: "Content-Type")
        } else if let body {
            request.httpBody = Data(body.utf8)
        }
        for (k, v) in headers { request.setValue(v, forHTTPHeaderField: k) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        var fields: [String: String] = [:]
        for (k, v) in http.allHeaderFields { fields["\(k)"] = "\(v)" }
        return Reply(status: http.statusCode, headers: fields, body: data)
    }

    /// A minimal valid User body.
    public static func user(_ userName: String, extra: [String: JSONValue] = [:]) -> JSONValue {
        var o: [String: JSONValue] = ["schemas": .array([.string(CoreSchemas.userURN)]), "userName": .string(userName)]
        for (k, v) in extra { o[k] = v }
        return .object(o)
    }
}

/// Polls `condition` until it holds or `timeout` passes.
public func eventually(timeout: Duration = .seconds(20), _ condition: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(100))
    }
    return false
}

/// SHA-256 of `text`, lowercase hex: how tokens are configured.
public func sha256(_ text: String) -> String { Secrets.sha256Hex(text) }

/// Parses JSON text in tests; a malformed fixture is a bug in the test.
public func json(_ text: String) -> JSONValue {
    do { return try JSONValue.parse(Data(text.utf8)) } catch { preconditionFailure("bad fixture: \(error)") }
}
