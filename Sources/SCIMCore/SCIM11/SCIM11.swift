import Foundation

/// SCIM 1.1 (draft-scim-core-schema-01, draft-scim-api-01) as a representation of the one 2.0
/// model: every 1.1 request is turned into its 2.0 form here and every answer back, so that the
/// same controllers, commands and stores serve both versions and a user created through one is
/// the same user through the other.
public enum SCIM11 {
    public static let coreURN = "urn:scim:schemas:core:1.0"
    public static let enterpriseURN = "urn:scim:schemas:extension:enterprise:1.0"

    /// The 2.0 URN a 1.1 URN stands for, for `type`; nil for URNs 1.1 does not define. An
    /// extension the operator declared has one URN in both versions (`urn:okta:custom:group:1.0`),
    /// and so, under `.store`, has one nobody declared.
    static func v2URN(_ urn: String, type: ResourceType, undeclared: UndeclaredExtensionPolicy = .reject) -> String? {
        switch urn.lowercased() {
        case coreURN: return type.schema.id
        case enterpriseURN: return type.extension(CoreSchemas.enterpriseUserURN)?.id
        case type.schema.id.lowercased(), CoreSchemas.enterpriseUserURN.lowercased(): return nil
        default:
            if let declared = type.extension(urn) { return declared.id }
            return undeclared == .store && urn.lowercased().hasPrefix("urn:") ? urn : nil
        }
    }

    /// A 1.1 resource (POST, PUT) as its 2.0 form: the schema URNs and the enterprise extension's
    /// key are mapped; a URN 1.1 does not define gets 400 naming it.
    public static func resourceToV2(_ body: [String: JSONValue], type: ResourceType, undeclared: UndeclaredExtensionPolicy = .reject) throws(SCIMError) -> [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        for (key, value) in body {
            switch key.lowercased() {
            case "schemas":
                guard let list = value.arrayValue?.compactMap(\.stringValue) else { throw SCIMError.invalidSyntax("'schemas' must be an array of schema URNs.") }
                var mapped: [JSONValue] = []
                for urn in list {
                    guard let v2 = v2URN(urn, type: type, undeclared: undeclared) else {
                        if Tolerance.isIgnorableSchema(urn, in: body) { continue }
                        throw SCIMError.invalidSyntax("Unknown schema '\(urn)' for a SCIM 1.1 \(type.name).")
                    }
                    mapped.append(.string(v2))
                }
                out["schemas"] = .array(mapped)
            case enterpriseURN:
                guard let v2 = v2URN(key, type: type) else { throw SCIMError.invalidSyntax("Unknown schema '\(key)' for a SCIM 1.1 \(type.name).") }
                out[v2] = value
            case "meta":
                continue  // read-only in a resource; `meta.attributes` belongs to PATCH
            default:
                if key.lowercased().hasPrefix("urn:") {
                    guard let v2 = v2URN(key, type: type, undeclared: undeclared) else {
                        throw SCIMError.invalidSyntax("Unknown schema extension '\(key)' for a SCIM 1.1 \(type.name).")
                    }
                    out[v2] = value
                    continue
                }
                out[key] = value
            }
        }
        if out["schemas"] == nil { out["schemas"] = .array([.string(type.schema.id)]) }
        return out
    }

    /// A rendered 2.0 resource as 1.1: `schemas` and the enterprise key mapped back, no
    /// `meta.resourceType` and no `$ref` (neither exists in 1.1).
    public static func resourceFromV2(_ resource: [String: JSONValue], type: ResourceType) -> [String: JSONValue] {
        var out = resource
        var schemas: [JSONValue] = [.string(coreURN)]
        if let v2 = type.extension(CoreSchemas.enterpriseUserURN)?.id, let ext = out.removeValue(forKey: v2) {
            out[enterpriseURN] = ext
            schemas.append(.string(enterpriseURN))
        }
        // Declared and stored extensions keep their URN (one URN in both versions).
        for key in out.keys.sorted() where key.lowercased().hasPrefix("urn:") && key != enterpriseURN { schemas.append(.string(key)) }
        out["schemas"] = .array(schemas)
        if case .object(var meta)? = out["meta"] {
            meta.removeValue(forKey: "resourceType")
            if let location = meta["location"]?.stringValue { meta["location"] = .string(link(location)) }
            out["meta"] = .object(meta)
        }
        for (key, value) in out {
            guard case .array(let elements) = value else { continue }
            out[key] = .array(elements.map { element in
                guard case .object(var o) = element else { return element }
                o.removeValue(forKey: "$ref")
                return .object(o)
            })
        }
        return out
    }

    /// A 2.0 link (`…/scim/v2/Users/id`) as the 1.1 one (`…/scim/v1/Users/id`).
    /// A 2.0 authentication scheme (RFC 7643 §5) in 1.1 spelling: `specUrl`, `documentationUrl`.
    public static func authenticationScheme(_ v2: JSONValue) -> JSONValue {
        guard let object = v2.objectValue else { return v2 }
        var out: [String: JSONValue] = [:]
        for (key, value) in object {
            switch key {
            case "specUri": out["specUrl"] = value
            case "documentationUri": out["documentationUrl"] = value
            default: out[key] = value
            }
        }
        return .object(out)
    }

    public static func link(_ v2: String) -> String {
        guard let range = v2.range(of: "/scim/v2/") else { return v2 }
        return v2.replacingCharacters(in: range, with: "/scim/v1/")
    }

    /// A 2.0 ListResponse as 1.1's: `schemas` is the core URN, the counts stay integers.
    public static func listFromV2(_ list: [String: JSONValue], type: ResourceType) -> [String: JSONValue] {
        let resources = (list["Resources"]?.arrayValue ?? []).map { element -> JSONValue in
            element.objectValue.map { .object(resourceFromV2($0, type: type)) } ?? element
        }
        return [
            "schemas": .array([.string(coreURN)]), "totalResults": list["totalResults"] ?? .int(0),
            "itemsPerPage": list["itemsPerPage"] ?? .int(Int64(resources.count)), "startIndex": list["startIndex"] ?? .int(1),
            "Resources": .array(resources),
        ]
    }

    /// The 1.1 error shape (draft-scim-api-01 §3.9): `{"Errors":[{"description":…,"code":"409"}]}`.
    public static func errorBody(_ error: SCIMError) -> JSONValue {
        .object(["Errors": .array([.object(["description": .string(error.detail), "code": .string(String(error.status))])])])
    }

    /// 1.1 filters are 2.0's without `ne`, `ew`, `not` and value paths (draft-scim-api-01 §3.2.2).
    public static func checkFilter(_ text: String) throws(SCIMError) {
        try check(try FilterParser().parse(text))
    }

    private static func check(_ filter: FilterExpression) throws(SCIMError) {
        switch filter {
        case .and(let l, let r), .or(let l, let r):
            try check(l)
            try check(r)
        case .not: throw SCIMError.invalidFilter("'not' is not a SCIM 1.1 filter operator.")
        case .valuePath(let path, _): throw SCIMError.invalidFilter("Value filters ('\(path)[...]') are not SCIM 1.1.")
        case .present: return
        case .compare(_, let op, _):
            if op == .ne || op == .ew { throw SCIMError.invalidFilter("'\(op.rawValue)' is not a SCIM 1.1 filter operator (1.1 has eq co sw pr gt ge lt le).") }
        }
    }
}
