import Hummingbird
import RosterCrypto
import Metrics
import RosterMessaging
import RosterMetrics
import RosterProtocol
import SCIMCore
import Synchronization

/// The ingress's own series beside Hummingbird's HTTP ones (`docs/operations.md`), and the
/// `/metrics` endpoints: this process's registry, and each worker's, fetched over ZeroMQ.
/// Open by default, as Prometheus scrapes are; `metrics.tokenSha256` makes them ask for a bearer
/// token (Prometheus: `authorization: { credentials_file: … }`), which also keeps strangers from
/// making the workers answer scrapes.
enum IngressMetrics {
    /// Failed authentications by API (`scim`, `admin`) and reason; never the credential.
    static let authFailures = MetricsCache<[String], Counter> {
        RosterMetrics.counter("roster_auth_failures_total", [("api", $0[0]), ("reason", $0[1])])
    }
    /// 429s by cause: `rate_limit` (a configuration over its request rate), `failed_authentications`.
    static let throttled = MetricsCache<String, Counter> { RosterMetrics.counter("roster_throttled_requests_total", [("reason", $0)]) }

    static func authFailed(_ api: String, _ reason: String) { authFailures[[api, reason]].increment() }
    static func throttle(_ reason: String) { throttled[reason].increment() }

    /// The audit queue's own counters, mirrored into the registry at each scrape.
    final class AuditMirror: Sendable {
        let enqueued = RosterMetrics.counter("roster_audit_records_enqueued_total")
        let delivered = RosterMetrics.counter("roster_audit_records_delivered_total")
        let dropped = RosterMetrics.counter("roster_audit_records_dropped_total")
        let memoryRecords = RosterMetrics.gauge("roster_audit_queue_memory_records")
        let memoryBytes = RosterMetrics.gauge("roster_audit_queue_memory_bytes")
        let spoolBytes = RosterMetrics.gauge("roster_audit_queue_spool_bytes")
        private let last = Mutex(AuditQueue.Counters())

        /// Counters move by what changed since the last scrape, so they stay counters. The queue is
        /// read under the lock: two scrapes at once never count one change twice.
        func update(_ read: () -> AuditQueue.Counters) {
            let (before, now) = last.withLock { last in
                let now = read()
                defer { last = now }
                return (last, now)
            }
            enqueued.increment(by: max(0, now.enqueued - before.enqueued))
            delivered.increment(by: max(0, now.delivered - before.delivered))
            dropped.increment(by: max(0, now.dropped - before.dropped))
            memoryRecords.set(now.memoryRecords)
            memoryBytes.set(now.memoryBytes)
            spoolBytes.set(now.spoolBytes)
        }
    }

    static let off = SCIMError.notFound("Metrics are off on this ingress (metrics.enabled=false).")

    static func text(_ bytes: [UInt8]) -> Response {
        Response(status: .ok, headers: [.contentType: RosterMetrics.contentType], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// `GET /metrics` (this ingress) and `GET /metrics/{kind}/{shard}` (one worker, relayed: one
    /// scrape target per process, all reached through any ingress). Unauthenticated, as Prometheus
    /// scrapes are: the series carry counts and timings, never an identity or a credential.
    static func addRoutes(to router: Router<SCIMRequestContext>, workers: [(kind: String, transport: any CommandTransport)], recorder: AuditRecorder?,
                          tokenSHA256: String?) {
        let metrics = router.group("metrics").add(middleware: ScrapeAuthentication(tokenSHA256: tokenSHA256))
        let mirror = recorder.map { _ in AuditMirror() }
        // Known label values exist from the start at 0, so a rate() over them never starts with a gap.
        for reason in ["rate_limit", "failed_authentications"] { _ = throttled[reason] }
        for reason in ["no_credentials", "unsupported_scheme", "unknown_token", "wrong_password"] { _ = authFailures[["scim", reason]] }
        _ = authFailures[["admin", "wrong_admin_token"]]
        if tokenSHA256 != nil { _ = authFailures[["metrics", "wrong_metrics_token"]] }
        metrics.get { _, _ in
            guard RosterMetrics.isEnabled else { throw off }
            if let recorder, let mirror { mirror.update { recorder.queue.counters } }
            return text(RosterMetrics.exposition())
        }
        metrics.get(":kind/:shard") { _, context in
            guard RosterMetrics.isEnabled else { throw off }
            let kind = try context.parameters.require("kind")
            guard let transport = workers.first(where: { $0.kind == kind })?.transport else {
                throw SCIMError.notFound("No worker kind '\(kind)'; this ingress knows \(workers.map(\.kind).joined(separator: ", ")).")
            }
            guard let shard = Int(try context.parameters.require("shard")), (0..<transport.instanceCount).contains(shard) else {
                throw SCIMError.notFound("The \(kind) workers are shards 0 to \(transport.instanceCount - 1).")
            }
            let reply = try await transport.send(name: ScrapeMetrics.name, payload: CommandCodec.encode(ScrapeMetrics()), instance: shard)
            return text(try CommandCodec.decode(MetricsExposition.self, from: reply).text)
        }
    }
}

/// The optional bearer token of `/metrics` (`metrics.tokenSha256`).
struct ScrapeAuthentication: RouterMiddleware {
    typealias Context = SCIMRequestContext
    let tokenSHA256: String?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let tokenSHA256 else { return try await next(request, context) }
        let parts = (request.headers[.authorization] ?? "").split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", Secrets.tokenMatches(String(parts[1]), sha256Hex: tokenSHA256) else {
            IngressMetrics.authFailed("metrics", "wrong_metrics_token")
            throw SCIMError.unauthorized("The metrics need 'Authorization: Bearer <metrics token>' (metrics.tokenSha256 is set).")
        }
        return try await next(request, context)
    }
}
