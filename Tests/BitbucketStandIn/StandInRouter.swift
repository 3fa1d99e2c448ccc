// The Bitbucket Data Center stand-in: a contract test double built from the Bitbucket Data Center
// 8.19 OpenAPI shapes, not Bitbucket. This file is its HTTP face: Hummingbird on 127.0.0.1, with
// one middleware that authenticates, counts, stalls, fails on request and dispatches by path.
public import Hummingbird
import Foundation
import NIOCore
import Synchronization

/// The stand-in as a Hummingbird application bound to 127.0.0.1 on `options.port` (0: any free
/// port). `onListening` gets the bound port once the server runs. Run it with
/// `try await app.runService()` (graceful shutdown on SIGTERM and SIGINT), or in-process.
///
/// Paths: the Bitbucket admin REST endpoints under both `/rest/api/latest` and `/rest/api/1.0`
/// (authenticated: Basic `username:password`, or Bearer `oauthToken` when one is set), and the
/// test controls under `/_standin/` (not authenticated).
public func standInApplication(
    options: StandInOptions, state: StandInState, onListening: @escaping @Sendable (Int) -> Void
) -> some ApplicationProtocol {
    let listening = StandInListeningPort(options.port)
    return Application(
        router: standInRouter(options: options, state: state, listening: listening),
        configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: options.port), serverName: "bitbucket-standin"),
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? options.port
            listening.set(port)
            onListening(port)
        }
    )
}

/// The stand-in's router alone (for `HummingbirdTesting`-style in-process use).
public func standInRouter(options: StandInOptions, state: StandInState) -> Router<BasicRequestContext> {
    standInRouter(options: options, state: state, listening: StandInListeningPort(options.port))
}

func standInRouter(options: StandInOptions, state: StandInState, listening: StandInListeningPort) -> Router<BasicRequestContext> {
    let router = Router(context: BasicRequestContext.self)
    router.add(middleware: StandInMiddleware(options: options, state: state, listening: listening))
    return router
}

/// The bound port, for self links when a request has no Host.
final class StandInListeningPort: Sendable {
    private let port: Mutex<Int>
    init(_ port: Int) { self.port = Mutex(port) }
    var value: Int { port.withLock { $0 } }
    func set(_ value: Int) { port.withLock { $0 = value } }
}

/// Every request: `/_standin/…` controls, `/rest/…` Bitbucket, anything else 404 (all with the
/// Bitbucket error body). Never holds the state's lock across an await.
struct StandInMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    static let prefixes = ["/rest/api/latest", "/rest/api/1.0"]

    let options: StandInOptions
    let state: StandInState
    let listening: StandInListeningPort
    let rest: StandInRouteTable
    let controls: StandInRouteTable

    init(options: StandInOptions, state: StandInState, listening: StandInListeningPort) {
        self.options = options
        self.state = state
        self.listening = listening
        self.rest = StandInRoutes.table()
        self.controls = StandInControlRoutes.table()
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var path = request.uri.path
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        if path == "/_standin" || path.hasPrefix("/_standin/") {
            return await dispatch(request, route: path, table: controls, shownPath: path)
        }
        guard path == "/rest" || path.hasPrefix("/rest/") else { return StandInResponses.error(.noResource(path)) }
        return try await handleRest(request, path: path)
    }

    /// Count, stall, injected failure, authentication, then the route.
    func handleRest(_ request: Request, path: String) async throws -> Response {
        let route = Self.route(path)
        let stall = state.recordRequest(route: "\(request.method.rawValue) \(route ?? path)", isWrite: request.method != .get)
        if stall > 0 { try await Task.sleep(for: .milliseconds(stall)) }
        if let status = state.takeFailure() {
            var headers = HTTPFields()
            if status == 429 { headers[.retryAfter] = "1" }
            return StandInResponses.error(.injected(status), headers: headers)
        }
        if let failure = authenticate(request) {
            return StandInResponses.error(failure, headers: [.wwwAuthenticate: "Basic realm=\"Atlassian Bitbucket\""])
        }
        guard let route else { return StandInResponses.error(.noResource(path)) }
        return await dispatch(request, route: route, table: rest, shownPath: path)
    }

    /// The path without its `/rest/api/latest` or `/rest/api/1.0` prefix; nil: another `/rest` path.
    static func route(_ path: String) -> String? {
        for prefix in prefixes where path.hasPrefix(prefix + "/") { return String(path.dropFirst(prefix.count)) }
        return nil
    }

    /// nil when the request carries the configured Basic credential (username without regard to
    /// case, as Bitbucket) or the configured bearer token; else the 401 to answer.
    func authenticate(_ request: Request) -> StandInError? {
        guard let header = request.headers[.authorization]?.trimmingWhitespace(), !header.isEmpty else { return .notAuthenticated }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2 else { return .badCredentials }
        let scheme = parts[0].lowercased()
        let value = String(parts[1]).trimmingWhitespace()
        if scheme == "basic", let data = Data(base64Encoded: value) {
            let text = String(decoding: data, as: UTF8.self)
            if let colon = text.firstIndex(of: ":"),
               text[..<colon].lowercased() == options.username.lowercased(),
               text[text.index(after: colon)...] == options.password {
                return nil
            }
        }
        if scheme == "bearer", let token = options.oauthToken, value == token { return nil }
        return .badCredentials
    }

    /// The route's handler for the method: 404 for an unknown path, 405 for another method.
    func dispatch(_ request: Request, route: String, table: StandInRouteTable, shownPath: String) async -> Response {
        guard let methods = table[route] else { return StandInResponses.error(.noResource(shownPath)) }
        guard let handler = methods[request.method] else {
            let allowed = methods.keys.map(\.rawValue).sorted().joined(separator: ", ")
            return StandInResponses.error(.methodNotAllowed(request.method.rawValue, shownPath), headers: [.allow: allowed])
        }
        let call = StandInCall(request: request, state: state, fallbackPort: listening.value)
        do {
            return try await handler(call)
        } catch let error as StandInError {
            return StandInResponses.error(error)
        } catch is CancellationError {
            return StandInResponses.error(StandInError(status: 503, exceptionName: StandInError.service, message: "The request was cancelled."))
        } catch {
            return StandInResponses.error(StandInError(status: 500, exceptionName: StandInError.service, message: "Unexpected error: \(error)"))
        }
    }
}
