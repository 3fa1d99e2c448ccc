/// Filter and sort validation against a resource type (RFC 7644 §3.4.2.2, §3.4.2.3), in one
/// place for every type and every store: the ingress runs it before anything is sent, the
/// worker runs the same code on what it received.
extension ResourceType {
    /// Parses and validates a filter.
    public func validateFilter(_ text: String) throws(SCIMError) -> ResolvedFilter {
        try validate(try FilterParser().parse(text))
    }

    /// Whether `text` is a filter this type can answer: root search asks each type, and a type
    /// lacking an attribute the filter names is skipped (it matches nothing of that type).
    public func accepts(filter text: String) -> Bool {
        (try? validateFilter(text)) != nil
    }

    public func validate(_ filter: FilterExpression) throws(SCIMError) -> ResolvedFilter {
        switch filter {
        case .and(let l, let r): return .and(try validate(l), try validate(r))
        case .or(let l, let r): return .or(try validate(l), try validate(r))
        case .not(let e): return .not(try validate(e))
        case .present(let path): return .present(try resolve(path))
        case .compare(let path, let op, let value):
            var target = try resolve(path)
            if target.subAttribute == nil, target.attribute.multiValued, target.attribute.type == .complex {
                // `emails eq "x"` compares the elements' values (RFC 7644 §3.4.2.2).
                guard let value = target.attribute.subAttribute("value") else {
                    throw SCIMError.invalidFilter("'\(path)' is complex: compare one of its sub-attributes.")
                }
                target.subAttribute = value
            }
            try Self.check(target.compared, op, value, path: path)
            return .compare(target, op, value)
        case .valuePath(let path, let inner):
            let target = try resolve(path)
            guard target.subAttribute == nil, target.attribute.multiValued, target.attribute.type == .complex else {
                throw SCIMError.invalidFilter("'\(path)' is not a multi-valued attribute: '[...]' cannot follow it.")
            }
            return .valuePath(target, try element(inner, of: target))
        }
    }

    /// `sortBy`: an attribute path of this type; a multi-valued attribute sorts by its primary
    /// (else first) element's `value`.
    public func sortAttribute(_ sortBy: String) throws(SCIMError) -> ResolvedAttribute {
        guard let path = AttributePath(parsing: sortBy) else { throw SCIMError.invalidValue("sortBy '\(sortBy)' is not an attribute path.") }
        do throws(SCIMError) {
            var target = try resolve(path)
            if target.subAttribute == nil, target.attribute.type == .complex {
                guard target.attribute.multiValued, let value = target.attribute.subAttribute("value") else {
                    throw SCIMError.invalidFilter("'\(path)' is complex: sort by one of its sub-attributes.")
                }
                target.subAttribute = value
            }
            return target
        } catch {
            throw SCIMError.invalidValue("Cannot sort by '\(sortBy)': \(error.detail)")
        }
    }

    /// The attribute a path names, in the core schema or an extension.
    public func resolve(_ path: AttributePath) throws(SCIMError) -> ResolvedAttribute {
        var schema = self.schema
        var urn: String?
        if let prefix = path.schema {
            if let ext = `extension`(prefix) {
                schema = ext
                urn = ext.id
            } else if prefix.lowercased() != self.schema.id.lowercased() {
                throw SCIMError.invalidFilter("Unknown schema '\(prefix)' in '\(path)' for \(name): only declared extensions can be filtered and sorted on (roster schema add).")
            }
        }
        if path.schema == nil, schema.attribute(path.attribute) == nil, let owner = Tolerance.extensionOwning(path.attribute, in: extensions) {
            schema = owner
            urn = owner.id
        }
        guard let attribute = schema.attribute(path.attribute) else {
            throw SCIMError.invalidFilter("Unknown attribute '\(path.attribute)' in '\(path)' for \(name).")
        }
        if attribute.returned == .never {
            throw SCIMError.invalidFilter("'\(attribute.name)' is never returned and cannot be filtered on.")
        }
        var sub: SchemaAttribute?
        if let name = path.subAttribute {
            guard let s = attribute.subAttribute(name) else {
                throw SCIMError.invalidFilter("Unknown sub-attribute '\(name)' of '\(attribute.name)'.")
            }
            sub = s
        }
        return ResolvedAttribute(extensionURN: urn, attribute: attribute, subAttribute: sub)
    }

    /// Inside `attr[...]`: paths name sub-attributes of `attr`'s elements.
    private func element(_ filter: FilterExpression, of parent: ResolvedAttribute) throws(SCIMError) -> ResolvedFilter {
        func sub(_ path: AttributePath) throws(SCIMError) -> ResolvedAttribute {
            guard path.schema == nil, path.subAttribute == nil, let s = parent.attribute.subAttribute(path.attribute) else {
                throw SCIMError.invalidFilter("'\(path)' is not a sub-attribute of '\(parent.attribute.name)'.")
            }
            return ResolvedAttribute(extensionURN: parent.extensionURN, attribute: parent.attribute, subAttribute: s)
        }
        switch filter {
        case .and(let l, let r): return .and(try element(l, of: parent), try element(r, of: parent))
        case .or(let l, let r): return .or(try element(l, of: parent), try element(r, of: parent))
        case .not(let e): return .not(try element(e, of: parent))
        case .present(let path): return .present(try sub(path))
        case .compare(let path, let op, let value):
            let target = try sub(path)
            try Self.check(target.compared, op, value, path: path)
            return .compare(target, op, value)
        case .valuePath(let path, _): throw SCIMError.invalidFilter("Value filters cannot nest ('\(path)[...]').")
        }
    }

    /// Whether `op value` applies to an attribute of this type.
    static func check(_ attr: SchemaAttribute, _ op: CompareOperator, _ value: FilterValue, path: AttributePath) throws(SCIMError) {
        if case .null = value {
            guard op == .eq || op == .ne else { throw SCIMError.invalidFilter("'null' can only be compared with eq or ne.") }
            return
        }
        switch attr.type {
        case .complex:
            throw SCIMError.invalidFilter("'\(path)' is complex: compare one of its sub-attributes, e.g. '\(attr.name).\(attr.subAttributes.first?.name ?? "value")'.")
        case .boolean:
            guard case .bool = value else { throw SCIMError.invalidFilter("'\(attr.name)' is a boolean: compare it with true or false.") }
            guard op == .eq || op == .ne else { throw SCIMError.invalidFilter("'\(op.rawValue)' does not apply to the boolean '\(attr.name)'.") }
        case .integer, .decimal:
            guard case .number = value else { throw SCIMError.invalidFilter("'\(attr.name)' is a number: compare it with a number.") }
            guard ![.co, .sw, .ew].contains(op) else { throw SCIMError.invalidFilter("'\(op.rawValue)' does not apply to the number '\(attr.name)'.") }
        case .string, .reference, .dateTime, .binary:
            guard case .string = value else {
                throw SCIMError.invalidFilter("'\(attr.name)' is a \(attr.type.rawValue): compare it with a string in double quotes.")
            }
            if attr.type == .binary, op != .eq, op != .ne { throw SCIMError.invalidFilter("Only eq and ne apply to the binary '\(attr.name)'.") }
            if attr.type == .dateTime, [.co, .sw, .ew].contains(op) {
                throw SCIMError.invalidFilter("'\(op.rawValue)' does not apply to the date '\(attr.name)'.")
            }
        }
    }
}
