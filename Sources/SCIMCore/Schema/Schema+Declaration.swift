import Foundation

/// An extension schema an operator declares for a directory ("SCIM customisation"), read from
/// its RFC 7643 §7 representation. Strict, unlike what IdPs send: a typo in a declaration should
/// fail where the admin sees it, not silently change what Roster accepts.
extension Schema {

    /// Reads a declaration; every problem is 400 naming it.
    public init(declaration: JSONValue) throws(SCIMError) {
        guard let object = declaration.objectValue else { throw SCIMError.invalidSyntax("A schema declaration is a JSON object (RFC 7643 §7).") }
        // The URN ends up inside JSON paths of SQL text (filters, sorting): only characters that
        // can break neither are allowed, which covers the URNs IdPs use.
        guard let id = object["id"]?.stringValue, Self.isDeclarableURN(id) else { throw SCIMError.invalidValue("The schema 'id' must be a URN (urn:…), at most 256 characters of letters, digits and : . _ - + only.") }
        if let description = object["description"]?.stringValue, description.count > 1024 {
            throw SCIMError.invalidValue("The schema's 'description' is longer than 1,024 characters.")
        }
        if CoreSchemas.isRosterURN(id.lowercased()) {
            throw SCIMError.invalidValue("'\(id)' is a schema Roster defines itself; declare extensions under a URN of your own.")
        }
        for key in object.keys where !["id", "name", "description", "attributes", "schemas", "meta"].contains(key) {
            throw SCIMError.invalidSyntax("Unknown member '\(key)' in the schema declaration.")
        }
        guard let list = object["attributes"]?.arrayValue, !list.isEmpty else {
            throw SCIMError.invalidValue("The schema '\(id)' needs a non-empty 'attributes' array.")
        }
        guard list.count <= 200 else { throw SCIMError.invalidValue("The schema '\(id)' declares \(list.count) attributes; at most 200 are allowed.") }
        let attributes = try SchemaAttribute.declarations(list, path: id, depth: 0)
        let name = object["name"]?.stringValue ?? String(id.split(separator: ":").last ?? Substring(id))
        guard name.count <= 256 else { throw SCIMError.invalidValue("The schema's 'name' is longer than 256 characters.") }
        self.init(id: id, name: name, description: object["description"]?.stringValue ?? "\(name) (declared by the operator)", attributes: attributes)
    }

    /// Whether `urn` is one a declaration may take: `urn:…`, at most 256 characters of letters,
    /// digits and `: . _ - +`, not one of Roster's own.
    public static func isDeclarableURN(_ urn: String) -> Bool {
        let lower = urn.lowercased()
        return lower.hasPrefix("urn:") && urn.count <= 256 && !urn.hasSuffix(":") && !urn.contains("::")
            && urn.unicodeScalars.allSatisfy { $0.isASCII && CharacterSet.urnCharacters.contains($0) }
    }

    /// The declaration as stored and sent between processes: the representation without `meta`.
    public var declaration: JSONValue {
        .object([
            "id": .string(id), "name": .string(name), "description": .string(description),
            "attributes": .array(attributes.map(\.representation)),
        ])
    }
}

extension SchemaAttribute {
    static let declarationMembers: Set<String> = [
        "name", "type", "multiValued", "description", "required", "caseExact", "mutability", "returned", "uniqueness", "canonicalValues",
        "referenceTypes", "subAttributes",
    ]

    static func declarations(_ list: [JSONValue], path: String, depth: Int) throws(SCIMError) -> [SchemaAttribute] {
        var seen: Set<String> = []
        var out: [SchemaAttribute] = []
        for element in list {
            let attribute = try SchemaAttribute(declaration: element, path: path, depth: depth)
            guard seen.insert(attribute.name.lowercased()).inserted else {
                throw SCIMError.invalidValue("'\(path)' declares '\(attribute.name)' twice (names are case-insensitive).")
            }
            out.append(attribute)
        }
        return out
    }

    init(declaration: JSONValue, path: String, depth: Int) throws(SCIMError) {
        guard let o = declaration.objectValue else { throw SCIMError.invalidSyntax("Every attribute of '\(path)' is a JSON object.") }
        guard let name = o["name"]?.stringValue, name.count <= 128, AttributePath.isAttributeName(Substring(name)), name != "$ref" || depth == 1 else {
            throw SCIMError.invalidValue("An attribute of '\(path)' has no valid 'name' (a letter, then letters, digits, '-' or '_'; at most 128).")
        }
        let where_ = "'\(path):\(name)'"
        for key in o.keys where !Self.declarationMembers.contains(key) {
            throw SCIMError.invalidSyntax("Unknown member '\(key)' in the declaration of \(where_).")
        }
        if depth == 0, ["schemas", "id", "externalid", "meta"].contains(name.lowercased()) {
            throw SCIMError.invalidValue("'\(name)' cannot be declared in an extension: it is a common attribute of every resource.")
        }
        if let description = o["description"]?.stringValue, description.count > 1024 {
            throw SCIMError.invalidValue("The description of \(where_) is longer than 1,024 characters.")
        }
        func flag(_ key: String) throws(SCIMError) -> Bool {
            guard let v = o[key] else { return false }
            guard case .bool(let b) = v else { throw SCIMError.invalidValue("'\(key)' of \(where_) must be true or false.") }
            return b
        }
        func keyword<T: RawRepresentable<String>>(_ key: String, _ fallback: T) throws(SCIMError) -> T {
            guard let v = o[key] else { return fallback }
            guard let s = v.stringValue, let k = T(rawValue: s) else { throw SCIMError.invalidValue("'\(key)' of \(where_) is not one RFC 7643 §7 defines.") }
            return k
        }
        func strings(_ key: String) throws(SCIMError) -> [String] {
            guard let v = o[key] else { return [] }
            guard let list = v.arrayValue?.compactMap(\.stringValue), list.count == v.arrayValue?.count, list.count <= 100 else {
                throw SCIMError.invalidValue("'\(key)' of \(where_) must be an array of at most 100 strings.")
            }
            return list
        }
        let type: DataType = try keyword("type", DataType.string)
        let mutability: Mutability = try keyword("mutability", Mutability.readWrite)
        // Write-only values are secrets: Roster keeps those only as `password`, hashed.
        if mutability == .writeOnly { throw SCIMError.invalidValue("\(where_): writeOnly extension attributes are not supported (Roster stores no secrets but a hashed password).") }
        if mutability == .readOnly, try flag("required") { throw SCIMError.invalidValue("\(where_) cannot be both required and readOnly: no client could write it.") }
        let uniqueness: Uniqueness = try keyword("uniqueness", Uniqueness.none)
        let multiValued = try flag("multiValued")
        if uniqueness == .global { throw SCIMError.invalidValue("\(where_): uniqueness 'global' is not supported; use 'server' (unique in the directory) or 'none'.") }
        if uniqueness == .server, type == .complex || multiValued || depth > 0 {
            throw SCIMError.invalidValue("\(where_): uniqueness 'server' applies to a single-valued, simple attribute.")
        }
        var subAttributes: [SchemaAttribute] = []
        if type == .complex {
            guard depth == 0 else { throw SCIMError.invalidValue("\(where_): a sub-attribute cannot be complex (RFC 7643 §2.3.8).") }
            guard let list = o["subAttributes"]?.arrayValue, !list.isEmpty else {
                throw SCIMError.invalidValue("\(where_) is complex and needs a non-empty 'subAttributes' array.")
            }
            guard list.count <= 50 else { throw SCIMError.invalidValue("\(where_) declares \(list.count) sub-attributes; at most 50 are allowed.") }
            subAttributes = try Self.declarations(list, path: "\(path):\(name)", depth: 1)
        } else if o["subAttributes"] != nil {
            throw SCIMError.invalidValue("\(where_) is not complex and cannot have 'subAttributes'.")
        }
        self.init(
            name, type, multiValued: multiValued, required: try flag("required"), caseExact: try flag("caseExact"),
            mutability: mutability, returned: try keyword("returned", Returned.default), uniqueness: uniqueness,
            canonicalValues: try strings("canonicalValues"), referenceTypes: try strings("referenceTypes"), subAttributes: subAttributes,
            description: o["description"]?.stringValue)
    }
}

extension ResourceType {
    /// This type with the operator's extensions after its own (`schemaExtensions`, not required).
    public func declaring(_ declared: [Schema]) -> ResourceType {
        guard !declared.isEmpty else { return self }
        var type = self
        type.extensions += declared.filter { d in !extensions.contains { $0.id.lowercased() == d.id.lowercased() } }
        return type
    }
}

extension CharacterSet {
    /// What a declared schema URN may contain.
    static let urnCharacters = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:._-+")
}

extension CoreSchemas {
    /// URNs a declaration may not take, nor an undeclared extension: the schemas and messages Roster defines itself.
    static let reservedPrefixes = ["urn:ietf:params:scim:schemas:core:", "urn:ietf:params:scim:api:", "urn:scim:schemas:core:"]
    static let reservedURNs: Set<String> = [enterpriseUserURN.lowercased(), SCIM11.enterpriseURN.lowercased()]

    /// Whether `lower` (lower case) is one of Roster's own schema or message URNs.
    static func isRosterURN(_ lower: String) -> Bool {
        reservedURNs.contains(lower) || reservedPrefixes.contains { lower.hasPrefix($0) }
    }
}
