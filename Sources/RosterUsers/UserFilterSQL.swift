import GRDB
import RosterPersistence
import SCIMCore

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
        try SQLComparison.condition(target.expression, target.attribute, preFolded: target.isPreFolded, op, value)
    }
}
