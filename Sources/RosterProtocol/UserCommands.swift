public import SCIMCore

/// A resource as a worker stores it: the canonical JSON without `id` and `meta`, plus those facts.
public struct StoredResource: WireCodable, Equatable {
    public var id: String
    public var version: Int
    /// RFC 3339 timestamps.
    public var created: String
    public var lastModified: String
    public var attributes: [String: JSONValue]

    public init(id: String, version: Int, created: String, lastModified: String, attributes: [String: JSONValue]) {
        self.id = id
        self.version = version
        self.created = created
        self.lastModified = lastModified
        self.attributes = attributes
    }

    public init(wire: WireObject) throws(SCIMError) {
        self.init(id: try wire.string("id"), version: try wire.int("version"), created: try wire.string("created"),
                  lastModified: try wire.string("lastModified"), attributes: try wire.object("attributes"))
    }

    public var wire: [String: JSONValue] {
        ["id": .string(id), "version": .int(Int64(version)), "created": .string(created), "lastModified": .string(lastModified),
         "attributes": .object(attributes)]
    }
}

/// A page of stored resources.
public struct QueryResult: WireCodable, Equatable {
    public var totalResults: Int
    public var resources: [StoredResource]

    public init(totalResults: Int, resources: [StoredResource]) {
        self.totalResults = totalResults
        self.resources = resources
    }

    public init(wire: WireObject) throws(SCIMError) {
        self.init(totalResults: try wire.int("totalResults"), resources: try wire.list("resources", of: StoredResource.self))
    }

    public var wire: [String: JSONValue] {
        ["totalResults": .int(Int64(totalResults)), "resources": .array(resources.map { .object($0.wire) })]
    }
}

/// Creates a user in a directory. `attributes` is already normalised by the ingress.
public struct CreateUser: Command {
    public static let name = "users.create"
    public typealias Reply = StoredResource
    public var directoryID: String
    public var attributes: [String: JSONValue]
    /// The slow salted hash of the password the IdP sent, if any.
    public var passwordHash: String?
    /// Groups the new user joins (its configuration's default and application groups), through the outbox.
    public var joinGroups: [String]

    public init(directoryID: String, attributes: [String: JSONValue], passwordHash: String?, joinGroups: [String] = []) {
        self.directoryID = directoryID
        self.attributes = attributes
        self.passwordHash = passwordHash
        self.joinGroups = joinGroups
    }

    public init(wire: WireObject) throws(SCIMError) {
        self.init(directoryID: try wire.string("directoryID"), attributes: try wire.object("attributes"), passwordHash: wire.optionalString("passwordHash"),
                  joinGroups: (wire.members["joinGroups"]?.arrayValue ?? []).compactMap(\.stringValue))
    }

    public var wire: [String: JSONValue] {
        ["directoryID": .string(directoryID), "attributes": .object(attributes), "passwordHash": passwordHash.json,
         "joinGroups": .array(joinGroups.map(JSONValue.string))]
    }
}

public struct GetUser: Command {
    public static let name = "users.get"
    public typealias Reply = StoredResource
    public var directoryID: String
    public var id: String

    public init(directoryID: String, id: String) {
        self.directoryID = directoryID
        self.id = id
    }

    public init(wire: WireObject) throws(SCIMError) {
        self.init(directoryID: try wire.string("directoryID"), id: try wire.string("id"))
    }

    public var wire: [String: JSONValue] { ["directoryID": .string(directoryID), "id": .string(id)] }
}

/// Replaces every client-writable attribute (PUT). `ifMatch` is the version the client saw, if it sent one.
public struct ReplaceUser: Command {
    public static let name = "users.replace"
    public typealias Reply = StoredResource
    public var directoryID: String
    public var id: String
    public var attributes: [String: JSONValue]
    public var passwordHash: String?
    public var ifMatch: Int?

    public init(directoryID: String, id: String, attributes: [String: JSONValue], passwordHash: String?, ifMatch: Int?) {
        self.directoryID = directoryID
        self.id = id
        self.attributes = attributes
        self.passwordHash = passwordHash
        self.ifMatch = ifMatch
    }

    public init(wire: WireObject) throws(SCIMError) {
        self.init(directoryID: try wire.string("directoryID"), id: try wire.string("id"), attributes: try wire.object("attributes"),
                  passwordHash: wire.optionalString("passwordHash"), ifMatch: wire.optionalInt("ifMatch"))
    }

    public var wire: [String: JSONValue] {
        ["directoryID": .string(directoryID), "id": .string(id), "attributes": .object(attributes), "passwordHash": passwordHash.json,
         "ifMatch": ifMatch.json]
    }
}

/// Deletes one resource of a directory, if it is still at `ifMatch` (when given).
/// What a delete removed: its name (userName or displayName), for the audit log.
public struct Deleted: WireCodable, Equatable {
    public var name: String?
    public init(name: String?) { self.name = name }
    public init(wire: WireObject) { name = wire.optionalString("name") }
    public var wire: [String: JSONValue] { ["name": name.json] }
}

public protocol DeleteCommand: Command where Reply == Deleted {
    var directoryID: String { get }
    var id: String { get }
    var ifMatch: Int? { get }
    init(directoryID: String, id: String, ifMatch: Int?)
}

extension DeleteCommand {
    public init(wire: WireObject) throws(SCIMError) {
        self.init(directoryID: try wire.string("directoryID"), id: try wire.string("id"), ifMatch: wire.optionalInt("ifMatch"))
    }

    public var wire: [String: JSONValue] { ["directoryID": .string(directoryID), "id": .string(id), "ifMatch": ifMatch.json] }
}

public struct DeleteUser: DeleteCommand {
    public static let name = "users.delete"
    public var directoryID: String
    public var id: String
    public var ifMatch: Int?

    public init(directoryID: String, id: String, ifMatch: Int?) {
        self.directoryID = directoryID
        self.id = id
        self.ifMatch = ifMatch
    }
}

/// A filtered page of users. `startIndex` is 1-based; `count` is already capped by the ingress.
public struct QueryUsers: Command {
    public static let name = "users.query"
    public typealias Reply = QueryResult
    public var query: ResourceQuery

    public init(directoryID: String, filter: String?, startIndex: Int, count: Int, sortBy: String? = nil, descending: Bool = false, locationPrefix: String = "") {
        query = ResourceQuery(directoryID: directoryID, filter: filter, startIndex: startIndex, count: count, sortBy: sortBy, descending: descending,
                              locationPrefix: locationPrefix)
    }

    public init(query: ResourceQuery) { self.query = query }

    public init(wire: WireObject) throws(SCIMError) { query = try ResourceQuery(wire: wire) }

    public var wire: [String: JSONValue] { query.wire }
}

/// Applies PATCH operations (RFC 7644 §3.5.2) in the worker, to the stored user, atomically.
/// A password change was taken out of the operations by the ingress and travels hashed.
public struct PatchUser: Command {
    public static let name = "users.patch"
    public typealias Reply = StoredResource
    public var directoryID: String
    public var id: String
    /// The operations as the ingress validated them (`PatchRequest.wire`); may be empty when only the password changes.
    public var operations: JSONValue
    public var passwordHash: String?
    public var clearPassword: Bool
    public var ifMatch: Int?

    public init(directoryID: String, id: String, operations: JSONValue, passwordHash: String?, clearPassword: Bool, ifMatch: Int?) {
        self.directoryID = directoryID
        self.id = id
        self.operations = operations
        self.passwordHash = passwordHash
        self.clearPassword = clearPassword
        self.ifMatch = ifMatch
    }

    public init(wire: WireObject) throws(SCIMError) {
        self.init(directoryID: try wire.string("directoryID"), id: try wire.string("id"), operations: .array(try wire.array("operations")),
                  passwordHash: wire.optionalString("passwordHash"), clearPassword: wire.members["clearPassword"] == .bool(true),
                  ifMatch: wire.optionalInt("ifMatch"))
    }

    public var wire: [String: JSONValue] {
        ["directoryID": .string(directoryID), "id": .string(id), "operations": operations, "passwordHash": passwordHash.json,
         "clearPassword": .bool(clearPassword), "ifMatch": ifMatch.json]
    }
}
