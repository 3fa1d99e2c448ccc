import Foundation
import RosterApps

/// POSTs webhook deliveries through ``OutboundHTTP`` (no redirects, one time limit per POST).
final class WebhookPoster: Sendable {
    struct Outcome: Sendable {
        /// The HTTP status; 0 when there was no answer.
        var status: Int
        var error: String
        var latencyMilliseconds: Int64
        var succeeded: Bool { (200..<300).contains(status) }
    }

    private let http: OutboundHTTP

    init(timeout: Duration) { http = OutboundHTTP(timeout: timeout) }

    func post(_ url: URL, body: Data, headers: [String: String]) async -> Outcome {
        let response = await http.send("POST", url, body: body, headers: headers)
        return Outcome(status: response.status, error: response.error, latencyMilliseconds: response.latencyMilliseconds)
    }
}
