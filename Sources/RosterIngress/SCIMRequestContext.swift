public import Hummingbird
public import SCIMCore

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

    /// `base` with the extensions declared for the caller's directory.
    public func resourceType(_ base: ResourceType) -> ResourceType {
        let type = caller?.schemas.type(base) ?? base
        return base.name == ResourceType.user.name && caller?.showsLastLogin == true ? type.declaring([CoreSchemas.lastLogin]) : type
    }

    /// What the caller's configuration does with extension URNs nobody declared.
    public var undeclaredExtensions: UndeclaredExtensionPolicy { caller?.undeclared ?? .reject }

    /// The declared extensions of `base` as a command carries them to its worker.
    public func extensionsWire(_ base: ResourceType) -> [UInt8] { caller?.schemas.wire(base) ?? [] }

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.caller = nil
        self.audit = nil
        self.remoteAddress = source.channel.remoteAddress?.ipAddress
    }
}
