/// The JSON representations of RFC 7643 §7 (schemas) and §6 (resource types).
extension SchemaAttribute {
    public var representation: JSONValue {
        var o: [String: JSONValue] = [
            "name": .string(name), "type": .string(type.rawValue), "multiValued": .bool(multiValued),
            "description": .string(description), "required": .bool(required), "caseExact": .bool(caseExact),
            "mutability": .string(mutability.rawValue), "returned": .string(returned.rawValue), "uniqueness": .string(uniqueness.rawValue),
        ]
        if !canonicalValues.isEmpty { o["canonicalValues"] = .array(canonicalValues.map(JSONValue.string)) }
        if type == .reference { o["referenceTypes"] = .array(referenceTypes.map(JSONValue.string)) }
        if !subAttributes.isEmpty { o["subAttributes"] = .array(subAttributes.map(\.representation)) }
        return .object(o)
    }
}

extension Schema {
    public static let schemaURN = "urn:ietf:params:scim:schemas:core:2.0:Schema"

    /// The schema resource, without the common attributes (`id`, `externalId`, `meta`).
    public func representation(location: String) -> JSONValue {
        .object([
            "schemas": .array([.string(Self.schemaURN)]),
            "id": .string(id), "name": .string(name), "description": .string(description),
            "attributes": .array(attributes.filter { !CoreSchemas.commonAttributeNames.contains($0.name) }.map(\.representation)),
            "meta": .object(["resourceType": .string("Schema"), "location": .string(location)]),
        ])
    }
}

/// A resource type the server serves (RFC 7643 §6).
public struct ResourceType: Sendable {
    public static let schemaURN = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"

    public var name: String
    public var endpoint: String
    public var description: String
    public var schema: Schema
    public var extensions: [Schema]

    public init(name: String, endpoint: String, description: String, schema: Schema, extensions: [Schema]) {
        self.name = name
        self.endpoint = endpoint
        self.description = description
        self.schema = schema
        self.extensions = extensions
    }

    public static let user = ResourceType(
        name: "User", endpoint: "/Users", description: "User Account", schema: CoreSchemas.user, extensions: [CoreSchemas.enterpriseUser])

    public static let group = ResourceType(name: "Group", endpoint: "/Groups", description: "Group", schema: CoreSchemas.group, extensions: [])

    /// `id` equals `name`, as the interop profile asks.
    public func representation(location: String) -> JSONValue {
        .object([
            "schemas": .array([.string(Self.schemaURN)]),
            "id": .string(name), "name": .string(name), "endpoint": .string(endpoint), "description": .string(description),
            "schema": .string(schema.id),
            "schemaExtensions": .array(extensions.map { .object(["schema": .string($0.id), "required": .bool(false)]) }),
            "meta": .object(["resourceType": .string("ResourceType"), "location": .string(location)]),
        ])
    }
}
