public import Hummingbird

/// The per-request context: who the caller is, once authenticated.
public struct SCIMRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The directory the caller's credential serves; set by ``AuthenticationMiddleware``.
    public var directoryID: String?

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.directoryID = nil
    }
}
