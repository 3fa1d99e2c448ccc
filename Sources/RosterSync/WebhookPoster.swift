import Foundation
import Synchronization
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// POSTs webhook deliveries (URLSession: libcurl on Linux, so https with the system's CAs).
/// Redirects are refused, not followed: a redirect could lead past the target check.
final class WebhookPoster: Sendable {
    struct Outcome: Sendable {
        /// The HTTP status; 0 when there was no answer.
        var status: Int
        var error: String
        var latencyMilliseconds: Int64
        var succeeded: Bool { (200..<300).contains(status) }
    }

    private final class NoRedirects: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
        func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse, newRequest request: URLRequest,
                        completionHandler: @escaping (URLRequest?) -> Void) {
            completionHandler(nil)
        }
    }

    private let session: URLSession
    private let timeout: Duration

    /// The request in flight, for its cancellation.
    private final class TaskBox: Sendable {
        let current = Mutex<URLSessionDataTask?>(nil)
    }

    init(timeout: Duration) {
        self.timeout = timeout
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        configuration.timeoutIntervalForResource = configuration.timeoutIntervalForRequest
        configuration.httpCookieAcceptPolicy = .never
        configuration.httpShouldSetCookies = false
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        session = URLSession(configuration: configuration, delegate: NoRedirects(), delegateQueue: nil)
    }

    func post(_ url: URL, body: Data, headers: [String: String]) async -> Outcome {
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.httpBody = body
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let started = ContinuousClock.now
        let prepared = request
        let task = TaskBox()
        let deadline = timeout
        // libcurl enforces only an idle timeout: a receiver trickling a byte now and then would
        // hold the subscription forever. The whole POST has `timeout`, then it is cancelled.
        let (status, error): (Int, String) = await withTaskGroup(of: (Int, String)?.self) { group in
            group.addTask {
                await withTaskCancellationHandler {
                    await withCheckedContinuation { continuation in
                        let dataTask = self.session.dataTask(with: prepared) { _, response, error in
                            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
                            if let error, status == 0 {
                                continuation.resume(returning: (0, error.localizedDescription))
                            } else {
                                continuation.resume(returning: (status, (200..<300).contains(status) ? "" : "HTTP \(status)"))
                            }
                        }
                        task.current.withLock { $0 = dataTask }
                        dataTask.resume()
                    }
                } onCancel: {
                    task.current.withLock { $0?.cancel() }
                }
            }
            group.addTask {
                try? await Task.sleep(for: deadline)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? (0, "no answer within \(deadline)")
        }
        let elapsed = ContinuousClock.now - started
        return Outcome(status: status, error: error, latencyMilliseconds: elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
    }
}
