import Synchronization

/// What a configuration does with an extension URN nobody declared for its directory.
public enum UndeclaredExtensionPolicy: String, Sendable, CaseIterable {
    /// 400 invalidSyntax naming the URN (the RFC's reading).
    case reject
    /// Kept as given: stored and returned, not filterable; reported so an admin can declare it.
    case store
}

/// The extension schemas an operator declared for one directory, by resource type name.
public struct DeclaredSchemas: Sendable, Equatable {
    public static let none = DeclaredSchemas()

    /// `User` / `Group` → the extensions declared for it, in the order they were declared.
    public var byType: [String: [Schema]]

    public init(byType: [String: [Schema]] = [:]) { self.byType = byType.filter { !$0.value.isEmpty } }

    /// `base` with this directory's extensions.
    public func type(_ base: ResourceType) -> ResourceType { base.declaring(byType[base.name] ?? []) }

    /// The declarations of `base`'s extensions as one JSON array: what a command carries to the
    /// worker that filters, sorts, PATCHes and checks uniqueness with them. Empty: none.
    public func wire(_ base: ResourceType) -> [UInt8] {
        guard let declared = byType[base.name], !declared.isEmpty else { return [] }
        return JSONValue.array(declared.map(\.declaration)).serialized()
    }

    /// `base` with the extensions a command carried (``wire(_:)``). Parsed declarations are kept,
    /// keyed by their bytes: a directory's schemas change rarely and arrive with every command.
    public static func type(_ base: ResourceType, wire: [UInt8]) throws(SCIMError) -> ResourceType {
        guard !wire.isEmpty else { return base }
        if let known = cache.withLock({ $0[wire] }) { return base.declaring(known) }
        guard let list = (try? JSONValue.parse(wire))?.arrayValue else { throw SCIMError.internalError("Malformed extension schemas in a command.") }
        var schemas: [Schema] = []
        for element in list { schemas.append(try Schema(declaration: element)) }
        cache.withLock {
            if $0.count >= 256 { $0.removeAll() }
            $0[wire] = schemas
        }
        return base.declaring(schemas)
    }

    private static let cache = Mutex<[[UInt8]: [Schema]]>([:])
}
