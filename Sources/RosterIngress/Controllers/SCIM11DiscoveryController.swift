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
        group.get("Schemas") { _, _ in
            let all = resourceTypes.map(schema)
            return SCIMResponse.json(.ok, .object(["schemas": .array([.string(SCIM11.coreURN)]), "totalResults": .int(Int64(all.count)), "Resources": .array(all)]))
        }
        group.get("Schemas/:name") { _, context in
            let name = try context.parameters.require("name")
            guard let type = resourceTypes.first(where: { $0.name.lowercased() == name.lowercased() }) else {
                throw SCIMError.notFound("No schema '\(name)': the SCIM 1.1 schemas are \(resourceTypes.map(\.name).joined(separator: ", ")).")
            }
            return SCIMResponse.json(.ok, schema(type))
        }
        DiscoveryController.refuseWrites(on: group, ["ServiceProviderConfigs", "Schemas", "Schemas/:name"])
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
        for ext in type.extensions where ext.id == CoreSchemas.enterpriseUserURN {
            attributes += ext.attributes.map { attribute -> JSONValue in
                var o = attribute.representation.objectValue ?? [:]
                o["schema"] = .string(SCIM11.enterpriseURN)
                return .object(o)
            }
        }
        return .object([
            "id": .string(SCIM11.coreURN), "name": .string(type.name), "description": .string(type.description), "schema": .string(SCIM11.coreURN),
            "endpoint": .string("/\(type.endpoint)"), "attributes": .array(attributes),
        ])
    }
}
