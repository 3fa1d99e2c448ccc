import Hummingbird
import SCIMCore

/// `/scim/v1/ServiceProviderConfigs` and `/scim/v1/Schemas` (draft-scim-api-01 §4): what 1.1
/// clients (Okta's 1.1 template, its on-premises agent) read to learn what this server does.
struct SCIM11DiscoveryController {
    let configuration: IngressConfiguration
    let resourceTypes: [ResourceType]
    let credentials: CredentialStore

    static let oktaProviderConfigURN = "urn:okta:schemas:scim:providerconfig:1.0"

    func addRoutes(to group: RouterGroup<SCIMRequestContext>) {
        group.get("ServiceProviderConfigs") { _, context in
            SCIMResponse.json(.ok, serviceProviderConfigs(basic: context.directoryID.map(credentials.usesBasic) ?? false))
        }
        group.get("Schemas") { _, context in
            let all = resourceTypes.map { schema(context.resourceType($0)) }
            return SCIMResponse.json(.ok, .object(["schemas": .array([.string(SCIM11.coreURN)]), "totalResults": .int(Int64(all.count)), "Resources": .array(all)]))
        }
        group.get("Schemas/:name") { _, context in
            let name = try context.parameters.require("name")
            guard let type = resourceTypes.first(where: { $0.name.lowercased() == name.lowercased() }) else {
                throw SCIMError.notFound("No schema '\(name)': the SCIM 1.1 schemas are \(resourceTypes.map(\.name).joined(separator: ", ")).")
            }
            return SCIMResponse.json(.ok, schema(context.resourceType(type)))
        }
        // Not in SCIM 1.1, but Okta's 1.1 spec test reads it: the types, each with its 1.1 schema.
        group.get("ResourceTypes") { _, _ in
            let all: [JSONValue] = resourceTypes.map { type in
                .object(["schemas": .array([.string(SCIM11.coreURN)]), "id": .string(type.name), "name": .string(type.name), "endpoint": .string("/\(type.endpoint)"),
                         "description": .string(type.description), "schema": .string(SCIM11.coreURN)])
            }
            return SCIMResponse.json(.ok, .object(["schemas": .array([.string(SCIM11.coreURN)]), "totalResults": .int(Int64(all.count)), "Resources": .array(all)]))
        }
        DiscoveryController.refuseWrites(on: group, ["ServiceProviderConfigs", "Schemas", "Schemas/:name", "ResourceTypes"])
    }

    func serviceProviderConfigs(basic: Bool) -> JSONValue {
        .object(DiscoveryController.capabilities(maxResults: configuration.maxResults).merging([
            "schemas": .array([.string(SCIM11.coreURN), .string(Self.oktaProviderConfigURN)]),
            "documentationUrl": .string(DiscoveryController.documentation),
            "xmlDataFormat": .object(["supported": .bool(false)]),
            "authenticationSchemes": .array(DiscoveryController.authenticationSchemes(basic: basic).map(SCIM11.authenticationScheme)),
            // Okta's on-premises provisioning agent reads what it may do from here.
            Self.oktaProviderConfigURN: .object(["userManagementCapabilities": .array([
                "GROUP_PUSH", "IMPORT_NEW_USERS", "IMPORT_PROFILE_UPDATES", "PUSH_NEW_USERS", "PUSH_PASSWORD_UPDATES", "PUSH_PENDING_USERS",
                "PUSH_PROFILE_UPDATES", "PUSH_USER_DEACTIVATION", "REACTIVATE_USERS",
            ].map(JSONValue.string))]),
        ]) { _, mine in mine })
    }

    /// A 1.1 schema resource: the type's core attributes, and its extensions' under their 1.1 URN.
    func schema(_ type: ResourceType) -> JSONValue {
        var attributes = type.schema.attributes.filter { $0.name != "meta" }.map(\.representation)
        for ext in type.extensions {
            // The enterprise extension has a 1.1 URN of its own; a declared one keeps its URN.
            let urn = ext.id == CoreSchemas.enterpriseUserURN ? SCIM11.enterpriseURN : ext.id
            attributes += ext.attributes.map { attribute -> JSONValue in
                var o = attribute.representation.objectValue ?? [:]
                o["schema"] = .string(urn)
                return .object(o)
            }
        }
        return .object([
            "id": .string(SCIM11.coreURN), "name": .string(type.name), "description": .string(type.description), "schema": .string(SCIM11.coreURN),
            "endpoint": .string("/\(type.endpoint)"), "attributes": .array(attributes),
        ])
    }
}
