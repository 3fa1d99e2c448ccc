public import Hummingbird

/// The per-request context: who the caller is, once authenticated.
public struct SCIMRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The calling configuration; set by ``AuthenticationMiddleware``.
    public var caller: Caller?
    /// The client's IP address, for throttling and the audit log: the peer's, or the forwarded
    /// client's behind a trusted proxy (``SourceAddressMiddleware``).
    public var remoteAddress: String?
    /// Set by ``AuditMiddleware`` while auditing is on; inner layers report the caller to it.
    public var audit: AuditTrace?

    public var directoryID: String? { caller?.directoryID }

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.caller = nil
        self.audit = nil
        self.remoteAddress = source.channel.remoteAddress?.ipAddress
    }
}
