extension PatchEngine {
    /// The operations as the worker will apply them, checked where the request arrives: every
    /// path resolves (a bad one is 400 before anything is sent), and every value of a declared
    /// attribute is in canonical form (`"False"` → `false`, a bare `manager` id → `{"value": …}`),
    /// with the liberties taken noted for the configuration's report. Attributes another store
    /// keeps (`members`) and undeclared extensions travel as given.
    public func checked(_ request: PatchRequest) throws(SCIMError) -> PatchRequest {
        var out = request
        let urns = extensions.map(\.id)
        for i in out.operations.indices {
            let operation = out.operations[i]
            guard let value = operation.value else {
                if let path = operation.path { _ = try resolve(PatchPath(path, extensions: urns)) }
                continue
            }
            if let path = operation.path {
                let target = try resolve(PatchPath(path, extensions: urns))
                if operation.op == .remove {
                    if let name = target.attribute?.name, attached.contains(name), target.filter == nil { Tolerance.note(.valueListMemberRemoval) }
                    continue
                }
                out.operations[i].value = try canonical(value, for: target)
                continue
            }
            guard let object = value.objectValue else { continue }  // the engine says why
            var canonical = object
            for (key, member) in object {
                switch key.lowercased() {
                case "schemas", "meta", "groups": continue
                case "id":
                    Tolerance.note(.idInPatchValue)
                    continue
                default: break
                }
                if let whole = try wholeExtension(key) {
                    Tolerance.note(.qualifiedKeyInPathlessValue)
                    guard let members = member.objectValue else { continue }
                    var values = members
                    for (name, v) in members where name.lowercased() != "schemas" { values[name] = try self.canonical(v, for: try self.member(name, of: whole)) }
                    canonical[key] = .object(values)
                    continue
                }
                if key.contains(".") || key.contains(":") { Tolerance.note(.qualifiedKeyInPathlessValue) }
                canonical[key] = try self.canonical(member, for: try resolve(PatchPath(key, extensions: urns)))
            }
            out.operations[i].value = .object(canonical)
        }
        return out
    }

    /// A value in the form the normaliser keeps, or as given where there is no schema to apply
    /// (or nothing would be left of it: the engine decides what an empty value means).
    private func canonical(_ value: JSONValue, for target: Target) throws(SCIMError) -> JSONValue {
        guard !target.undeclared, var attribute = target.attribute, !attached.contains(attribute.name), !value.isNull else { return value }
        let path = [target.container, attribute.name].compactMap { $0 }.joined(separator: ":")
        if let sub = target.sub { return try ResourceNormalizer.canonicalValue(value, for: sub, path: "\(path).\(sub.name)") ?? value }
        if target.filter != nil { attribute.multiValued = false }  // the value is one element
        guard let canonical = try ResourceNormalizer.canonicalValue(value, for: attribute, path: path) else { return value }
        // An explicit null inside a complex value clears that sub-attribute (RFC 7643 §2.5): the
        // normaliser leaves nulls out, so they are put back for the engine.
        guard !attribute.multiValued, attribute.type == .complex, let given = value.objectValue, case .object(var object) = canonical else { return canonical }
        for (key, member) in given where member.isNull { object[attribute.subAttribute(key)?.name ?? key] = .null }
        return .object(object)
    }
}
