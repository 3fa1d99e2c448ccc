public import SCIMCore
import SwiftProtobuf

/// A directory: the unit of tenancy (docs/design.md §4).
public struct Directory: WireCodable, Equatable {
    public var id: String
    public var name: String
    public var created: String
    /// User reads show the last sign-in (`meta.lastLogin`); off by default.
    public var lastLoginVisible: Bool

    public init(id: String, name: String, created: String, lastLoginVisible: Bool = false) {
        self.id = id
        self.name = name
        self.created = created
        self.lastLoginVisible = lastLoginVisible
    }

    public init(message m: Roster_V1_Directory) {
        self.init(id: m.id, name: m.name, created: m.created, lastLoginVisible: m.lastLoginVisible)
    }

    public var message: Roster_V1_Directory {
        var m = Roster_V1_Directory()
        m.id = id
        m.name = name
        m.created = created
        m.lastLoginVisible = lastLoginVisible
        return m
    }
}

/// One IdP connection: its credential, its directory and its provisioning rules. Secrets appear
/// only as digests and hashes, never in clear.
public struct IdPConfiguration: WireCodable, Equatable {
    public enum AuthMethod: String, Sendable { case bearer, basic }
    public enum DeleteMode: String, Sendable { case delete, disable }

    public var id: String
    public var name: String
    public var directoryID: String
    public var authMethod: AuthMethod
    /// SHA-256 (hex) of the bearer token.
    public var tokenSHA256: String?
    public var basicUsername: String?
    /// PBKDF2 hash of the Basic password.
    public var basicPasswordHash: String?
    public var deleteMode: DeleteMode
    public var defaultGroups: [String]
    public var applicationGroups: [String]
    public var enabled: Bool
    public var version: Int
    /// What this configuration's requests do with extension URNs nobody declared.
    public var undeclaredExtensions: UndeclaredExtensionPolicy = .store

    public init(
        id: String, name: String, directoryID: String, authMethod: AuthMethod, tokenSHA256: String?, basicUsername: String?,
        basicPasswordHash: String?, deleteMode: DeleteMode, defaultGroups: [String], applicationGroups: [String], enabled: Bool, version: Int
    ) {
        self.id = id
        self.name = name
        self.directoryID = directoryID
        self.authMethod = authMethod
        self.tokenSHA256 = tokenSHA256
        self.basicUsername = basicUsername
        self.basicPasswordHash = basicPasswordHash
        self.deleteMode = deleteMode
        self.defaultGroups = defaultGroups
        self.applicationGroups = applicationGroups
        self.enabled = enabled
        self.version = version
    }

    public init(message m: Roster_V1_IdPConfiguration) throws(SCIMError) {
        self.init(
            id: m.id, name: m.name, directoryID: m.directoryID, authMethod: try AuthMethod(proto: m.authMethod),
            tokenSHA256: m.hasTokenSha256 ? m.tokenSha256 : nil, basicUsername: m.hasBasicUsername ? m.basicUsername : nil,
            basicPasswordHash: m.hasBasicPasswordHash ? m.basicPasswordHash : nil, deleteMode: try DeleteMode(proto: m.deleteMode),
            defaultGroups: m.defaultGroups, applicationGroups: m.applicationGroups, enabled: m.enabled, version: Int(m.version))
        undeclaredExtensions = m.undeclaredExtensions == .reject ? .reject : .store  // unspecified (an older writer): the default
    }

    public var message: Roster_V1_IdPConfiguration {
        var m = Roster_V1_IdPConfiguration()
        m.id = id
        m.name = name
        m.directoryID = directoryID
        m.authMethod = authMethod.proto
        if let tokenSHA256 { m.tokenSha256 = tokenSHA256 }
        if let basicUsername { m.basicUsername = basicUsername }
        if let basicPasswordHash { m.basicPasswordHash = basicPasswordHash }
        m.deleteMode = deleteMode.proto
        m.defaultGroups = defaultGroups
        m.applicationGroups = applicationGroups
        m.enabled = enabled
        m.version = Int64(version)
        m.undeclaredExtensions = undeclaredExtensions == .reject ? .reject : .store
        return m
    }
}

extension IdPConfiguration.AuthMethod {
    /// `AUTH_METHOD_UNSPECIFIED` and values this process does not know are rejected (sync.proto).
    fileprivate init(proto: Roster_V1_IdPConfiguration.AuthMethod) throws(SCIMError) {
        switch proto {
        case .bearer: self = .bearer
        case .basic: self = .basic
        case .unspecified, .UNRECOGNIZED:
            throw SCIMError.protocolError("An IdPConfiguration message between Roster processes has no known authMethod (\(proto.rawValue)).")
        }
    }

    fileprivate var proto: Roster_V1_IdPConfiguration.AuthMethod {
        switch self {
        case .bearer: .bearer
        case .basic: .basic
        }
    }
}

extension IdPConfiguration.DeleteMode {
    /// `DELETE_MODE_UNSPECIFIED` and values this process does not know are rejected (sync.proto).
    fileprivate init(proto: Roster_V1_IdPConfiguration.DeleteMode) throws(SCIMError) {
        switch proto {
        case .delete: self = .delete
        case .disable: self = .disable
        case .unspecified, .UNRECOGNIZED:
            throw SCIMError.protocolError("An IdPConfiguration message between Roster processes has no known deleteMode (\(proto.rawValue)).")
        }
    }

    fileprivate var proto: Roster_V1_IdPConfiguration.DeleteMode {
        switch self {
        case .delete: .delete
        case .disable: .disable
        }
    }
}

public struct CreateDirectory: Command {
    public static let name = "sync.createDirectory"
    public typealias Reply = Directory
    public var name: String
    public init(name: String) { self.name = name }
    public init(message m: Roster_V1_CreateDirectory) { name = m.name }

    public var message: Roster_V1_CreateDirectory {
        var m = Roster_V1_CreateDirectory()
        m.name = name
        return m
    }
}

public struct ListDirectories: ParameterlessCommand {
    public static let name = "sync.listDirectories"
    public typealias Reply = DirectoryList
    public typealias Message = Roster_V1_ListDirectories
    public init() {}
}

public struct DirectoryList: WireCodable, Equatable {
    public var directories: [Directory]
    public init(directories: [Directory]) { self.directories = directories }
    public init(message m: Roster_V1_DirectoryList) { directories = m.directories.map(Directory.init(message:)) }

    public var message: Roster_V1_DirectoryList {
        var m = Roster_V1_DirectoryList()
        m.directories = directories.map(\.message)
        return m
    }
}

/// Creates or replaces a configuration (`configuration.id` empty: create). The directory is an
/// existing one (`directoryID`) or a new one named `newDirectoryName`.
public struct SaveConfiguration: Command {
    public static let name = "sync.saveConfiguration"
    public typealias Reply = IdPConfiguration
    public var configuration: IdPConfiguration
    public var newDirectoryName: String?
    public var ifMatch: Int?

    public init(configuration: IdPConfiguration, newDirectoryName: String?, ifMatch: Int?) {
        self.configuration = configuration
        self.newDirectoryName = newDirectoryName
        self.ifMatch = ifMatch
    }

    public init(message m: Roster_V1_SaveConfiguration) throws(SCIMError) {
        guard m.hasConfiguration else {
            throw SCIMError.protocolError("A SaveConfiguration message between Roster processes has no configuration.")
        }
        self.init(configuration: try IdPConfiguration(message: m.configuration), newDirectoryName: m.hasNewDirectoryName ? m.newDirectoryName : nil,
                  ifMatch: m.hasIfMatch ? Int(m.ifMatch) : nil)
    }

    public var message: Roster_V1_SaveConfiguration {
        var m = Roster_V1_SaveConfiguration()
        m.configuration = configuration.message
        if let newDirectoryName { m.newDirectoryName = newDirectoryName }
        if let ifMatch { m.ifMatch = Int64(ifMatch) }
        return m
    }
}

/// Every configuration (the ingress caches them to authenticate).
public struct ListConfigurations: ParameterlessCommand {
    public static let name = "sync.listConfigurations"
    public typealias Reply = ConfigurationList
    public typealias Message = Roster_V1_ListConfigurations
    public init() {}
}

public struct ConfigurationList: WireCodable, Equatable {
    public var configurations: [IdPConfiguration]
    public init(configurations: [IdPConfiguration]) { self.configurations = configurations }
    public init(message m: Roster_V1_ConfigurationList) throws(SCIMError) {
        configurations = try m.configurations.map { c throws(SCIMError) in try IdPConfiguration(message: c) }
    }

    public var message: Roster_V1_ConfigurationList {
        var m = Roster_V1_ConfigurationList()
        m.configurations = configurations.map(\.message)
        return m
    }
}

public struct DeleteConfiguration: Command {
    public static let name = "sync.deleteConfiguration"
    public typealias Reply = Empty
    public var id: String
    public init(id: String) { self.id = id }
    public init(message m: Roster_V1_DeleteConfiguration) { id = m.id }

    public var message: Roster_V1_DeleteConfiguration {
        var m = Roster_V1_DeleteConfiguration()
        m.id = id
        return m
    }
}

/// A directory's settings (`roster settings lastlogin on --directory D`).
public struct SetDirectorySettings: Command {
    public static let name = "sync.setDirectorySettings"
    public typealias Reply = Directory
    public var directoryID: String
    public var lastLoginVisible: Bool
    public init(directoryID: String, lastLoginVisible: Bool) {
        self.directoryID = directoryID
        self.lastLoginVisible = lastLoginVisible
    }
    public init(message m: Roster_V1_SetDirectorySettings) { self.init(directoryID: m.directoryID, lastLoginVisible: m.lastLoginVisible) }
    public var message: Roster_V1_SetDirectorySettings {
        .with {
            $0.directoryID = directoryID
            $0.lastLoginVisible = lastLoginVisible
        }
    }
}
