public import Foundation
public import SCIMCore
import SwiftProtobuf

/// The generic commands of resource types that need nothing beyond their descriptor and table
/// (`Proto/resources.proto`); users and groups have commands of their own.
public protocol ResourceCommand: Command {
    /// The ``ResourceType/name`` the command is for.
    var resourceType: String { get }
}

/// Creates a resource from attributes the ingress normalised.
public struct CreateResource: ResourceCommand {
    public static let name = "resources.create"
    public typealias Reply = StoredResource
    public var resourceType: String
    public var directoryID: String
    /// The normalised attributes and their canonical JSON.
    public var body: CanonicalAttributes
    public var attributes: [String: JSONValue] { body.object }
    public var attributesJSON: Data { body.json }

    public init(resourceType: String, directoryID: String, attributes: [String: JSONValue]) {
        self.resourceType = resourceType
        self.directoryID = directoryID
        self.body = CanonicalAttributes(attributes)
    }

    public init(message m: Roster_V1_CreateResource) throws(SCIMError) {
        resourceType = m.resourceType
        directoryID = m.directoryID
        body = try CanonicalAttributes(json: m.attributesJson)
    }

    public var message: Roster_V1_CreateResource {
        .with {
            $0.resourceType = resourceType
            $0.directoryID = directoryID
            $0.attributesJson = attributesJSON
        }
    }
}

public struct GetResource: ResourceCommand {
    public static let name = "resources.get"
    public typealias Reply = StoredResource
    public var resourceType: String
    public var directoryID: String
    public var id: String

    public init(resourceType: String, directoryID: String, id: String) {
        self.resourceType = resourceType
        self.directoryID = directoryID
        self.id = id
    }

    public init(message m: Roster_V1_GetResource) { self.init(resourceType: m.resourceType, directoryID: m.directoryID, id: m.id) }

    public var message: Roster_V1_GetResource {
        .with {
            $0.resourceType = resourceType
            $0.directoryID = directoryID
            $0.id = id
        }
    }
}

/// PUT: replaces the attributes, if the resource is still at `ifMatch` (when given).
public struct ReplaceResource: ResourceCommand {
    public static let name = "resources.replace"
    public typealias Reply = StoredResource
    public var resourceType: String
    public var directoryID: String
    public var id: String
    public var attributes: [String: JSONValue]
    public var ifMatch: Int?

    public init(resourceType: String, directoryID: String, id: String, attributes: [String: JSONValue], ifMatch: Int?) {
        self.resourceType = resourceType
        self.directoryID = directoryID
        self.id = id
        self.attributes = attributes
        self.ifMatch = ifMatch
    }

    public init(message m: Roster_V1_ReplaceResource) throws(SCIMError) {
        self.init(resourceType: m.resourceType, directoryID: m.directoryID, id: m.id, attributes: try WireJSON.object(m.attributesJson, field: "attributes"),
                  ifMatch: m.hasIfMatch ? Int(m.ifMatch) : nil)
    }

    public var message: Roster_V1_ReplaceResource {
        var m = Roster_V1_ReplaceResource()
        m.resourceType = resourceType
        m.directoryID = directoryID
        m.id = id
        m.attributesJson = WireJSON.bytes(attributes)
        if let ifMatch { m.ifMatch = Int64(ifMatch) }
        return m
    }
}

/// PATCH operations (RFC 7644 §3.5.2), applied by the worker to the stored resource, atomically.
public struct PatchResource: ResourceCommand {
    public static let name = "resources.patch"
    public typealias Reply = StoredResource
    public var resourceType: String
    public var directoryID: String
    public var id: String
    /// The operations as the ingress validated them (`PatchRequest.wire`).
    public var operations: JSONValue
    public var ifMatch: Int?

    public init(resourceType: String, directoryID: String, id: String, operations: JSONValue, ifMatch: Int?) {
        self.resourceType = resourceType
        self.directoryID = directoryID
        self.id = id
        self.operations = operations
        self.ifMatch = ifMatch
    }

    public init(message m: Roster_V1_PatchResource) throws(SCIMError) {
        self.init(resourceType: m.resourceType, directoryID: m.directoryID, id: m.id, operations: try WireJSON.value(m.operationsJson, field: "operations"),
                  ifMatch: m.hasIfMatch ? Int(m.ifMatch) : nil)
    }

    public var message: Roster_V1_PatchResource {
        var m = Roster_V1_PatchResource()
        m.resourceType = resourceType
        m.directoryID = directoryID
        m.id = id
        m.operationsJson = WireJSON.bytes(operations)
        if let ifMatch { m.ifMatch = Int64(ifMatch) }
        return m
    }
}

public struct DeleteResource: ResourceCommand {
    public static let name = "resources.delete"
    public typealias Reply = Deleted
    public var resourceType: String
    public var directoryID: String
    public var id: String
    public var ifMatch: Int?

    public init(resourceType: String, directoryID: String, id: String, ifMatch: Int?) {
        self.resourceType = resourceType
        self.directoryID = directoryID
        self.id = id
        self.ifMatch = ifMatch
    }

    public init(message m: Roster_V1_DeleteResource) {
        self.init(resourceType: m.resourceType, directoryID: m.directoryID, id: m.id, ifMatch: m.hasIfMatch ? Int(m.ifMatch) : nil)
    }

    public var message: Roster_V1_DeleteResource {
        var m = Roster_V1_DeleteResource()
        m.resourceType = resourceType
        m.directoryID = directoryID
        m.id = id
        if let ifMatch { m.ifMatch = Int64(ifMatch) }
        return m
    }
}

public struct QueryResources: ResourceCommand {
    public static let name = "resources.query"
    public typealias Reply = QueryResult
    public var resourceType: String
    public var query: ResourceQuery

    public init(resourceType: String, query: ResourceQuery) {
        self.resourceType = resourceType
        self.query = query
    }

    public init(message m: Roster_V1_QueryResources) { self.init(resourceType: m.resourceType, query: ResourceQuery(message: m.query)) }

    public var message: Roster_V1_QueryResources {
        .with {
            $0.resourceType = resourceType
            $0.query = query.message
        }
    }
}
