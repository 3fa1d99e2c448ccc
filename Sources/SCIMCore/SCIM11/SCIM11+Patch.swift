/// SCIM 1.1 PATCH (draft-scim-api-01 §3.3.2) as 2.0 operations, so that the one PATCH engine
/// applies both: the body is a partial resource; the attributes named in `meta.attributes` are
/// removed first; then singular attributes are replaced, complex ones merged, and multi-valued
/// ones added to, except elements marked `"operation": "delete"`, which are removed.
extension SCIM11 {
    public static func patchToV2(_ body: [String: JSONValue], type: ResourceType, undeclared: UndeclaredExtensionPolicy = .reject) throws(SCIMError) -> PatchRequest {
        var removals: [PatchRequest.Operation] = []
        var cleared: Set<String> = []
        if let meta = body[caseInsensitive: "meta"]?.objectValue, let names = meta[caseInsensitive: "attributes"] {
            guard let list = names.arrayValue?.compactMap(\.stringValue), list.count == names.arrayValue?.count else {
                throw SCIMError.invalidSyntax("'meta.attributes' must be an array of attribute names.")
            }
            for name in list {
                let path = try v2Path(name, type: type)
                removals.append(.init(op: .remove, path: path, value: nil))
                cleared.insert(path.lowercased())
            }
        }
        var operations: [PatchRequest.Operation] = []
        for (key, value) in body {
            switch key.lowercased() {
            case "schemas", "meta", "id": continue
            case enterpriseURN:
                guard let ext = type.extension(CoreSchemas.enterpriseUserURN), let members = value.objectValue else {
                    throw SCIMError.invalidSyntax("'\(key)' must be an object of enterprise attributes.")
                }
                for (name, v) in members where name.lowercased() != "schemas" {
                    try operations += attributeOperations("\(ext.id):\(name)", attribute: ext.attribute(name), value: v, cleared: cleared)
                }
            default:
                if key.lowercased().hasPrefix("urn:") {
                    guard let urn = v2URN(key, type: type, undeclared: undeclared), let members = value.objectValue else {
                        throw SCIMError.invalidSyntax("Unknown schema extension '\(key)' for a SCIM 1.1 \(type.name).")
                    }
                    let ext = type.extension(urn)
                    for (name, v) in members where name.lowercased() != "schemas" {
                        try operations += attributeOperations("\(urn):\(name)", attribute: ext?.attribute(name), value: v, cleared: cleared)
                    }
                    continue
                }
                try operations += attributeOperations(key, attribute: type.schema.attribute(key), value: value, cleared: cleared)
            }
        }
        return PatchRequest(operations: removals + operations)
    }

    /// The operations for one attribute of a 1.1 partial resource.
    private static func attributeOperations(_ path: String, attribute: SchemaAttribute?, value: JSONValue, cleared: Set<String>) throws(SCIMError) -> [PatchRequest.Operation] {
        guard let attribute, attribute.multiValued else {
            if let attribute, attribute.type == .complex, case .object(let members) = value {
                // Complex: merged, one sub-attribute at a time.
                return members.map { .init(op: .replace, path: "\(path).\($0.key)", value: $0.value) }
            }
            return [.init(op: .replace, path: path, value: value)]  // unknown names fail in the engine, with their detail
        }
        var added: [JSONValue] = []
        var operations: [PatchRequest.Operation] = []
        for element in value.arrayValue ?? [value] {
            guard case .object(var o) = element else {
                added.append(element)
                continue
            }
            let operation = o.removeValue(forKey: "operation")?.stringValue?.lowercased()
            if operation == "delete" {
                Tolerance.note(.scim11ElementDelete)
                if cleared.contains(path.lowercased()) { continue }  // already cleared by meta.attributes
                guard let v = o[caseInsensitive: "value"]?.stringValue else {
                    throw SCIMError.invalidValue("An element of '\(path)' with \"operation\": \"delete\" needs a 'value'.")
                }
                operations.append(.init(op: .remove, path: "\(path)[value eq \(JSONValue.string(v).serializedString())]", value: nil))
            } else {
                added.append(.object(o))
            }
        }
        if !added.isEmpty { operations.insert(.init(op: .add, path: path, value: .array(added)), at: 0) }
        return operations
    }

    /// A 1.1 attribute name (`name.givenName`, `urn:…:enterprise:1.0:manager`) as a 2.0 path.
    private static func v2Path(_ name: String, type: ResourceType) throws(SCIMError) -> String {
        let lower = name.lowercased()
        if lower.hasPrefix(enterpriseURN + ":"), let ext = type.extension(CoreSchemas.enterpriseUserURN) {
            return ext.id + name.dropFirst(enterpriseURN.count)
        }
        if lower.hasPrefix(coreURN + ":") { return String(name.dropFirst(coreURN.count + 1)) }
        // A declared extension's attribute: the same path in both versions.
        if lower.hasPrefix("urn:"), !type.extensions.contains(where: { lower.hasPrefix($0.id.lowercased() + ":") && $0.id != CoreSchemas.enterpriseUserURN }) {
            throw SCIMError.invalidPath("Unknown schema in '\(name)' for a SCIM 1.1 \(type.name).")
        }
        return name
    }
}
