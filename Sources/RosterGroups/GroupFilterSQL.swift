import GRDB
import RosterPersistence
import SCIMCore

/// Group filters and sorting in SQL: `displayName`, `externalId`, `id` and `meta` dates are
/// columns; `members` (and `members.value|display|type`, `members[...]`) are `EXISTS` over the
/// membership rows, served by their index.
enum GroupFilterSQL {
    static func condition(for filter: FilterExpression) throws(SCIMError) -> SQLCondition {
        switch filter {
        case .and(let l, let r): return try condition(for: l).and(condition(for: r))
        case .or(let l, let r): return try condition(for: l).or(condition(for: r))
        case .not(let e):
            let inner = try condition(for: e)
            return SQLCondition(sql: "NOT COALESCE((\(inner.sql)), 0)", arguments: inner.arguments)
        case .present(let path):
            if let member = try memberColumn(path) { return exists(SQLCondition(sql: "\(member.column) IS NOT NULL", arguments: [])) }
            let (x, _, _) = try column(path)
            return SQLCondition(sql: "(\(x) IS NOT NULL AND \(x) <> '')", arguments: [])
        case .compare(let path, let op, let value):
            if let member = try memberColumn(path) {
                return exists(try SQLComparison.condition(member.column, member.attribute, preFolded: false, op, value))
            }
            let (x, attribute, preFolded) = try column(path)
            return try SQLComparison.condition(x, attribute, preFolded: preFolded, op, value)
        case .valuePath(let path, let inner):
            guard path.schema == nil || path.schema?.lowercased() == CoreSchemas.groupURN.lowercased(), path.subAttribute == nil,
                path.attribute.lowercased() == "members"
            else { throw SCIMError.invalidFilter("'\(path)' is not a multi-valued attribute of Group.") }
            return exists(try elementCondition(inner))
        }
    }

    private static func elementCondition(_ filter: FilterExpression) throws(SCIMError) -> SQLCondition {
        switch filter {
        case .and(let l, let r): return try elementCondition(l).and(elementCondition(r))
        case .or(let l, let r): return try elementCondition(l).or(elementCondition(r))
        case .not(let e):
            let inner = try elementCondition(e)
            return SQLCondition(sql: "NOT COALESCE((\(inner.sql)), 0)", arguments: inner.arguments)
        case .present(let path):
            let m = try member(path.attribute, path)
            return SQLCondition(sql: "\(m.column) IS NOT NULL", arguments: [])
        case .compare(let path, let op, let value):
            guard path.subAttribute == nil, path.schema == nil else { throw SCIMError.invalidFilter("'\(path)' is not a sub-attribute of members.") }
            let m = try member(path.attribute, path)
            return try SQLComparison.condition(m.column, m.attribute, preFolded: false, op, value)
        case .valuePath(let path, _): throw SCIMError.invalidFilter("Value filters cannot nest ('\(path)[...]').")
        }
    }

    private static func exists(_ inner: SQLCondition) -> SQLCondition {
        SQLCondition(sql: "EXISTS (SELECT 1 FROM groupMember m WHERE m.groupSeq = scimGroup.seq AND (\(inner.sql)))", arguments: inner.arguments)
    }

    private static func member(_ name: String, _ path: AttributePath) throws(SCIMError) -> (column: String, attribute: SchemaAttribute) {
        let members = CoreSchemas.group.attribute("members")!
        guard let sub = members.subAttribute(name) else { throw SCIMError.invalidFilter("Unknown sub-attribute '\(name)' of members in '\(path)'.") }
        switch sub.name {
        case "value": return ("m.memberId", sub)
        case "display": return ("m.display", sub)
        case "type": return ("m.type", sub)
        default: throw SCIMError.invalidFilter("Filtering on members.\(sub.name) is not supported.")
        }
    }

    /// `members` / `members.x` as a membership column; nil for other attributes.
    private static func memberColumn(_ path: AttributePath) throws(SCIMError) -> (column: String, attribute: SchemaAttribute)? {
        guard path.attribute.lowercased() == "members" else { return nil }
        return try member(path.subAttribute ?? "value", path)
    }

    private static func column(_ path: AttributePath) throws(SCIMError) -> (String, SchemaAttribute, Bool) {
        if let urn = path.schema, urn.lowercased() != CoreSchemas.groupURN.lowercased() {
            throw SCIMError.invalidFilter("Unknown schema '\(urn)' in '\(path)'.")
        }
        guard let attribute = CoreSchemas.group.attribute(path.attribute) else {
            throw SCIMError.invalidFilter("Unknown attribute '\(path.attribute)' in '\(path)'.")
        }
        switch (attribute.name, path.subAttribute?.lowercased()) {
        case ("displayName", nil): return ("scimGroup.displayNameKey", attribute, true)
        case ("externalId", nil): return ("scimGroup.externalId", attribute, false)
        case ("id", nil): return ("scimGroup.id", attribute, false)
        case ("meta", "created"): return ("scimGroup.created", attribute.subAttribute("created")!, false)
        case ("meta", "lastmodified"): return ("scimGroup.lastModified", attribute.subAttribute("lastModified")!, false)
        default: throw SCIMError.invalidFilter("Filtering groups on '\(path)' is not supported.")
        }
    }

    static func orderBy(_ sortBy: String?, descending: Bool) throws(SCIMError) -> String {
        guard let sortBy else { return "scimGroup.seq" }
        guard let path = AttributePath(parsing: sortBy), path.attribute.lowercased() != "members" else {
            throw SCIMError.invalidValue("Cannot sort groups by '\(sortBy)'.")
        }
        let x: String
        do { x = try column(path).0 } catch { throw SCIMError.invalidValue("Cannot sort groups by '\(sortBy)': \(error.detail)") }
        let direction = descending ? "DESC" : "ASC"
        return "(\(x)) IS NULL, \(x) \(direction), scimGroup.seq \(direction)"
    }
}
