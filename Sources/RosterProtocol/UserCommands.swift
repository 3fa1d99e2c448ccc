public import Foundation
public import SCIMCore
public import SwiftProtobuf

/// A resource as a worker stores it: the canonical JSON without `id` and `meta`, plus those facts.
public struct StoredResource: WireCodable, Equatable {
    public var id: String
    public var version: Int
    /// RFC 3339 timestamps.
    public var created: String
    public var lastModified: String
    public var attributes: [String: JSONValue] { didSet { canonicalJSON = nil } }
    /// `attributes` as canonical JSON when it is known (read from the store, received): sent as
    /// it is rather than serialised again. Not part of equality.
    public var canonicalJSON: Data?
    /// Users: the last sign-in an application reported (RFC 3339); nil: none.
    public var lastLogin: String?

    public init(id: String, version: Int, created: String, lastModified: String, attributes: [String: JSONValue], canonicalJSON: Data? = nil,
                lastLogin: String? = nil) {
        self.lastLogin = lastLogin
        self.id = id
        self.version = version
        self.created = created
        self.lastModified = lastModified
        self.attributes = attributes
        self.canonicalJSON = canonicalJSON
    }

    public init(message m: Roster_V1_StoredResource) throws(SCIMError) {
        self.init(id: m.id, version: Int(m.version), created: m.created, lastModified: m.lastModified,
                  attributes: try WireJSON.object(m.attributesJson, field: "attributes"), canonicalJSON: m.attributesJson,
                  lastLogin: m.lastLogin.isEmpty ? nil : m.lastLogin)
    }

    public var message: Roster_V1_StoredResource {
        var m = Roster_V1_StoredResource()
        m.id = id
        m.version = Int64(version)
        m.created = created
        m.lastModified = lastModified
        m.lastLogin = lastLogin ?? ""
        m.attributesJson = canonicalJSON ?? WireJSON.bytes(attributes)
        return m
    }

    public static func == (a: StoredResource, b: StoredResource) -> Bool {
        a.id == b.id && a.version == b.version && a.created == b.created && a.lastModified == b.lastModified && a.attributes == b.attributes
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

    public init(message m: Roster_V1_QueryResult) throws(SCIMError) {
        self.init(totalResults: Int(m.totalResults), resources: try m.resources.map { r throws(SCIMError) in try StoredResource(message: r) })
    }

    public var message: Roster_V1_QueryResult {
        var m = Roster_V1_QueryResult()
        m.totalResults = Int64(totalResults)
        m.resources = resources.map(\.message)
        return m
    }
}

/// Creates a user in a directory. `attributes` is already normalised by the ingress.
public struct CreateUser: Command {
    public static let name = "users.create"
    public typealias Reply = StoredResource
    public var directoryID: String
    /// The directory's declared extension schemas for this type (`DeclaredSchemas.wire`); empty: none.
    public var extensions: [UInt8] = []
    /// The normalised attributes and their canonical JSON.
    public var body: CanonicalAttributes
    public var attributes: [String: JSONValue] { body.object }
    public var attributesJSON: Data { body.json }
    /// The slow salted hash of the password the IdP sent, if any.
    public var passwordHash: String?
    /// Groups the new user joins (its configuration's default and application groups), through the outbox.
    public var joinGroups: [String]

    public init(directoryID: String, attributes: [String: JSONValue], passwordHash: String?, joinGroups: [String] = []) {
        self.directoryID = directoryID
        self.body = CanonicalAttributes(attributes)
        self.passwordHash = passwordHash
        self.joinGroups = joinGroups
    }

    public init(message m: Roster_V1_CreateUser) throws(SCIMError) {
        directoryID = m.directoryID
        body = try CanonicalAttributes(json: m.attributesJson)
        passwordHash = m.hasPasswordHash ? m.passwordHash : nil
        joinGroups = m.joinGroups
        extensions = Array(m.extensionsJson)
    }

    public var message: Roster_V1_CreateUser {
        var m = Roster_V1_CreateUser()
        m.directoryID = directoryID
        m.attributesJson = attributesJSON
        if let passwordHash { m.passwordHash = passwordHash }
        m.joinGroups = joinGroups
        m.extensionsJson = Data(extensions)
        return m
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

    public init(message m: Roster_V1_GetUser) { self.init(directoryID: m.directoryID, id: m.id) }

    public var message: Roster_V1_GetUser {
        var m = Roster_V1_GetUser()
        m.directoryID = directoryID
        m.id = id
        return m
    }
}

/// Replaces every client-writable attribute (PUT). `ifMatch` is the version the client saw, if it sent one.
public struct ReplaceUser: Command {
    public static let name = "users.replace"
    public typealias Reply = StoredResource
    public var directoryID: String
    /// The directory's declared extension schemas for this type (`DeclaredSchemas.wire`); empty: none.
    public var extensions: [UInt8] = []
    public var id: String
    /// The normalised attributes and their canonical JSON.
    public var body: CanonicalAttributes
    public var attributes: [String: JSONValue] { body.object }
    public var attributesJSON: Data { body.json }
    public var passwordHash: String?
    public var ifMatch: Int?

    public init(directoryID: String, id: String, attributes: [String: JSONValue], passwordHash: String?, ifMatch: Int?) {
        self.directoryID = directoryID
        self.id = id
        self.body = CanonicalAttributes(attributes)
        self.passwordHash = passwordHash
        self.ifMatch = ifMatch
    }

    public init(message m: Roster_V1_ReplaceUser) throws(SCIMError) {
        directoryID = m.directoryID
        id = m.id
        body = try CanonicalAttributes(json: m.attributesJson)
        passwordHash = m.hasPasswordHash ? m.passwordHash : nil
        ifMatch = m.hasIfMatch ? Int(m.ifMatch) : nil
        extensions = Array(m.extensionsJson)
    }

    public var message: Roster_V1_ReplaceUser {
        var m = Roster_V1_ReplaceUser()
        m.directoryID = directoryID
        m.id = id
        m.attributesJson = attributesJSON
        if let passwordHash { m.passwordHash = passwordHash }
        if let ifMatch { m.ifMatch = Int64(ifMatch) }
        m.extensionsJson = Data(extensions)
        return m
    }
}

/// Deletes one resource of a directory, if it is still at `ifMatch` (when given).
/// What a delete removed: its name (userName or displayName), for the audit log.
public struct Deleted: WireCodable, Equatable {
    public var name: String?
    public init(name: String?) { self.name = name }
    public init(message m: Roster_V1_Deleted) { name = m.hasName ? m.name : nil }

    public var message: Roster_V1_Deleted {
        var m = Roster_V1_Deleted()
        if let name { m.name = name }
        return m
    }
}

/// The fields every delete message has (the generated `Roster_V1_DeleteUser`, `…DeleteGroup`).
public protocol DeleteMessage: SwiftProtobuf.Message {
    var directoryID: String { get set }
    var id: String { get set }
    var ifMatch: Int64 { get set }
    var hasIfMatch: Bool { get }
}

extension Roster_V1_DeleteUser: DeleteMessage {}
extension Roster_V1_DeleteGroup: DeleteMessage {}

public protocol DeleteCommand: Command where Reply == Deleted, Message: DeleteMessage {
    var directoryID: String { get }
    var id: String { get }
    var ifMatch: Int? { get }
    init(directoryID: String, id: String, ifMatch: Int?)
}

extension DeleteCommand {
    public init(message m: Message) { self.init(directoryID: m.directoryID, id: m.id, ifMatch: m.hasIfMatch ? Int(m.ifMatch) : nil) }

    public var message: Message {
        var m = Message()
        m.directoryID = directoryID
        m.id = id
        if let ifMatch { m.ifMatch = Int64(ifMatch) }
        return m
    }
}

public struct DeleteUser: DeleteCommand {
    public static let name = "users.delete"
    public typealias Message = Roster_V1_DeleteUser
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

    public init(message m: Roster_V1_QueryUsers) { query = ResourceQuery(message: m.query) }

    public var message: Roster_V1_QueryUsers { .with { $0.query = query.message } }
}

/// Applies PATCH operations (RFC 7644 §3.5.2) in the worker, to the stored user, atomically.
/// A password change was taken out of the operations by the ingress and travels hashed.
public struct PatchUser: Command {
    public static let name = "users.patch"
    public typealias Reply = StoredResource
    public var directoryID: String
    /// The directory's declared extension schemas for this type (`DeclaredSchemas.wire`); empty: none.
    public var extensions: [UInt8] = []
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

    public init(message m: Roster_V1_PatchUser) throws(SCIMError) {
        self.init(directoryID: m.directoryID, id: m.id, operations: try WireJSON.value(m.operationsJson, field: "operations"),
                  passwordHash: m.hasPasswordHash ? m.passwordHash : nil, clearPassword: m.clearPassword_p, ifMatch: m.hasIfMatch ? Int(m.ifMatch) : nil)
        extensions = Array(m.extensionsJson)
    }

    public var message: Roster_V1_PatchUser {
        var m = Roster_V1_PatchUser()
        m.directoryID = directoryID
        m.id = id
        m.operationsJson = WireJSON.bytes(operations)
        if let passwordHash { m.passwordHash = passwordHash }
        m.clearPassword_p = clearPassword
        if let ifMatch { m.ifMatch = Int64(ifMatch) }
        m.extensionsJson = Data(extensions)
        return m
    }
}

/// Sign-ins an application reports (`POST /admin/api/v1/directories/{id}/logins`).
public struct RecordLogins: Command {
    public static let name = "users.recordLogins"
    public typealias Reply = LoginsRecorded
    public struct Login: Sendable, Equatable {
        public var userName: String
        public var at: String
        public init(userName: String, at: String) {
            self.userName = userName
            self.at = at
        }
    }
    public var directoryID: String
    public var logins: [Login]
    /// A job's batch (empty: an application's report), by its first line.
    public var jobID: String
    public var firstLine: Int
    public init(directoryID: String, logins: [Login], jobID: String = "", firstLine: Int = 0) {
        self.directoryID = directoryID
        self.logins = logins
        self.jobID = jobID
        self.firstLine = firstLine
    }
    public init(message m: Roster_V1_RecordLogins) {
        self.init(directoryID: m.directoryID, logins: m.logins.map { Login(userName: $0.userName, at: $0.at) }, jobID: m.jobID, firstLine: Int(m.firstLine))
    }
    public var message: Roster_V1_RecordLogins {
        .with {
            $0.directoryID = directoryID
            $0.jobID = jobID
            $0.firstLine = Int64(firstLine)
            $0.logins = logins.map { l in .with { $0.userName = l.userName; $0.at = l.at } }
        }
    }
}

public struct LoginsRecorded: WireCodable, Equatable {
    public var updated: Int
    public var unchanged: Int
    public var unknown: [String]
    public init(updated: Int, unchanged: Int, unknown: [String]) {
        self.updated = updated
        self.unchanged = unchanged
        self.unknown = unknown
    }
    public init(message m: Roster_V1_LoginsRecorded) { self.init(updated: Int(m.updated), unchanged: Int(m.unchanged), unknown: m.unknown) }
    public var message: Roster_V1_LoginsRecorded {
        .with {
            $0.updated = Int64(updated)
            $0.unchanged = Int64(unchanged)
            $0.unknown = unknown
        }
    }
}
