public import SCIMCore

/// A directory: the unit of tenancy (DESIGN §4).
public struct Directory: WireCodable, Equatable {
    public var id: String
    public var name: String
    public var created: String

    public init(id: String, name: String, created: String) {
        self.id = id
        self.name = name
        self.created = created
    }

    public init(wire: WireObject) throws(SCIMError) {
        self.init(id: try wire.string("id"), name: try wire.string("name"), created: try wire.string("created"))
    }

    public var wire: [String: JSONValue] { ["id": .string(id), "name": .string(name), "created": .string(created)] }
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

    public init(wire: WireObject) throws(SCIMError) {
        guard let auth = AuthMethod(rawValue: try wire.string("authMethod")), let mode = DeleteMode(rawValue: try wire.string("deleteMode")) else {
            throw SCIMError.invalidValue("authMethod must be bearer or basic; deleteMode must be delete or disable.")
        }
        self.init(
            id: try wire.string("id"), name: try wire.string("name"), directoryID: try wire.string("directoryID"), authMethod: auth,
            tokenSHA256: wire.optionalString("tokenSHA256"), basicUsername: wire.optionalString("basicUsername"),
            basicPasswordHash: wire.optionalString("basicPasswordHash"), deleteMode: mode,
            defaultGroups: try wire.array("defaultGroups").compactMap(\.stringValue),
            applicationGroups: try wire.array("applicationGroups").compactMap(\.stringValue),
            enabled: wire.members["enabled"] == .bool(true), version: try wire.int("version"))
    }

    public var wire: [String: JSONValue] {
        ["id": .string(id), "name": .string(name), "directoryID": .string(directoryID), "authMethod": .string(authMethod.rawValue),
         "tokenSHA256": tokenSHA256.json, "basicUsername": basicUsername.json, "basicPasswordHash": basicPasswordHash.json,
         "deleteMode": .string(deleteMode.rawValue), "defaultGroups": .array(defaultGroups.map(JSONValue.string)),
         "applicationGroups": .array(applicationGroups.map(JSONValue.string)), "enabled": .bool(enabled), "version": .int(Int64(version))]
    }
}

public struct CreateDirectory: Command {
    public static let name = "sync.createDirectory"
    public typealias Reply = Directory
    public var name: String
    public init(name: String) { self.name = name }
    public init(wire: WireObject) throws(SCIMError) { name = try wire.string("name") }
    public var wire: [String: JSONValue] { ["name": .string(name)] }
}

public struct ListDirectories: ParameterlessCommand {
    public static let name = "sync.listDirectories"
    public typealias Reply = DirectoryList
    public init() {}
}

public struct DirectoryList: WireCodable, Equatable {
    public var directories: [Directory]
    public init(directories: [Directory]) { self.directories = directories }
    public init(wire: WireObject) throws(SCIMError) { directories = try wire.list("directories", of: Directory.self) }
    public var wire: [String: JSONValue] { ["directories": .array(directories.map { .object($0.wire) })] }
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

    public init(wire: WireObject) throws(SCIMError) {
        self.init(configuration: try IdPConfiguration(wire: WireObject(try wire.object("configuration"))),
                  newDirectoryName: wire.optionalString("newDirectoryName"), ifMatch: wire.optionalInt("ifMatch"))
    }

    public var wire: [String: JSONValue] {
        ["configuration": .object(configuration.wire), "newDirectoryName": newDirectoryName.json, "ifMatch": ifMatch.json]
    }
}

/// Every configuration (the ingress caches them to authenticate).
public struct ListConfigurations: ParameterlessCommand {
    public static let name = "sync.listConfigurations"
    public typealias Reply = ConfigurationList
    public init() {}
}

public struct ConfigurationList: WireCodable, Equatable {
    public var configurations: [IdPConfiguration]
    public init(configurations: [IdPConfiguration]) { self.configurations = configurations }
    public init(wire: WireObject) throws(SCIMError) { configurations = try wire.list("configurations", of: IdPConfiguration.self) }
    public var wire: [String: JSONValue] { ["configurations": .array(configurations.map { .object($0.wire) })] }
}

public struct DeleteConfiguration: Command {
    public static let name = "sync.deleteConfiguration"
    public typealias Reply = Empty
    public var id: String
    public init(id: String) { self.id = id }
    public init(wire: WireObject) throws(SCIMError) { id = try wire.string("id") }
    public var wire: [String: JSONValue] { ["id": .string(id)] }
}
