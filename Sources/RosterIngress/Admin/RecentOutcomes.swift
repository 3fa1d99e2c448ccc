import Foundation
import Hummingbird
import Synchronization

/// The SCIM requests of the last five minutes on this ingress, by outcome, per second: the
/// "recent error rate" of `roster status` (Prometheus has the long history; this is the glance).
final class RecentOutcomes: Sendable {
    struct Counts: Equatable, Sendable {
        var requests = 0
        var clientErrors = 0
        var serverErrors = 0
    }

    static let window = 300
    private struct Bucket {
        var second: Int64 = -1
        var counts = Counts()
    }
    private let buckets = Mutex([Bucket](repeating: Bucket(), count: RecentOutcomes.window))

    func record(status: Int, at second: Int64 = Int64(Date().timeIntervalSince1970)) {
        let index = Int(second % Int64(Self.window))
        buckets.withLock { buckets in
            if buckets[index].second != second { buckets[index] = Bucket(second: second) }
            buckets[index].counts.requests += 1
            if (400..<500).contains(status) { buckets[index].counts.clientErrors += 1 }
            if status >= 500 { buckets[index].counts.serverErrors += 1 }
        }
    }

    /// The totals of the seconds still inside the window.
    func last(at second: Int64 = Int64(Date().timeIntervalSince1970)) -> Counts {
        buckets.withLock { buckets in
            buckets.filter { $0.second > second - Int64(Self.window) && $0.second <= second }.reduce(into: Counts()) {
                $0.requests += $1.counts.requests
                $0.clientErrors += $1.counts.clientErrors
                $0.serverErrors += $1.counts.serverErrors
            }
        }
    }
}

/// Counts every `/scim/…` answer into ``RecentOutcomes`` (probes and the admin API are left out).
struct RecentOutcomesMiddleware: RouterMiddleware {
    typealias Context = SCIMRequestContext
    let outcomes: RecentOutcomes

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.path.hasPrefix("/scim/") else { return try await next(request, context) }
        do {
            let response = try await next(request, context)
            outcomes.record(status: Int(response.status.code))
            return response
        } catch {
            outcomes.record(status: (error as? any HTTPResponseError).map { Int($0.status.code) } ?? 500)
            throw error
        }
    }
}
