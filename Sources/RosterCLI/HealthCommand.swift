import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `roster health`: sends the GET /Users an admin would send with curl and says what is wrong.
struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "Check a SCIM endpoint as an identity provider would reach it.")

    @Option(help: "The SCIM base URL, e.g. http://127.0.0.1:8080/scim/v2.")
    var url: String = "http://127.0.0.1:8080/scim/v2"

    @Option(help: "The bearer token (or set ROSTER_TOKEN).")
    var token: String?

    func run() async throws {
        let token = token ?? ProcessInfo.processInfo.environment["ROSTER_TOKEN"]
        let verdict = await HealthCheck.run(baseURL: url, token: token)
        print(verdict.message)
        if !verdict.healthy { throw ExitCode(1) }
    }
}

/// The diagnosis of one GET /Users.
struct HealthCheck {
    var healthy: Bool
    var message: String

    static func run(baseURL: String, token: String?) async -> HealthCheck {
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        guard let url = URL(string: "\(base)/Users?count=1") else {
            return HealthCheck(healthy: false, message: "FAIL: '\(baseURL)' is not a URL.")
        }
        guard let token, !token.isEmpty else {
            return HealthCheck(healthy: false, message: "FAIL: no token: pass --token or set ROSTER_TOKEN.")
        }
        var request = URLRequest(url: url, timeoutInterval: 15)
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.setValue("application/scim+json", forHTTPHeaderField: "Accept")
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            return HealthCheck(healthy: false, message: "FAIL: \(url.host ?? base) is unreachable: \(error.localizedDescription). Is Roster running, and is the address right?")
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let detail = (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?["detail"] as? String ?? ""
        switch status {
        case 200:
            let total = (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?["totalResults"] as? Int
            return HealthCheck(healthy: true, message: "OK: GET \(url.path) answered 200; \(total.map(String.init) ?? "?") users in the directory.")
        case 401:
            return HealthCheck(healthy: false, message: "FAIL: 401, the token was rejected. \(detail)")
        case 404:
            return HealthCheck(healthy: false, message: "FAIL: 404 at \(url.path): the base URL is wrong; it should end with /scim/v2.")
        case 503, 504:
            return HealthCheck(healthy: false, message: "FAIL: \(status), a worker is down or slow. \(detail)")
        default:
            return HealthCheck(healthy: false, message: "FAIL: unexpected status \(status). \(detail)")
        }
    }
}
