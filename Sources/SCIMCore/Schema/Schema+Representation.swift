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
