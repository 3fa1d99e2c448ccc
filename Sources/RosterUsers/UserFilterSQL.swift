import GRDB
import SCIMCore

/// A SQL condition with its arguments.
struct SQLCondition {
    var sql: String
    var arguments: StatementArguments

    func and(_ other: SQLCondition) -> SQLCondition { combined(other, "AND") }

    func or(_ other: SQLCondition) -> SQLCondition { combined(other, "OR") }

    private func combined(_ other: SQLCondition, _ op: String) -> SQLCondition {
        SQLCondition(sql: "(\(sql)) \(op) (\(other.sql))", arguments: arguments + other.arguments)
    }
}

/// Translates a SCIM filter over users into SQL, after validating it against the User schema.
///
/// Indexed columns serve `userName`, `id`, `externalId`, `meta.created`, `meta.lastModified` and
/// `emails.value eq`; every other attribute is read from the stored JSON (`json_extract`,
/// `json_each` for multi-valued ones), so every valid filter works. Strings that are not
/// caseExact compare through `scim_fold`, the same Unicode case folding as `userName` uniqueness.
enum UserFilterSQL {
    static func condition(for filter: FilterExpression, directoryID: String) throws(SCIMError) -> SQLCondition {
        switch filter {
        case .and(let l, let r):
            return try condition(for: l, directoryID: directoryID).and(condition(for: r, directoryID: directoryID))
        case .or(let l, let r):
            return try condition(for: l, directoryID: directoryID).or(condition(for: r, directoryID: directoryID))
        case .not(let e):
            let inner = try condition(for: e, directoryID: directoryID)
            return SQLCondition(sql: "NOT COALESCE((\(inner.sql)), 0)", arguments: inner.arguments)
        case .present(let path):
            return try present(try UserAttributeResolver.resolve(path))
        case .compare(let path, let op, let value):
            let target = try UserAttributeResolver.resolve(path)
            if case .multiValued(let attribute, let sub) = target.storage {
                if op == .eq, attribute == "emails", sub == "value", case .string(let s) = value {
                    // The indexed table holds every email, folded.
                    return SQLCondition(
                        sql: "seq IN (SELECT userSeq FROM userEmail WHERE directoryId = ? AND valueKey = ?)", arguments: [directoryID, s.lowercased()])
                }
                guard let sub else {
                    throw SCIMError.invalidFilter("'\(path)' is complex: compare one of its sub-attributes.")
                }
                let inner = try compare(ResolvedAttribute(attribute: target.attribute, storage: .element(sub)), op, value)
                return exists(attribute, inner)
            }
            return try compare(target, op, value)
        case .valuePath(let path, let inner):
            let attribute = try UserAttributeResolver.multiValued(path)
            return exists(attribute.name, try elementCondition(inner, of: attribute))
        }
    }

    /// A condition on the elements of a multi-valued attribute, from inside `attr[...]`.
    private static func elementCondition(_ filter: FilterExpression, of attribute: SchemaAttribute) throws(SCIMError) -> SQLCondition {
        func sub(_ path: AttributePath) throws(SCIMError) -> ResolvedAttribute {
            guard path.schema == nil, path.subAttribute == nil, let s = attribute.subAttribute(path.attribute) else {
                throw SCIMError.invalidFilter("'\(path)' is not a sub-attribute of '\(attribute.name)'.")
            }
            return ResolvedAttribute(attribute: s, storage: .element(s.name))
        }
        switch filter {
        case .and(let l, let r): return try elementCondition(l, of: attribute).and(elementCondition(r, of: attribute))
        case .or(let l, let r): return try elementCondition(l, of: attribute).or(elementCondition(r, of: attribute))
        case .not(let e):
            let inner = try elementCondition(e, of: attribute)
            return SQLCondition(sql: "NOT COALESCE((\(inner.sql)), 0)", arguments: inner.arguments)
        case .present(let path): return try present(sub(path))
        case .compare(let path, let op, let value): return try compare(sub(path), op, value)
        case .valuePath(let path, _): throw SCIMError.invalidFilter("Value filters cannot nest ('\(path)[...]').")
        }
    }

    private static func exists(_ attribute: String, _ inner: SQLCondition) -> SQLCondition {
        SQLCondition(sql: "EXISTS (SELECT 1 FROM json_each(user.json, '$.\(attribute)') AS e WHERE \(inner.sql))", arguments: inner.arguments)
    }

    private static func present(_ target: ResolvedAttribute) throws(SCIMError) -> SQLCondition {
        switch target.storage {
        case .multiValued(let attribute, nil):
            return SQLCondition(sql: "COALESCE(json_array_length(user.json, '$.\(attribute)'), 0) > 0", arguments: [])
        case .multiValued(let attribute, let sub?):
            let x = "json_extract(e.value, '$.\(sub)')"
            return exists(attribute, SQLCondition(sql: "\(x) IS NOT NULL AND \(x) <> ''", arguments: []))
        default:
            let x = target.expression
            return SQLCondition(sql: "(\(x) IS NOT NULL AND \(x) <> '')", arguments: [])
        }
    }

    private static func compare(_ target: ResolvedAttribute, _ op: CompareOperator, _ value: FilterValue) throws(SCIMError) -> SQLCondition {
        let attr = target.attribute
        let x = target.expression
        if case .null = value {
            switch op {
            case .eq: return SQLCondition(sql: "\(x) IS NULL", arguments: [])
            case .ne: return SQLCondition(sql: "\(x) IS NOT NULL", arguments: [])
            default: throw SCIMError.invalidFilter("'null' can only be compared with eq or ne.")
            }
        }
        switch attr.type {
        case .complex:
            throw SCIMError.invalidFilter("'\(attr.name)' is complex: compare one of its sub-attributes, e.g. '\(attr.name).\(attr.subAttributes.first?.name ?? "value")'.")
        case .boolean:
            guard case .bool(let b) = value else { throw SCIMError.invalidFilter("'\(attr.name)' is a boolean: compare it with true or false.") }
            switch op {
            case .eq: return SQLCondition(sql: "\(x) = ?", arguments: [b])
            case .ne: return SQLCondition(sql: "(\(x) IS NULL OR \(x) <> ?)", arguments: [b])
            default: throw SCIMError.invalidFilter("'\(op.rawValue)' does not apply to the boolean '\(attr.name)'.")
            }
        case .integer, .decimal:
            guard case .number(let n) = value else { throw SCIMError.invalidFilter("'\(attr.name)' is a number: compare it with a number.") }
            guard let sqlOp = orderOperator(op) else { throw SCIMError.invalidFilter("'\(op.rawValue)' does not apply to the number '\(attr.name)'.") }
            return SQLCondition(sql: op == .ne ? "(\(x) IS NULL OR \(x) <> ?)" : "\(x) \(sqlOp) ?", arguments: [n])
        case .string, .reference, .dateTime, .binary:
            guard case .string(let s) = value else {
                throw SCIMError.invalidFilter("'\(attr.name)' is a \(attr.type.rawValue): compare it with a string in double quotes.")
            }
            if attr.type == .binary, op != .eq, op != .ne { throw SCIMError.invalidFilter("Only eq and ne apply to the binary '\(attr.name)'.") }
            if attr.type == .dateTime, [.co, .sw, .ew].contains(op) {
                throw SCIMError.invalidFilter("'\(op.rawValue)' does not apply to the date '\(attr.name)'.")
            }
            let folded = !attr.caseExact && !target.isPreFolded
            let lhs = folded ? "scim_fold(\(x))" : x
            let arg = folded || target.isPreFolded ? s.lowercased() : s
            switch op {
            case .eq: return SQLCondition(sql: "\(lhs) = ?", arguments: [arg])
            case .ne: return SQLCondition(sql: "(\(x) IS NULL OR \(lhs) <> ?)", arguments: [arg])
            case .co: return SQLCondition(sql: "instr(\(lhs), ?) > 0", arguments: [arg])
            case .sw: return SQLCondition(sql: "substr(\(lhs), 1, length(?)) = ?", arguments: [arg, arg])
            case .ew: return SQLCondition(sql: "(length(?) = 0 AND \(x) IS NOT NULL OR substr(\(lhs), -length(?)) = ?)", arguments: [arg, arg, arg])
            case .gt, .ge, .lt, .le: return SQLCondition(sql: "\(lhs) \(orderOperator(op)!) ?", arguments: [arg])
            }
        }
    }

    private static func orderOperator(_ op: CompareOperator) -> String? {
        switch op {
        case .eq: "="
        case .ne: "<>"
        case .gt: ">"
        case .ge: ">="
        case .lt: "<"
        case .le: "<="
        case .co, .sw, .ew: nil
        }
    }
}
