import Hummingbird
import RosterProtocol
import ServiceLifecycle
import SCIMCore

/// Runs each authenticated SCIM request with a ``Tolerance/Observer`` and records what it saw
/// in the caller's line of the ``CompatibilityLog``, whatever the answer (a refused request
/// shows what an IdP sends too).
struct CompatibilityMiddleware: RouterMiddleware {
    typealias Context = SCIMRequestContext
    let log: CompatibilityLog
    /// The endpoint names as Roster spells them (`Users`, `ServiceProviderConfig`, …).
    let endpoints: [String]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let caller = context.caller else { return try await next(request, context) }
        let observer = Tolerance.Observer()
        if Self.isRespelled(request.uri.path, endpoints: endpoints) { observer.noteRule(.endpointPathSpelling) }
        defer { log.record(configurationID: caller.configurationID, userAgent: request.headers[.userAgent], observed: observer.observed) }
        return try await Tolerance.$observer.withValue(observer) { try await next(request, context) }
    }

    /// `/scim/v2/users` or `/scim/v2/Users/`: routed, and counted as a tolerance.
    static func isRespelled(_ path: String, endpoints: [String]) -> Bool {
        if path.count > 1, path.hasSuffix("/") { return true }
        let parts = path.split(separator: "/")
        guard parts.count >= 3 else { return false }
        let segment = parts[2]
        return !endpoints.contains(String(segment)) && endpoints.contains { $0.lowercased() == segment.lowercased() }
    }
}

/// Sends the log's counts to the sync worker every `interval`, and once more at shutdown; a
/// report that fails is put back and goes with the next one.
struct CompatibilityReporter: Service {
    let log: CompatibilityLog
    let sync: any CommandTransport
    let interval: Duration

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do { try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) } } catch { break }
            await report()
        }
        await report()
    }

    func report() async {
        let observations = log.drain()
        guard !observations.isEmpty else { return }
        do { _ = try await sync.send(RecordObservations(observations: observations), shardKey: "") } catch { log.restore(observations) }
    }
}
