public import SCIMCore

/// A resource as a worker stores it: the canonical JSON without `id` and `meta`, plus those facts.
public struct StoredResource: Codable, Sendable, Equatable {
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
}

/// A page of stored resources.
public struct QueryResult: Codable, Sendable, Equatable {
    public var totalResults: Int
    public var resources: [StoredResource]

    public init(totalResults: Int, resources: [StoredResource]) {
        self.totalResults = totalResults
        self.resources = resources
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

    public init(directoryID: String, attributes: [String: JSONValue], passwordHash: String?) {
        self.directoryID = directoryID
        self.attributes = attributes
        self.passwordHash = passwordHash
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
}

public struct DeleteUser: Command {
    public static let name = "users.delete"
    public typealias Reply = Empty
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
    public var directoryID: String
    public var filter: FilterExpression?
    public var startIndex: Int
    public var count: Int

    public init(directoryID: String, filter: FilterExpression?, startIndex: Int, count: Int) {
        self.directoryID = directoryID
        self.filter = filter
        self.startIndex = startIndex
        self.count = count
    }
}
