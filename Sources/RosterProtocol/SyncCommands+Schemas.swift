public import Foundation
public import SCIMCore
import SwiftProtobuf

/// An extension schema an operator declared for a directory's resource type.
public struct ExtensionSchema: WireCodable, Equatable {
    public var directoryID: String
    /// `User` or `Group`.
    public var resourceType: String
    public var urn: String
    /// The RFC 7643 §7 declaration (``Schema/declaration``) as JSON text.
    public var declarationJSON: Data
    public var created: String
    public var updated: String

    public init(directoryID: String, resourceType: String, urn: String, declarationJSON: Data, created: String = "", updated: String = "") {
        self.directoryID = directoryID
        self.resourceType = resourceType
        self.urn = urn
        self.declarationJSON = declarationJSON
        self.created = created
        self.updated = updated
    }

    public init(message m: Roster_V1_ExtensionSchema) {
        self.init(directoryID: m.directoryID, resourceType: m.resourceType, urn: m.urn, declarationJSON: m.declarationJson, created: m.created, updated: m.updated)
    }

    public var message: Roster_V1_ExtensionSchema {
        .with {
            $0.directoryID = directoryID
            $0.resourceType = resourceType
            $0.urn = urn
            $0.declarationJson = declarationJSON
            $0.created = created
            $0.updated = updated
        }
    }

    /// The declared schema; nil when the stored text no longer reads (it is then left out).
    public var schema: Schema? {
        guard let value = try? JSONValue.parse(declarationJSON) else { return nil }
        return try? Schema(declaration: value)
    }
}

/// Declares, or replaces, an extension schema.
public struct PutSchema: Command {
    public static let name = "sync.putSchema"
    public typealias Reply = ExtensionSchema
    public var schema: ExtensionSchema
    public init(schema: ExtensionSchema) { self.schema = schema }
    public init(message m: Roster_V1_PutSchema) { schema = ExtensionSchema(message: m.schema) }
    public var message: Roster_V1_PutSchema { .with { $0.schema = schema.message } }
}

/// Every declared schema of every directory.
public struct ListSchemas: ParameterlessCommand {
    public static let name = "sync.listSchemas"
    public typealias Reply = SchemaList
    public typealias Message = Roster_V1_ListSchemas
    public init() {}
}

public struct SchemaList: WireCodable, Equatable {
    public var schemas: [ExtensionSchema]
    public init(schemas: [ExtensionSchema]) { self.schemas = schemas }
    public init(message m: Roster_V1_SchemaList) { schemas = m.schemas.map(ExtensionSchema.init(message:)) }
    public var message: Roster_V1_SchemaList { .with { $0.schemas = schemas.map(\.message) } }

    /// Directory id → its declared schemas by resource type.
    public var byDirectory: [String: DeclaredSchemas] {
        var grouped: [String: [String: [Schema]]] = [:]
        for s in schemas { if let schema = s.schema { grouped[s.directoryID, default: [:]][s.resourceType, default: []].append(schema) } }
        return grouped.mapValues { DeclaredSchemas(byType: $0) }
    }
}

public struct DeleteSchema: Command {
    public static let name = "sync.deleteSchema"
    public typealias Reply = Empty
    public var directoryID: String
    public var resourceType: String
    public var urn: String

    public init(directoryID: String, resourceType: String, urn: String) {
        self.directoryID = directoryID
        self.resourceType = resourceType
        self.urn = urn
    }

    public init(message m: Roster_V1_DeleteSchema) { self.init(directoryID: m.directoryID, resourceType: m.resourceType, urn: m.urn) }

    public var message: Roster_V1_DeleteSchema {
        .with {
            $0.directoryID = directoryID
            $0.resourceType = resourceType
            $0.urn = urn
        }
    }
}
