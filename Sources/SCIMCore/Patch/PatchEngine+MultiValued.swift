extension PatchEngine {
    /// Operations on a multi-valued attribute such as `emails`, with or without a value filter.
    func applyMultiValued(
        _ op: PatchRequest.Op, _ attribute: SchemaAttribute, _ filter: FilterExpression?, _ sub: SchemaAttribute?, _ value: JSONValue?,
        to container: inout [String: JSONValue]
    ) throws(SCIMError) {
        var elements = container[attribute.name]?.arrayValue ?? []
        var primarySet: Int?
        func canonical(_ element: JSONValue) -> JSONValue {
            guard let o = element.objectValue else { return element }
            var out: [String: JSONValue] = [:]
            for (k, v) in o { out[attribute.subAttribute(k)?.name ?? k] = v }
            return .object(out)
        }
        func isPrimary(_ element: JSONValue) -> Bool { element.objectValue?["primary"]?.lenientBool == true }

        if let filter {
            var matched: [Int] = []
            for (i, element) in elements.enumerated() where try FilterEvaluator.matches(element, filter, in: attribute) { matched.append(i) }
            switch op {
            case .remove:
                if let sub {
                    for i in matched {
                        var o = elements[i].objectValue ?? [:]
                        o.removeValue(forKey: sub.name)
                        elements[i] = .object(o)
                    }
                } else {
                    for i in matched.reversed() { elements.remove(at: i) }
                }
            case .add, .replace:
                guard let value else { return }
                if matched.isEmpty {
                    // Create-on-absent: the filter's equalities describe the new element.
                    guard var created = Self.equalities(filter, in: attribute) else {
                        throw SCIMError.noTarget("No element of '\(attribute.name)' matches the filter, and it does not say how to create one.")
                    }
                    if let sub { created[sub.name] = value } else if let o = canonical(value).objectValue { created.merge(o) { $1 } } else {
                        throw SCIMError.invalidValue("The value for '\(attribute.name)[…]' must be an object.")
                    }
                    elements.append(.object(created))
                    if isPrimary(elements[elements.count - 1]) { primarySet = elements.count - 1 }
                } else {
                    for i in matched {
                        var o = elements[i].objectValue ?? [:]
                        if let sub {
                            o[sub.name] = value
                        } else if let v = canonical(value).objectValue {
                            if op == .replace { o = v } else { o.merge(v) { $1 } }
                        } else {
                            throw SCIMError.invalidValue("The value for '\(attribute.name)[…]' must be an object.")
                        }
                        elements[i] = .object(o)
                        if isPrimary(elements[i]) { primarySet = i }
                    }
                }
            }
        } else if let sub {
            // `emails.type`: every element.
            for i in elements.indices {
                var o = elements[i].objectValue ?? [:]
                if op == .remove { o.removeValue(forKey: sub.name) } else { o[sub.name] = value }
                elements[i] = .object(o)
            }
        } else {
            switch op {
            case .remove:
                elements = []
            case .add, .replace:
                let added = (value?.arrayValue ?? (value.map { [$0] } ?? [])).map(canonical)
                if op == .replace { elements = [] }
                for element in added where !elements.contains(element) {
                    elements.append(element)
                    if isPrimary(element) { primarySet = elements.count - 1 }
                }
            }
        }
        // One primary at most (RFC 7643 §2.4): the one just set wins.
        if let primarySet {
            for i in elements.indices where i != primarySet && isPrimary(elements[i]) {
                var o = elements[i].objectValue ?? [:]
                o["primary"] = .bool(false)
                elements[i] = .object(o)
            }
        }
        let kept = elements.filter { !($0.objectValue?.isEmpty ?? false) }
        container[attribute.name] = kept.isEmpty ? nil : .array(kept)
    }

    /// `type eq "work" and display eq "x"` as `{"type":"work","display":"x"}`; nil when the filter is anything else.
    static func equalities(_ filter: FilterExpression, in attribute: SchemaAttribute) -> [String: JSONValue]? {
        switch filter {
        case .and(let l, let r):
            guard let a = equalities(l, in: attribute), let b = equalities(r, in: attribute) else { return nil }
            return a.merging(b) { $1 }
        case .compare(let path, .eq, let literal):
            guard path.schema == nil, path.subAttribute == nil, let sub = attribute.subAttribute(path.attribute) else { return nil }
            switch literal {
            case .string(let s): return [sub.name: .string(s)]
            case .bool(let b): return [sub.name: .bool(b)]
            case .number(let n): return [sub.name: .double(n)]
            case .null: return nil
            }
        default:
            return nil
        }
    }
}
