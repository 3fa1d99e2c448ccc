public import RosterProtocol
public import SCIMCore
import Metrics
import RosterMetrics
import Synchronization

/// The ingress's connection to one kind of worker, sharded by directory.
///
/// With N endpoints, instance `fnv1a(shardKey) mod N` owns a shard key (a directory id), unless
/// the sync worker's shard map, followed every half second, says otherwise (an online reshard moved it;
/// docs/operations.md).
public final class WorkerClient: ShardedTransport {
    /// The worker kind, for error messages (`users`, `groups` …).
    public let kind: String
    let requesters: [ZMQRequester]
    /// Round trips by outcome: `ok`, `rejected` (the worker answered with a SCIM error), `timeout` (504), `unavailable` (503).
    private let outcomes: MetricsCache<String, Counter>
    private let latency: Metrics.Timer

    public init(kind: String, endpoints: [String], context: ZMQContext, options: ZMQRequester.Options = .init(), requiresPlacement: Bool = false) {
        precondition(!endpoints.isEmpty, "a worker kind needs at least one endpoint")
        self.kind = kind
        self.placement = Mutex(nil)
        self.requiresPlacement = requiresPlacement
        self.outcomes = MetricsCache { RosterMetrics.counter("roster_worker_requests_total", [("kind", kind), ("outcome", $0)]) }
        self.latency = RosterMetrics.timer("roster_worker_request_duration_seconds", [("kind", kind)])
        self.requesters = endpoints.map { ZMQRequester(context: context, endpoint: $0, options: options) }
    }

    public var endpoints: [String] { requesters.map(\.endpoint) }

    /// The index of the shard that owns `key` in a deployment never resharded online.
    public static func shard(for key: String, of count: Int) -> Int { ShardPlacement.hash(key, count) }

    /// Routes by the sync worker's shard map once ``follow(_:)`` has given one; before that, a
    /// client made with `requiresPlacement` refuses (503) rather than guess, since after an online
    /// reshard `fnv1a mod N` no longer says where every directory is.
    private let placement: Mutex<ShardPlacement?>
    private let requiresPlacement: Bool
    /// Set when a shard refused a directory in a move: the follower then reads the map at once
    /// rather than at its next tick, which shortens the directory's pause.
    let wantsMap = Atomic<Bool>(false)

    /// Takes the shard map the sync worker holds for this kind (``ShardMapFollower``).
    public func follow(_ map: ShardPlacement) {
        placement.withLock { $0 = map }
    }

    public var hasPlacement: Bool { placement.withLock { $0 != nil } }

    func route(_ key: String) throws(SCIMError) -> ZMQRequester {
        let map = placement.withLock { $0 }
        guard let map else {
            if requiresPlacement { throw SCIMError.unavailable("This process has not yet read the shard map from the sync worker; try again shortly.", retryAfter: 1) }
            return requesters[Self.shard(for: key, of: requesters.count)]
        }
        let shard = map.shard(of: key, endpoints: requesters.count)
        guard requesters.indices.contains(shard) else {
            throw SCIMError.unavailable("The shard map puts this directory on \(kind) shard \(shard), but this process knows \(requesters.count) \(kind) endpoints: start it with the full list.", retryAfter: 5)
        }
        return requesters[shard]
    }

    /// A directory in an online move is refused by its shard for a moment (its write pause, or
    /// until this process reads the new shard map): wait and send again, routed anew, until the
    /// request's own deadline, so the caller sees a slower answer rather than a 503.
    public func send(name: String, payload: [UInt8], shardKey: String) async throws(SCIMError) -> [UInt8] {
        let deadline = ContinuousClock.now + (requesters.first?.requestTimeout ?? .seconds(5))
        while true {
            do {
                return try await send(name: name, payload: payload, via: try route(shardKey))
            } catch let refusal where refusal.isDirectoryMove && ContinuousClock.now + .milliseconds(100) < deadline {
                wantsMap.store(true, ordering: .relaxed)
                do { try await Task.sleep(for: .milliseconds(50)) } catch { throw refusal }
            }
        }
    }

    public var shardCount: Int { requesters.count }

    public func send(name: String, payload: [UInt8], shard: Int) async throws(SCIMError) -> [UInt8] {
        guard requesters.indices.contains(shard) else { throw SCIMError.internalError("No \(kind) shard \(shard).") }
        return try await send(name: name, payload: payload, via: requesters[shard])
    }

    /// Pings every instance; returns the endpoints that did not answer.
    public func unreachableEndpoints() async -> [String] {
        await withTaskGroup(of: String?.self) { group in
            for requester in requesters {
                group.addTask {
                    do {
                        _ = try await self.send(name: Ping.name, payload: CommandCodec.encode(Ping()), via: requester)
                        return nil
                    } catch {
                        return requester.endpoint
                    }
                }
            }
            var down: [String] = []
            for await endpoint in group { if let endpoint { down.append(endpoint) } }
            return down.sorted()
        }
    }

    /// Every command carries an idempotency key. When the worker's connection drops with the
    /// command in hand (it was killed, perhaps after committing), the command is sent once more
    /// with the same key, waiting for the restarted worker until the original deadline: the
    /// worker answers the first result if it had committed it, or applies it now. Either way the
    /// caller gets the real answer instead of "may or may not have been applied".
    private func send(name: String, payload: [UInt8], via requester: ZMQRequester) async throws(SCIMError) -> [UInt8] {
        let started = ContinuousClock.now
        var outcome = "ok"
        defer {
            latency.record(duration: ContinuousClock.now - started)
            outcomes[outcome].increment()
        }
        let frames: [[UInt8]]
        do {
            frames = try await transmit(name: name, payload: payload, via: requester)
        } catch BridgeError.timeout, BridgeError.peerLost {
            outcome = "timeout"
            throw SCIMError.gatewayTimeout("The \(kind) worker did not answer in time; the request may or may not have been applied.")
        } catch BridgeError.unavailable, BridgeError.closed {
            outcome = "unavailable"
            throw SCIMError.unavailable("The \(kind) worker is not reachable; try again shortly.", retryAfter: 1)
        } catch {
            outcome = "cancelled"
            throw SCIMError.unavailable("The request was cancelled before the \(kind) worker answered.", retryAfter: 1)
        }
        do {
            return try Envelope.readReply(frames)
        } catch {
            outcome = "rejected"
            throw error
        }
    }

    private func transmit(name: String, payload: [UInt8], via requester: ZMQRequester) async throws -> [[UInt8]] {
        let key = Envelope.newKey()
        let requestID = RequestID.current
        let configurationID = RequestConfiguration.current
        let deadline = ContinuousClock.now + requester.requestTimeout
        let wallDeadline = Envelope.deadline(after: requester.requestTimeout)
        do {
            return try await requester.request(Envelope.command(name: name, payload: payload, deadline: wallDeadline, key: key, requestID: requestID, configurationID: configurationID), deadline: deadline)
        } catch BridgeError.peerLost {
            // The first delivery may have committed: whatever stops the resend, the answer is
            // "may or may not have been applied" (504), never a 503 that invites a second write.
            do {
                let wait = deadline - ContinuousClock.now - .milliseconds(Int64(CommandServer.expiryMargin))
                guard wait > .zero else { throw BridgeError.timeout }
                return try await requester.request(
                    Envelope.command(name: name, payload: payload, deadline: wallDeadline, key: key, attempt: 2, requestID: requestID, configurationID: configurationID), deadline: deadline, queueTimeout: wait)
            } catch {
                throw BridgeError.timeout
            }
        }
    }

    /// Closes every connection.
    public func shutdown() async {
        for requester in requesters { await requester.shutdown() }
    }
}
