/// A resource type the server serves (RFC 7643 §6), as data that every layer takes: the
/// normaliser, the PATCH engine, projection, search requests, filter validation, discovery, root
/// search, rendering and the stores. Adding a resource type starts here.
public struct ResourceType: Sendable {
    public static let schemaURN = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"

    /// `User`: `meta.resourceType` and the ResourceType id.
    public var name: String
    /// The path segment of its collection, without a slash: `Users`.
    public var endpoint: String
    public var description: String
    /// The core schema.
    public var schema: Schema
    public var extensions: [Schema]
    /// The attribute that is unique per directory, case-insensitively (docs/design.md §4).
    public var uniqueAttribute: String
    /// Attributes that are not part of the stored resource: another store answers them
    /// (a user's `groups`), or they are kept as rows beside it (a group's `members`).
    public var attachedAttributes: Set<String>

    public init(
        name: String, endpoint: String, description: String, schema: Schema, extensions: [Schema], uniqueAttribute: String,
        attachedAttributes: Set<String> = []
    ) {
        self.name = name
        self.endpoint = endpoint
        self.description = description
        self.schema = schema
        self.extensions = extensions
        self.uniqueAttribute = uniqueAttribute
        self.attachedAttributes = attachedAttributes
    }

    /// The core schema, then the extensions.
    public var schemas: [Schema] { [schema] + extensions }

    /// The extension with URN `urn`, ignoring case.
    public func `extension`(_ urn: String) -> Schema? {
        let lower = urn.lowercased()
        return extensions.first { $0.id.lowercased() == lower }
    }

    public static let user = ResourceType(
        name: "User", endpoint: "Users", description: "User Account", schema: CoreSchemas.user, extensions: [CoreSchemas.enterpriseUser],
        uniqueAttribute: "userName", attachedAttributes: ["groups"])

    public static let group = ResourceType(
        name: "Group", endpoint: "Groups", description: "Group", schema: CoreSchemas.group, extensions: [], uniqueAttribute: "displayName",
        attachedAttributes: ["members"])

    /// Every type, in the order root search (`POST /.search`) lists them.
    public static let all: [ResourceType] = [.user, .group]

    /// `id` equals `name`, as the interop profile asks.
    public func representation(location: String) -> JSONValue {
        .object([
            "schemas": .array([.string(Self.schemaURN)]),
            "id": .string(name), "name": .string(name), "endpoint": .string("/\(endpoint)"), "description": .string(description),
            "schema": .string(schema.id),
            "schemaExtensions": .array(extensions.map { .object(["schema": .string($0.id), "required": .bool(false)]) }),
            "meta": .object(["resourceType": .string("ResourceType"), "location": .string(location)]),
        ])
    }
}
