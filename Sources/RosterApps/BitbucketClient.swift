public import Foundation
import Synchronization
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// How the connector signs in to Bitbucket. HTTP access tokens cannot use the admin endpoints
/// (BSERV-10482), so it is Basic with a service account, or an OAuth 2.0 access token.
public enum BitbucketCredentials: Sendable {
    case basic(username: String, password: String)
    case bearer(token: String)

    var header: String {
        switch self {
        case .basic(let username, let password): "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
        case .bearer(let token): "Bearer " + token
        }
    }
}

/// Bitbucket Data Center's admin REST API (`/rest/api/latest/admin/...`), the calls the
/// connector makes and nothing else. Each call either does what it says or throws a
/// ``BitbucketError``; the answers that mean "already so" (a 404 on delete, a 409 on create)
/// are given back as values, not thrown, because the connector is idempotent on them.
public final class BitbucketClient: Sendable {
    public let baseURL: URL
    let credentials: BitbucketCredentials
    let http: OutboundHTTP
    /// Requests sent, for the connector's status and metrics.
    let requests = Atomic<Int>(0)
    public var requestCount: Int { requests.load(ordering: .relaxed) }

    public init(baseURL: URL, credentials: BitbucketCredentials, timeout: Duration) {
        var base = baseURL.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = URL(string: base) ?? baseURL
        self.credentials = credentials
        self.http = OutboundHTTP(timeout: timeout)
    }

    /// Sends one request under `/rest/api/latest`; the body of a 2xx, or a thrown error.
    @discardableResult
    func call(_ method: String, _ path: String, query: [(String, String)] = [], json: [String: Any]? = nil) async throws(BitbucketError) -> Data {
        var components = URLComponents(string: baseURL.absoluteString + "/rest/api/latest" + path)
        if !query.isEmpty {
            components?.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) }
            // '+' is a space to many servers' form decoding: send it encoded.
            let encoded = components?.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
            components?.percentEncodedQuery = encoded
        }
        let operation = "\(method) \(path)"
        guard let url = components?.url else { throw BitbucketError(status: 0, message: "bad URL", operation: operation) }
        var headers = ["Authorization": credentials.header, "Accept": "application/json", "X-Atlassian-Token": "no-check"]
        var body: Data?
        if let json {
            body = try? JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
            headers["Content-Type"] = "application/json"
        }
        requests.add(1, ordering: .relaxed)
        let response = await http.send(method, url, body: body, headers: headers)
        guard response.succeeded else {
            if response.status == 0 { throw BitbucketError(status: 0, message: response.error, operation: operation) }
            throw BitbucketError(status: response.status, body: response.body, operation: operation, retryAfter: response.header("Retry-After"),
                                 fallback: HTTPURLResponse.localizedString(forStatusCode: response.status))
        }
        return response.body
    }

    func decode<T: Decodable>(_ type: T.Type, _ data: Data, _ operation: String) throws(BitbucketError) -> T {
        do { return try JSONDecoder().decode(T.self, from: data) } catch {
            throw BitbucketError(status: 502, message: "the answer is not the documented JSON (\(error))", operation: operation)
        }
    }

    /// One page of a list endpoint.
    func page<T: Decodable & Sendable>(_ type: T.Type, _ path: String, start: Int, limit: Int, _ query: [(String, String)] = []) async throws(BitbucketError) -> BitbucketPage<T> {
        let data = try await call("GET", path, query: query + [("start", String(start)), ("limit", String(limit))])
        return try decode(BitbucketPage<T>.self, data, "GET \(path)")
    }

    /// Every page of a list endpoint (for lists that are small: a user's groups, the permissions).
    func all<T: Decodable & Sendable>(_ type: T.Type, _ path: String, _ query: [(String, String)] = []) async throws(BitbucketError) -> [T] {
        var out: [T] = [], start = 0
        while true {
            let page = try await page(T.self, path, start: start, limit: 1000, query)
            out += page.values
            guard !page.isLastPage, let next = page.nextPageStart, next > start else { return out }
            start = next
        }
    }
}
