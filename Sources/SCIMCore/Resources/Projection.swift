/// `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5, §3.9) applied to a rendered resource,
/// honouring each attribute's `returned` characteristic (RFC 7643 §2.4).
public struct Projection: Sendable {
    enum Mode: Sendable { case all, only([ResolvedPath]), except([ResolvedPath]) }

    /// A path resolved against the schemas: which container (core or an extension URN) and which attribute.
    struct ResolvedPath: Sendable {
        var container: String?  // nil = core; else extension URN
        var attribute: String?  // nil = the whole extension
        var subAttribute: String?
    }

    let mode: Mode
    let core: Schema
    let extensions: [Schema]
    /// The attribute names each `returned` rule acts on, found once per projection: a page of 100
    /// resources otherwise walks (and copies) every schema attribute 100 times.
    let names: ReturnedNames

    struct ReturnedNames: Sendable {
        struct Extension: Sendable {
            var id: String
            var never: [String], request: [String], always: [String]
        }
        var never: [String], request: [String], always: [String]
        var extensions: [Extension]

        init(core: Schema, extensions: [Schema]) {
            func named(_ schema: Schema, _ returned: SchemaAttribute.Returned) -> [String] {
                schema.attributes.filter { $0.returned == returned }.map(\.name)
            }
            never = named(core, .never)
            request = named(core, .request)
            always = named(core, .always)
            self.extensions = extensions.map { Extension(id: $0.id, never: named($0, .never), request: named($0, .request), always: named($0, .always)) }
        }
    }

    /// Parses the comma-separated lists. Names that match no attribute are ignored, so a client that
    /// asks for an extension this server lacks still gets an answer.
    public init(attributes: String?, excludedAttributes: String?, type: ResourceType) {
        let core = type.schema, extensions = type.extensions
        self.core = core
        self.extensions = extensions
        self.names = ReturnedNames(core: core, extensions: extensions)
        func paths(_ list: String) -> [ResolvedPath] {
            list.split(separator: ",").compactMap { Self.resolve($0.trimmingSpaces, core: core, extensions: extensions) }
        }
        if let attributes, !attributes.trimmingSpaces.isEmpty {
            mode = .only(paths(attributes))
        } else if let excludedAttributes, !excludedAttributes.trimmingSpaces.isEmpty {
            mode = .except(paths(excludedAttributes))
        } else {
            mode = .all
        }
    }

    /// Whether the response will show any of the core attribute `name`: lets a store skip reading
    /// what nobody will see (`excludedAttributes=members`).
    public func includes(_ name: String) -> Bool {
        switch mode {
        case .all: return true
        case .except(let paths): return !paths.contains { $0.container == nil && $0.attribute == name && $0.subAttribute == nil }
        case .only(let paths): return paths.contains { $0.container == nil && $0.attribute == name }
        }
    }

    static func resolve(_ text: String, core: Schema, extensions: [Schema]) -> ResolvedPath? {
        if let ext = extensions.first(where: { $0.id.lowercased() == text.lowercased() }) {
            return ResolvedPath(container: ext.id, attribute: nil, subAttribute: nil)
        }
        guard let path = AttributePath(parsing: text) else { return nil }
        let schema: Schema
        var container: String?
        if let urn = path.schema {
            if urn.lowercased() == core.id.lowercased() {
                schema = core
            } else if let ext = extensions.first(where: { $0.id.lowercased() == urn.lowercased() }) {
                schema = ext
                container = ext.id
            } else {
                return nil
            }
        } else {
            schema = core
        }
        guard let attribute = schema.attribute(path.attribute) else { return nil }
        let sub = path.subAttribute.flatMap { attribute.subAttribute($0)?.name }
        if path.subAttribute != nil && sub == nil { return nil }
        return ResolvedPath(container: container, attribute: attribute.name, subAttribute: sub)
    }

    /// The resource as the client asked to see it.
    public func apply(_ resource: [String: JSONValue]) -> [String: JSONValue] {
        var out = resource
        // `returned: never` never leaves, whatever was asked; in an extension as in the core.
        for name in names.never { out.removeValue(forKey: name) }
        strip(.never, from: &out)
        switch mode {
        case .all:
            for name in names.request { out.removeValue(forKey: name) }
            strip(.request, from: &out)
            return out
        case .except(let paths):
            strip(.request, from: &out)
            for path in paths { remove(path, from: &out) }
            return out
        case .only(let paths):
            var kept: [String: JSONValue] = [:]
            for key in ["schemas", "id"] { kept[key] = out[key] }
            for name in names.always { kept[name] = out[name] }
            for ext in names.extensions {
                for name in ext.always {
                    copy(ResolvedPath(container: ext.id, attribute: name, subAttribute: nil), from: out, to: &kept)
                }
            }
            for path in paths { copy(path, from: out, to: &kept) }
            return kept
        }
    }

    /// Removes the extension attributes of one `returned` rule (`never` or `request`).
    private func strip(_ rule: SchemaAttribute.Returned, from resource: inout [String: JSONValue]) {
        for ext in self.names.extensions {
            let names = rule == .never ? ext.never : ext.request
            guard !names.isEmpty, var object = resource[ext.id]?.objectValue else { continue }
            for name in names { object.removeValue(forKey: name) }
            resource[ext.id] = object.isEmpty ? nil : .object(object)
        }
    }

    private func isAlwaysReturned(_ path: ResolvedPath) -> Bool {
        guard path.container == nil, let name = path.attribute, path.subAttribute == nil else { return false }
        return name == "id" || core.attribute(name)?.returned == .always
    }

    private func remove(_ path: ResolvedPath, from resource: inout [String: JSONValue]) {
        if isAlwaysReturned(path) { return }
        if let container = path.container {
            guard let attribute = path.attribute else {
                resource.removeValue(forKey: container)
                return
            }
            guard var ext = resource[container]?.objectValue else { return }
            Self.remove(attribute, path.subAttribute, from: &ext)
            resource[container] = ext.isEmpty ? nil : .object(ext)
            return
        }
        guard let attribute = path.attribute else { return }
        Self.remove(attribute, path.subAttribute, from: &resource)
    }

    private static func remove(_ attribute: String, _ sub: String?, from object: inout [String: JSONValue]) {
        guard let sub else {
            object.removeValue(forKey: attribute)
            return
        }
        switch object[attribute] {
        case .object(var o)?:
            o.removeValue(forKey: sub)
            object[attribute] = o.isEmpty ? nil : .object(o)
        case .array(let elements)?:
            let kept: [JSONValue] = elements.compactMap { element in
                guard var o = element.objectValue else { return element }
                o.removeValue(forKey: sub)
                return o.isEmpty ? nil : .object(o)
            }
            object[attribute] = kept.isEmpty ? nil : .array(kept)
        default: break
        }
    }

    private func copy(_ path: ResolvedPath, from source: [String: JSONValue], to target: inout [String: JSONValue]) {
        if let container = path.container {
            guard let ext = source[container]?.objectValue else { return }
            guard let attribute = path.attribute else {
                target[container] = .object(ext)
                return
            }
            var into = target[container]?.objectValue ?? [:]
            Self.copy(attribute, path.subAttribute, from: ext, to: &into)
            if !into.isEmpty { target[container] = .object(into) }
            return
        }
        guard let attribute = path.attribute else { return }
        Self.copy(attribute, path.subAttribute, from: source, to: &target)
    }

    private static func copy(_ attribute: String, _ sub: String?, from source: [String: JSONValue], to target: inout [String: JSONValue]) {
        guard let value = source[attribute] else { return }
        guard let sub else {
            target[attribute] = value
            return
        }
        switch value {
        case .object(let o):
            guard let v = o[sub] else { return }
            var into = target[attribute]?.objectValue ?? [:]
            into[sub] = v
            target[attribute] = .object(into)
        case .array(let elements):
            // Merge per element, so `emails.value,emails.type` keeps both of each element.
            let existing = target[attribute]?.arrayValue
            var merged: [JSONValue] = []
            for (i, element) in elements.enumerated() {
                var into = existing.flatMap { i < $0.count ? $0[i].objectValue : nil } ?? [:]
                if let v = element.objectValue?[sub] { into[sub] = v }
                merged.append(.object(into))
            }
            if merged.contains(where: { !($0.objectValue?.isEmpty ?? true) }) { target[attribute] = .array(merged) }
        default: break
        }
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " { s.removeFirst() }
        while let l = s.last, l == " " { s.removeLast() }
        return String(s)
    }
}
