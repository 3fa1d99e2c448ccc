/// Checks a client-sent resource against its schemas and rewrites it in canonical form.
///
/// Attribute names are matched case-insensitively and written back with the schema's spelling;
/// unknown attributes are rejected (400 invalidSyntax, naming them), and so are unknown schema
/// URNs unless the policy for undeclared extensions keeps them as given;
/// read-only attributes are dropped as RFC 7643 §2.2 allows; booleans sent as strings are read;
/// ``Tolerance`` lists the other liberties taken.
public struct ResourceNormalizer: Sendable {
    public var core: Schema
    public var extensions: [Schema]
    public var undeclared: UndeclaredExtensionPolicy

    public init(_ type: ResourceType, undeclared: UndeclaredExtensionPolicy = .reject) {
        self.core = type.schema
        self.extensions = type.extensions
        self.undeclared = undeclared
    }

    /// Members an undeclared extension object may carry: nothing checks them but this bound.
    public static let maxUndeclaredMembers = 500

    public static let user = ResourceNormalizer(.user)
    public static let group = ResourceNormalizer(.group)

    /// The canonical resource (without read-only attributes) and the write-only values taken out of it.
    public struct Result: Sendable, Equatable {
        public var resource: [String: JSONValue]
        public var writeOnly: [String: JSONValue]
    }

    /// `stored`: the resource as it was before a PATCH. Members of declared extensions it already
    /// held unchanged are kept as they are, so that declaring a schema over data stored before
    /// never blocks a later PATCH (a deactivation) of that resource; what a request changes must fit.
    public func normalize(_ body: [String: JSONValue], keepingUnchangedFrom stored: [String: JSONValue]? = nil) throws(SCIMError) -> Result {
        _ = try declaredSchemas(body)
        var resource: [String: JSONValue] = [:]
        var writeOnly: [String: JSONValue] = [:]
        var usedExtensions: [String] = []
        for (key, value) in body {
            let lower = key.lowercased()
            if lower == "schemas" { continue }
            if let ext = extensions.first(where: { $0.id.lowercased() == lower }) {
                guard let object = value.objectValue else {
                    if value.isNull { continue }
                    throw SCIMError.invalidSyntax("'\(key)' must be an object of \(ext.name) attributes.")
                }
                var canonical: [String: JSONValue] = [:]
                let before = stored?[key]?.objectValue
                for (k, v) in object where k.lowercased() != "schemas" {  // some clients repeat `schemas` inside an extension
                    if let old = before?[k], old == v {
                        canonical[k] = v
                        continue
                    }
                    guard let attr = ext.attribute(k) else {
                        throw SCIMError.invalidSyntax("Unknown attribute '\(k)' in \(ext.id).")
                    }
                    if attr.mutability == .readOnly { continue }
                    if let v = try Self.canonicalValue(v, for: attr, path: "\(ext.id):\(attr.name)") { canonical[attr.name] = v }
                }
                for attr in ext.attributes where attr.required && canonical[attr.name] == nil && before != object {
                    throw SCIMError.invalidValue("'\(ext.id):\(attr.name)' is required.")
                }
                if !canonical.isEmpty {
                    resource[ext.id] = .object(canonical)
                    usedExtensions.append(ext.id)
                }
                continue
            }
            guard let attr = core.attribute(key) else {
                if lower.hasPrefix("urn:") {
                    if lower == core.id.lowercased() || CoreSchemas.isRosterURN(lower) {
                        throw SCIMError.invalidSyntax("'\(key)' is not an extension: \(core.name) attributes go at the top level of the resource.")
                    }
                    guard undeclared == .store else {
                        Tolerance.noteRefusedExtension(key, attributes: value.objectValue?.keys ?? [:].keys)
                        throw SCIMError.invalidSyntax("Unknown schema extension '\(key)'.")
                    }
                    guard let object = value.objectValue else {
                        if value.isNull { continue }
                        throw SCIMError.invalidSyntax("'\(key)' must be an object of the extension's attributes.")
                    }
                    guard Schema.isDeclarableURN(key) else {
                        throw SCIMError.invalidSyntax("'\(key.prefix(80))' is not a URN an extension could be declared under (letters, digits and : . _ - +, at most 256).")
                    }
                    let kept = object.filter { $0.key.lowercased() != "schemas" && !$0.value.isNull }
                    guard kept.count <= Self.maxUndeclaredMembers else {
                        throw SCIMError.invalidValue("'\(key)' has \(kept.count) attributes; an undeclared extension keeps at most \(Self.maxUndeclaredMembers) (declare it to store more).")
                    }
                    Tolerance.noteUndeclared(key, attributes: kept.keys)
                    if !kept.isEmpty {
                        resource[key] = .object(kept)
                        usedExtensions.append(key)
                    }
                    continue
                }
                throw SCIMError.invalidSyntax("Unknown attribute '\(key)' for \(core.name).")
            }
            if attr.mutability == .readOnly { continue }
            guard let canonical = try Self.canonicalValue(value, for: attr, path: attr.name) else { continue }
            if attr.mutability == .writeOnly || attr.returned == .never {
                writeOnly[attr.name] = canonical
            } else {
                resource[attr.name] = canonical
            }
        }
        resource["schemas"] = .array(([core.id] + usedExtensions).map(JSONValue.string))
        for attr in core.attributes where attr.required && resource[attr.name] == nil {
            throw SCIMError.invalidValue("'\(attr.name)' is required.")
        }
        return Result(resource: resource, writeOnly: writeOnly)
    }

    /// The canonical resource of a type that keeps no secrets: a write-only attribute is refused.
    public func normalizeWithoutSecrets(_ body: [String: JSONValue]) throws(SCIMError) -> [String: JSONValue] {
        let normalized = try normalize(body)
        guard normalized.writeOnly.isEmpty else { throw SCIMError.invalidValue("\(core.name) resources keep no write-only attributes.") }
        return normalized.resource
    }

    /// The `schemas` list: required, and every URN must be one we serve.
    private func declaredSchemas(_ body: [String: JSONValue]) throws(SCIMError) -> [String] {
        guard let value = body[caseInsensitive: "schemas"] else {
            throw SCIMError.invalidSyntax("'schemas' is required and must list \(core.id).")
        }
        guard let list = value.arrayValue?.compactMap(\.stringValue), list.count == value.arrayValue?.count else {
            throw SCIMError.invalidSyntax("'schemas' must be an array of schema URNs.")
        }
        let known = [core.id] + extensions.map(\.id)
        var result: [String] = []
        for urn in list {
            guard let match = known.first(where: { $0.lowercased() == urn.lowercased() }) else {
                if Tolerance.isIgnorableSchema(urn, in: body) { continue }
                if undeclared == .store { continue }  // its attributes are kept, and listed, below
                Tolerance.noteRefusedExtension(urn, attributes: body[caseInsensitive: urn]?.objectValue?.keys ?? [:].keys)
                throw SCIMError.invalidSyntax("Unknown schema '\(urn)'.")
            }
            result.append(match)
        }
        guard result.contains(core.id) else {
            throw SCIMError.invalidSyntax("'schemas' must include \(core.id).")
        }
        return result
    }

    /// The value in canonical form, or nil when it is null/empty and should be left out.
    static func canonicalValue(_ value: JSONValue, for attr: SchemaAttribute, path: String) throws(SCIMError) -> JSONValue? {
        if value.isNull { return nil }
        if attr.multiValued {
            let elements: [JSONValue]
            if let array = value.arrayValue {
                elements = array
            } else {
                Tolerance.note(.loneValueForMultiValued)
                elements = [value]  // a lone value: as one element
            }
            var out: [JSONValue] = []
            var single = attr
            single.multiValued = false
            for element in elements {
                if let v = try Self.canonicalValue(element, for: single, path: path) { out.append(v) }
            }
            return out.isEmpty ? nil : .array(out)
        }
        switch attr.type {
        case .complex:
            guard let object = Tolerance.complexValue(value, for: attr) else {
                throw SCIMError.invalidSyntax("'\(path)' must be an object.")
            }
            var canonical: [String: JSONValue] = [:]
            for (k, v) in object {
                guard let sub = attr.subAttribute(k) else {
                    throw SCIMError.invalidSyntax("Unknown sub-attribute '\(k)' of '\(path)'.")
                }
                if sub.mutability == .readOnly && attr.mutability != .readOnly { continue }
                if let v = try Self.canonicalValue(v, for: sub, path: "\(path).\(sub.name)") { canonical[sub.name] = v }
            }
            return canonical.isEmpty ? nil : .object(canonical)
        case .boolean:
            guard let b = value.lenientBool else {
                throw SCIMError.invalidValue("'\(path)' must be a boolean.")
            }
            if case .string = value { Tolerance.note(.stringBoolean) }
            return .bool(b)
        case .integer:
            switch value {
            case .int: return value
            case .double(let d):
                // A number the parser could not hold as an integer is exact only below 2^53.
                guard abs(d) < 9_007_199_254_740_992, let n = Int64(exactly: d) else {
                    throw SCIMError.invalidValue("'\(path)' must be an integer of at most 15 digits when written with a fraction or exponent, or between -2^63 and 2^63-1.")
                }
                return .int(n)
            default: throw SCIMError.invalidValue("'\(path)' must be an integer.")
            }
        case .decimal:
            switch value {
            case .int, .double: return value
            default: throw SCIMError.invalidValue("'\(path)' must be a number.")
            }
        case .string, .reference, .dateTime, .binary:
            guard case .string = value else {
                throw SCIMError.invalidValue("'\(path)' must be a string.")
            }
            return value
        }
    }
}
