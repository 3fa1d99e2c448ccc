/// A comparison operator of RFC 7644 §3.4.2.2.
public enum CompareOperator: String, Sendable, CaseIterable {
    case eq, ne, co, sw, ew, gt, ge, lt, le
}

/// A literal on the right of a comparison.
public enum FilterValue: Sendable, Hashable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case null
}

/// A parsed SCIM filter (RFC 7644 §3.4.2.2).
public indirect enum FilterExpression: Sendable, Hashable {
    case compare(AttributePath, CompareOperator, FilterValue)
    case present(AttributePath)
    case and(FilterExpression, FilterExpression)
    case or(FilterExpression, FilterExpression)
    case not(FilterExpression)
    /// `attr[filter]`: some element of the multi-valued `attr` matches `filter`.
    case valuePath(AttributePath, FilterExpression)

    /// Nesting depth of the expression tree.
    public var depth: Int {
        switch self {
        case .compare, .present: return 1
        case .and(let l, let r), .or(let l, let r): return 1 + max(l.depth, r.depth)
        case .not(let e), .valuePath(_, let e): return 1 + e.depth
        }
    }
}
