/// What the HTTP layer allows a client before the router sees a request: how long it may take to
/// send a head and a body, how many connections may be open, how long the request line and the
/// headers may be. Past a limit the client gets a SCIM error and the connection is closed.
public struct HTTPLimits: Sendable {
    /// From the first byte of a request to the end of its headers (`http.headerTimeoutSeconds`).
    public var headerTimeout: Duration = .seconds(10)
    /// From the end of the headers to the end of the body (`http.bodyTimeoutSeconds`).
    public var bodyTimeout: Duration = .seconds(30)
    /// The same for an import file (`POST /admin/api/v1/directories/{id}/import`, admin token
    /// only): a gigabyte takes longer than a SCIM body (`http.uploadTimeoutSeconds`).
    public var uploadTimeout: Duration = .seconds(3600)

    /// The body timeout of a request to `path`.
    func bodyTimeout(path: String) -> Duration {
        path.hasPrefix("/admin/api/v1/directories/") && (path.split(separator: "?").first ?? "").hasSuffix("/import") ? uploadTimeout : bodyTimeout
    }
    /// Open connections at most (`http.maxConnections`); one more gets 503 and is closed.
    public var maxConnections = 1024
    /// Longest request line, method and target included (`http.maxRequestLineBytes`): 414 past it.
    public var maxRequestLineBytes = 8192
    /// Largest header section (`http.maxHeaderBytes`): 431 past it.
    public var maxHeaderBytes = 32 << 10

    public init() {}
}
