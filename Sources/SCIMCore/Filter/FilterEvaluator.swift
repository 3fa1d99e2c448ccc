/// Evaluates a filter on one element of a multi-valued attribute (a PATCH value filter such as
/// `emails[type eq "work"]`), with the sub-attributes' `caseExact` deciding string comparison.
public enum FilterEvaluator {
    public static func matches(_ element: JSONValue, _ filter: FilterExpression, in attribute: SchemaAttribute) throws(SCIMError) -> Bool {
        switch filter {
        case .and(let l, let r):
            guard try matches(element, l, in: attribute) else { return false }
            return try matches(element, r, in: attribute)
        case .or(let l, let r):
            if try matches(element, l, in: attribute) { return true }
            return try matches(element, r, in: attribute)
        case .not(let e): return try !matches(element, e, in: attribute)
        case .valuePath: throw SCIMError.invalidFilter("Value filters cannot nest.")
        case .present(let path):
            let value = try lookup(element, path, in: attribute).value
            switch value {
            case nil, .null?: return false
            case .string(let s)?: return !s.isEmpty
            case .array(let a)?: return !a.isEmpty
            default: return true
            }
        case .compare(let path, let op, let literal):
            let (value, sub) = try lookup(element, path, in: attribute)
            return compare(value, op, literal, caseExact: sub?.caseExact ?? attribute.caseExact)
        }
    }

    private static func lookup(_ element: JSONValue, _ path: AttributePath, in attribute: SchemaAttribute) throws(SCIMError) -> (value: JSONValue?, sub: SchemaAttribute?) {
        guard path.schema == nil, path.subAttribute == nil else {
            throw SCIMError.invalidFilter("'\(path)' is not a sub-attribute of '\(attribute.name)'.")
        }
        if attribute.type != .complex, path.attribute.lowercased() == "value" { return (element, nil) }
        guard let sub = attribute.subAttribute(path.attribute) else {
            throw SCIMError.invalidFilter("'\(path.attribute)' is not a sub-attribute of '\(attribute.name)'.")
        }
        return (element.objectValue?[caseInsensitive: sub.name], sub)
    }

    static func compare(_ value: JSONValue?, _ op: CompareOperator, _ literal: FilterValue, caseExact: Bool) -> Bool {
        if case .null = literal {
            let absent = value == nil || value == .null
            return op == .eq ? absent : (op == .ne ? !absent : false)
        }
        guard let value, !value.isNull else { return op == .ne }
        switch (value, literal) {
        case (.string(let a), .string(let b)):
            let x = caseExact ? a : a.lowercased(), y = caseExact ? b : b.lowercased()
            switch op {
            case .eq: return x == y
            case .ne: return x != y
            case .co: return y.isEmpty || x.contains(y)
            case .sw: return x.hasPrefix(y)
            case .ew: return x.hasSuffix(y)
            case .gt: return x > y
            case .ge: return x >= y
            case .lt: return x < y
            case .le: return x <= y
            }
        case (_, .bool(let b)):
            guard let v = value.lenientBool else { return op == .ne }
            return op == .eq ? v == b : (op == .ne ? v != b : false)
        case (.int, .number(let n)), (.double, .number(let n)):
            let v: Double
            if case .int(let i) = value { v = Double(i) } else if case .double(let d) = value { v = d } else { return false }
            switch op {
            case .eq: return v == n
            case .ne: return v != n
            case .gt: return v > n
            case .ge: return v >= n
            case .lt: return v < n
            case .le: return v <= n
            case .co, .sw, .ew: return false
            }
        default:
            return op == .ne
        }
    }
}
