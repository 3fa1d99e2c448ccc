/// Applies PATCH operations to a stored resource (RFC 7644 §3.5.2), all or nothing.
///
/// Works on the canonical resource; the caller re-validates the result with ``ResourceNormalizer``.
/// Beyond the RFC, as IdPs need: path-less values with dotted (`name.givenName`) and URN keys
/// (Entra), `id` inside a value equal to the resource's own (Okta), and `add`/`replace` through a
/// value filter that matches nothing creates the element (`emails[type eq "work"].value`, Entra).
public struct PatchEngine: Sendable {
    let core: Schema
    let extensions: [Schema]
    /// `.store`: paths into an extension nobody declared set and remove its members as given.
    let undeclared: UndeclaredExtensionPolicy
    /// Attributes another store keeps (a group's `members`): their values are not canonicalised here.
    let attached: Set<String>

    public init(_ type: ResourceType, undeclared: UndeclaredExtensionPolicy = .reject) {
        self.core = type.schema
        self.extensions = type.extensions
        self.undeclared = undeclared
        self.attached = type.attachedAttributes
    }

    public static let user = PatchEngine(.user)
    public static let group = PatchEngine(.group)

    struct Target {
        var container: String?  // nil: the resource root; else an extension URN
        var schema: Schema
        var attribute: SchemaAttribute?  // nil: the whole extension
        var filter: FilterExpression?
        var sub: SchemaAttribute?
        /// In an extension nobody declared: no schema to check against, values kept as given.
        var undeclared = false
    }

    public func apply(_ request: PatchRequest, to resource: [String: JSONValue], resourceID: String) throws(SCIMError) -> [String: JSONValue] {
        var result = resource
        for operation in request.operations {
            if let path = operation.path {
                try apply(operation.op, resolve(PatchPath(path, extensions: extensions.map(\.id))), operation.value, to: &result)
            } else {
                guard let object = operation.value?.objectValue else {
                    throw SCIMError.invalidValue("A '\(operation.op.rawValue)' without 'path' needs an object 'value'.")
                }
                try applyPathless(operation.op, object, to: &result, resourceID: resourceID)
            }
        }
        return result
    }

    private func applyPathless(_ op: PatchRequest.Op, _ object: [String: JSONValue], to resource: inout [String: JSONValue], resourceID: String) throws(SCIMError) {
        for (key, value) in object {
            switch key.lowercased() {
            case "schemas", "meta", "groups": continue  // read-only or structural: ignored (RFC 7643 §2.2)
            case "id":
                guard value.stringValue?.lowercased() == resourceID.lowercased() else {
                    throw SCIMError.mutability("'id' is read-only and cannot be changed.")
                }
                continue
            default: break
            }
            if let target = try wholeExtension(key) {
                guard let members = value.objectValue else { throw SCIMError.invalidValue("'\(key)' must be an object.") }
                for (name, v) in members where name.lowercased() != "schemas" {
                    try apply(op, try member(name, of: target), v, to: &resource)
                }
                continue
            }
            try apply(op, resolve(PatchPath(key, extensions: extensions.map(\.id))), value, to: &resource)
        }
    }

    /// A path-less value's key naming a whole extension, declared or (under `.store`) not.
    func wholeExtension(_ key: String) throws(SCIMError) -> Target? {
        if let ext = extensions.first(where: { $0.id.lowercased() == key.lowercased() }) { return Target(container: ext.id, schema: ext) }
        guard key.lowercased().hasPrefix("urn:"), key.lowercased() != core.id.lowercased() else { return nil }
        // A key ending in the type's name (`…:2.0:User`) or in no attribute name (`…:group:1.0`) names a whole extension.
        if let path = AttributePath(parsing: key), path.attribute.lowercased() != core.name.lowercased() || path.subAttribute != nil { return nil }
        return try undeclaredTarget(key, attribute: nil, sub: nil)
    }

    /// The attribute `name` of a whole-extension target.
    func member(_ name: String, of target: Target) throws(SCIMError) -> Target {
        guard let ext = target.container else { throw SCIMError.invalidPath("The path names no attribute.") }
        if target.undeclared { return try undeclaredTarget(ext, attribute: name, sub: nil) }
        guard let attribute = target.schema.attribute(name) else { throw SCIMError.invalidPath("Unknown attribute '\(name)' in \(ext).") }
        if attribute.mutability == .readOnly { throw SCIMError.mutability("'\(attribute.name)' is read-only.") }
        return Target(container: ext, schema: target.schema, attribute: attribute)
    }

    /// A path into an extension nobody declared: refused, or (`.store`) a schemaless target.
    private func undeclaredTarget(_ urn: String, attribute: String?, sub: String?) throws(SCIMError) -> Target {
        guard undeclared == .store else {
            Tolerance.noteRefusedExtension(urn, attributes: attribute.map { [$0] } ?? [])
            throw SCIMError.invalidPath("Unknown schema '\(urn)'.")
        }
        Tolerance.noteUndeclared(urn, attributes: attribute.map { [$0] } ?? [])
        let schema = Schema(id: urn, name: urn, description: "", attributes: [])
        return Target(container: urn, schema: schema, attribute: attribute.map { SchemaAttribute($0) }, sub: sub.map { SchemaAttribute($0) }, undeclared: true)
    }

    func resolve(_ path: PatchPath) throws(SCIMError) -> Target {
        var schema = core
        var container: String?
        if let urn = path.schema {
            if let ext = extensions.first(where: { $0.id.lowercased() == urn.lowercased() }) {
                schema = ext
                container = ext.id
            } else if urn.lowercased() != core.id.lowercased() {
                if undeclared == .store, path.filter == nil, path.attribute == nil { return try undeclaredTarget(urn, attribute: nil, sub: nil) }
                if undeclared == .store, path.filter == nil, let name = path.attribute {
                    // `urn:…:Custom:2.0:User` parses as attribute `User` of `urn:…:Custom:2.0`: the whole extension.
                    if path.subAttribute == nil, name.lowercased() == core.name.lowercased() { return try undeclaredTarget("\(urn):\(name)", attribute: nil, sub: nil) }
                    return try undeclaredTarget(urn, attribute: name, sub: path.subAttribute)
                }
                if undeclared == .store { throw SCIMError.invalidPath("'\(urn)' is not a declared extension: value filters need its schema (declare it).") }
                Tolerance.noteRefusedExtension(urn, attributes: path.attribute.map { [$0] } ?? [])
                throw SCIMError.invalidPath("Unknown schema '\(urn)'.")
            }
        }
        guard let name = path.attribute else { return Target(container: container, schema: schema) }
        if path.schema == nil, schema.attribute(name) == nil, let owner = Tolerance.extensionOwning(name, in: extensions) {
            schema = owner
            container = owner.id
        }
        guard let attribute = schema.attribute(name) else { throw SCIMError.invalidPath("Unknown attribute '\(name)'.") }
        if attribute.mutability == .readOnly { throw SCIMError.mutability("'\(attribute.name)' is read-only.") }
        if path.filter != nil, !attribute.multiValued {
            throw SCIMError.invalidPath("'\(attribute.name)' is not multi-valued: it cannot take a value filter.")
        }
        var sub: SchemaAttribute?
        if let subName = path.subAttribute {
            guard let s = attribute.subAttribute(subName) else { throw SCIMError.invalidPath("Unknown sub-attribute '\(subName)' of '\(attribute.name)'.") }
            if s.mutability == .readOnly { throw SCIMError.mutability("'\(attribute.name).\(s.name)' is read-only.") }
            sub = s
        }
        return Target(container: container, schema: schema, attribute: attribute, filter: path.filter, sub: sub)
    }

    private func apply(_ op: PatchRequest.Op, _ target: Target, _ value: JSONValue?, to resource: inout [String: JSONValue]) throws(SCIMError) {
        guard let attribute = target.attribute else {
            // The whole extension.
            guard let ext = target.container.map({ Self.key($0, in: resource) }) else { throw SCIMError.invalidPath("The path names no attribute.") }
            if op == .remove { resource.removeValue(forKey: ext); return }
            guard let members = value?.objectValue else { throw SCIMError.invalidValue("The value for \(ext) must be an object.") }
            if op == .replace { resource.removeValue(forKey: ext) }
            for (name, v) in members where name.lowercased() != "schemas" {  // some clients repeat `schemas` inside an extension
                try apply(.add, try member(name, of: target), v, to: &resource)
            }
            return
        }
        let containerKey = target.container.map { Self.key($0, in: resource) }
        var container = containerKey.map { resource[$0]?.objectValue ?? [:] } ?? resource
        if attribute.required, op == .remove, target.sub == nil, target.filter == nil {
            throw SCIMError.invalidValue("'\(attribute.name)' is required and cannot be removed.")
        }
        if attribute.mutability == .immutable, let existing = container[attribute.name], op != .add || existing != value {
            throw SCIMError.mutability("'\(attribute.name)' is immutable.")
        }
        if attribute.multiValued {
            try applyMultiValued(op, attribute, target.filter, target.sub, value, to: &container)
        } else if let sub = target.sub {
            var object = container[attribute.name]?.objectValue ?? [:]
            if op == .remove || value?.isNull == true { object.removeValue(forKey: sub.name) } else { object[sub.name] = value }
            container[attribute.name] = object.isEmpty ? nil : .object(object)
        } else if op == .remove || value?.isNull == true {
            container.removeValue(forKey: attribute.name)
        } else if attribute.type == .complex {
            // Sub-attributes not in the value are left as they were (RFC 7644 §3.5.2.1, §3.5.2.3).
            guard let members = value.flatMap({ Tolerance.complexValue($0, for: attribute) }) else {
                throw SCIMError.invalidValue("'\(attribute.name)' takes an object.")
            }
            var object = container[attribute.name]?.objectValue ?? [:]
            for (k, v) in members { object[attribute.subAttribute(k)?.name ?? k] = v }
            container[attribute.name] = .object(object)
        } else {
            container[attribute.name] = value
        }
        if let ext = containerKey {
            resource[ext] = container.isEmpty ? nil : .object(container)
        } else {
            resource = container
        }
    }

    /// The key an extension is stored under: its own spelling when the resource has it in another case.
    static func key(_ urn: String, in resource: [String: JSONValue]) -> String {
        if resource[urn] != nil { return urn }
        let lower = urn.lowercased()
        return resource.keys.first { $0.lowercased() == lower } ?? urn
    }
}
