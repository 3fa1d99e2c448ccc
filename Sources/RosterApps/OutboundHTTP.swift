public import Foundation
import Synchronization
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Roster's outbound HTTP requests (webhook deliveries, application connectors): URLSession,
/// which is libcurl on Linux, so https with the system's CAs. Redirects are refused, not
/// followed (a redirect could lead past a target check, or carry credentials elsewhere), no
/// cookies, no cache, and one whole-request time limit: libcurl enforces only an idle timeout,
/// so a server trickling a byte now and then would otherwise hold the caller forever.
public final class OutboundHTTP: Sendable {
    public struct Response: Sendable {
        /// The HTTP status; 0 when there was no answer.
        public var status: Int
        public var body: Data
        public var headers: [String: String]
        /// Why there was no answer (status 0), or "HTTP <status>".
        public var error: String
        public var latencyMilliseconds: Int64
        public var succeeded: Bool { (200..<300).contains(status) }
        public func header(_ name: String) -> String? { headers[name.lowercased()] }
    }

    private final class NoRedirects: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
        /// The status of an answer that came as an authentication challenge, by task.
        let challenged = Mutex<[Int: Int]>([:])

        func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse, newRequest request: URLRequest,
                        completionHandler: @escaping (URLRequest?) -> Void) {
            completionHandler(nil)
        }

        // A 401 with `WWW-Authenticate` is an answer to give the caller, not a challenge to
        // meet: the credentials are in the request's header already. Foundation on Linux would
        // wait on it (default handling) or end the task without its response (cancel), so its
        // status is kept here and the task cancelled.
        func urlSession(_ session: URLSession, task: URLSessionTask, didReceive challenge: URLAuthenticationChallenge,
                        completionHandler: @escaping (URLSession.AuthChallengeDisposition, URLCredential?) -> Void) {
            let status = (challenge.failureResponse as? HTTPURLResponse)?.statusCode ?? 401
            challenged.withLock { $0[task.taskIdentifier] = status }
            completionHandler(.cancelAuthenticationChallenge, nil)
        }
    }

    private let session: URLSession
    private let delegate: NoRedirects
    public let timeout: Duration

    /// The request in flight, for its cancellation.
    private final class TaskBox: Sendable {
        let current = Mutex<URLSessionDataTask?>(nil)
    }

    public init(timeout: Duration) {
        self.timeout = timeout
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        configuration.timeoutIntervalForResource = configuration.timeoutIntervalForRequest
        configuration.httpCookieAcceptPolicy = .never
        configuration.httpShouldSetCookies = false
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.httpMaximumConnectionsPerHost = 8
        delegate = NoRedirects()
        session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: nil)
    }

    /// One request; never throws: a failure is a response with status 0 and its reason.
    public func send(_ method: String, _ url: URL, body: Data? = nil, headers: [String: String] = [:]) async -> Response {
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.httpBody = body
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let started = ContinuousClock.now
        let prepared = request
        let task = TaskBox()
        let deadline = timeout
        let response: Response = await withTaskGroup(of: Response?.self) { group in
            group.addTask {
                await withTaskCancellationHandler {
                    await withCheckedContinuation { continuation in
                        let dataTask = self.session.dataTask(with: prepared) { data, response, error in
                            let http = response as? HTTPURLResponse
                            let identifier = task.current.withLock { $0?.taskIdentifier } ?? -1
                            let challenged = self.delegate.challenged.withLock { $0.removeValue(forKey: identifier) }
                            let status = http?.statusCode ?? challenged ?? 0
                            var headers: [String: String] = [:]
                            for (name, value) in http?.allHeaderFields ?? [:] {
                                if let name = name as? String, let value = value as? String { headers[name.lowercased()] = value }
                            }
                            let reason = if let error, status == 0 { error.localizedDescription } else { (200..<300).contains(status) ? "" : "HTTP \(status)" }
                            continuation.resume(returning: Response(status: status, body: data ?? Data(), headers: headers, error: reason, latencyMilliseconds: 0))
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
            return first ?? Response(status: 0, body: Data(), headers: [:], error: "no answer within \(deadline)", latencyMilliseconds: 0)
        }
        let elapsed = ContinuousClock.now - started
        var out = response
        out.latencyMilliseconds = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
        return out
    }
}
