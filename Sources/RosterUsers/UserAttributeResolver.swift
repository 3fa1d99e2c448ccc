import SCIMCore

/// Where an attribute of a user lives in the store.
struct ResolvedAttribute {
    enum Storage {
        /// A column of the `user` table.
        case column(String)
        /// A JSON path into `user.json`.
        case json(String)
        /// A multi-valued attribute, and the sub-attribute compared (nil: the attribute itself).
        case multiValued(String, String?)
        /// A sub-attribute of the element `e` of a `json_each` over a multi-valued attribute.
        case element(String)
    }

    var attribute: SchemaAttribute
    var storage: Storage

    /// The SQL expression for the value.
    var expression: String {
        switch storage {
        case .column(let c): "user.\(c)"
        case .json(let p): "json_extract(user.json, '\(p)')"
        case .multiValued(let a, _): "json_extract(user.json, '$.\(a)')"
        case .element(let s): "json_extract(e.value, '$.\(s)')"
        }
    }

    /// The column already holds folded text (`userNameKey`).
    var isPreFolded: Bool {
        if case .column("userNameKey") = storage { return true }
        return false
    }
}

/// Resolves filter and sort paths against the User schema and the enterprise extension.
enum UserAttributeResolver {
    /// The multi-valued attribute a value filter `attr[...]` applies to.
    static func multiValued(_ path: AttributePath) throws(SCIMError) -> SchemaAttribute {
        guard path.schema == nil || path.schema?.lowercased() == CoreSchemas.userURN.lowercased(), path.subAttribute == nil,
            let attribute = CoreSchemas.user.attribute(path.attribute), attribute.multiValued, attribute.type == .complex
        else {
            throw SCIMError.invalidFilter("'\(path)' is not a multi-valued attribute: '[...]' cannot follow it.")
        }
        if attribute.mutability == .readOnly { throw SCIMError.invalidFilter("Filtering users by '\(attribute.name)' is not supported yet.") }
        return attribute
    }

    static func resolve(_ path: AttributePath) throws(SCIMError) -> ResolvedAttribute {
        var schema = CoreSchemas.user
        var jsonPrefix = "$"
        if let urn = path.schema {
            if urn.lowercased() == CoreSchemas.enterpriseUserURN.lowercased() {
                schema = CoreSchemas.enterpriseUser
                jsonPrefix = "$.\"\(CoreSchemas.enterpriseUserURN)\""
            } else if urn.lowercased() != CoreSchemas.userURN.lowercased() {
                throw SCIMError.invalidFilter("Unknown schema '\(urn)' in '\(path)'.")
            }
        }
        guard let attribute = schema.attribute(path.attribute) else {
            throw SCIMError.invalidFilter("Unknown attribute '\(path.attribute)' in '\(path)'.")
        }
        var sub: SchemaAttribute?
        if let name = path.subAttribute {
            guard let s = attribute.subAttribute(name) else {
                throw SCIMError.invalidFilter("Unknown sub-attribute '\(name)' of '\(attribute.name)'.")
            }
            sub = s
        }
        if attribute.returned == .never {
            throw SCIMError.invalidFilter("'\(attribute.name)' is never returned and cannot be filtered on.")
        }
        if attribute.name == "groups" {
            throw SCIMError.invalidFilter("Filtering users by 'groups' is not supported yet.")
        }
        if schema.id == CoreSchemas.userURN {
            switch (attribute.name, sub?.name) {
            case ("userName", nil): return ResolvedAttribute(attribute: attribute, storage: .column("userNameKey"))
            case ("id", nil): return ResolvedAttribute(attribute: attribute, storage: .column("id"))
            case ("externalId", nil): return ResolvedAttribute(attribute: attribute, storage: .column("externalId"))
            case ("meta", "created"): return ResolvedAttribute(attribute: sub!, storage: .column("created"))
            case ("meta", "lastModified"): return ResolvedAttribute(attribute: sub!, storage: .column("lastModified"))
            case ("meta", _):
                throw SCIMError.invalidFilter("Filtering on '\(path)' is not supported.")
            default: break
            }
        }
        if attribute.multiValued {
            // `emails eq "x"` means `emails.value eq "x"` (RFC 7644 §3.4.2.2).
            let compared = sub?.name ?? (attribute.subAttribute("value") != nil ? "value" : nil)
            return ResolvedAttribute(attribute: sub ?? attribute.subAttribute("value") ?? attribute, storage: .multiValued(attribute.name, compared))
        }
        if let sub {
            return ResolvedAttribute(attribute: sub, storage: .json("\(jsonPrefix).\(attribute.name).\(sub.name)"))
        }
        return ResolvedAttribute(attribute: attribute, storage: .json("\(jsonPrefix).\(attribute.name)"))
    }
}
