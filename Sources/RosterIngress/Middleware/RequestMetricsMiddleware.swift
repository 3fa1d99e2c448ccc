import Hummingbird
import Metrics
import RosterMetrics

/// Request counts and latencies by route template, method and status
/// (`roster_http_requests_total`, `roster_http_request_duration_seconds`).
///
/// Not Hummingbird's `MetricsMiddleware`: that one wraps every response body in a post-write
/// closure, which took a quarter of the ingress's throughput on small answers here
/// (`docs/benchmarks.md`). This records when the response is made, which for Roster's bodies
/// (built whole before they are sent) is when the work is done.
struct RequestMetricsMiddleware: RouterMiddleware {
    typealias Context = SCIMRequestContext

    struct Key: Hashable, Sendable {
        var route: String
        var method: HTTPRequest.Method
        var status: Int
    }

    struct Series: Sendable {
        var count: Counter
        var duration: Metrics.Timer
    }

    let series = MetricsCache<Key, Series> { key in
        let labels = [("route", key.route), ("method", key.method.rawValue), ("status", String(key.status))]
        return Series(count: RosterMetrics.counter("roster_http_requests_total", labels),
                      duration: RosterMetrics.timer("roster_http_request_duration_seconds", labels))
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        do {
            let response = try await next(request, context)
            record(context, request, Int(response.status.code), since: started)
            return response
        } catch {
            record(context, request, (error as? any HTTPResponseError).map { Int($0.status.code) } ?? 500, since: started)
            throw error
        }
    }

    private func record(_ context: Context, _ request: Request, _ status: Int, since started: ContinuousClock.Instant) {
        // The template, never the path: ids would make a series per resource.
        let s = series[Key(route: context.endpointPath ?? "unmatched", method: request.method, status: status)]
        s.count.increment()
        s.duration.record(duration: ContinuousClock.now - started)
    }
}
