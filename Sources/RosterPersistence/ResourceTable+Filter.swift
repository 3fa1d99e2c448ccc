import Foundation
import GRDB
public import SCIMCore

/// The one translation of a validated filter (``ResolvedFilter``) and of `sortBy` into SQL, for
/// every resource type, driven by its ``ResourceTable``.
extension ResourceTable {
    /// Where a value is read: the row, or the element `e` of a multi-valued attribute.
    private enum Scope {
        case row
        /// Inside `EXISTS` over the elements of `attribute`: rows of another table, or `json_each` as `e`.
        case element(Rows?)
    }

    public func condition(_ filter: ResolvedFilter, directoryID: String, locationPrefix: String) throws(SCIMError) -> SQLCondition {
        try condition(filter, scope: .row, directoryID: directoryID, locationPrefix: locationPrefix)
    }

    private func condition(_ filter: ResolvedFilter, scope: Scope, directoryID: String, locationPrefix: String) throws(SCIMError) -> SQLCondition {
        func inner(_ f: ResolvedFilter) throws(SCIMError) -> SQLCondition {
            try condition(f, scope: scope, directoryID: directoryID, locationPrefix: locationPrefix)
        }
        switch filter {
        case .and(let l, let r): return try inner(l).and(inner(r))
        case .or(let l, let r): return try inner(l).or(inner(r))
        case .not(let e):
            let c = try inner(e)
            return SQLCondition(sql: "NOT COALESCE((\(c.sql)), 0)", arguments: c.arguments)
        case .valuePath(let parent, let e):
            let rows = try elements(of: parent)
            let c = try condition(e, scope: .element(rows), directoryID: directoryID, locationPrefix: locationPrefix)
            return exists(parent, rows, c)
        case .present(let a):
            if case .row = scope, a.attribute.multiValued {
                let rows = try elements(of: a)
                guard a.subAttribute != nil else {
                    if rows != nil { return exists(a, rows, SQLCondition(sql: "1", arguments: [])) }
                    return SQLCondition(sql: "COALESCE(json_array_length(\(name).json, '\(jsonPath(a, element: false))'), 0) > 0", arguments: [])
                }
                return exists(a, rows, present(try expression(a, scope: .element(rows), locationPrefix: locationPrefix).sql))
            }
            return present(try expression(a, scope: scope, locationPrefix: locationPrefix).sql)
        case .compare(let a, let op, let value):
            if case .row = scope, a.attribute.multiValued {
                if op == .eq, case .string(let s) = value, let index = equalityIndexes[a.key] {
                    return SQLCondition(sql: index, arguments: [directoryID, s.lowercased()])
                }
                let rows = try elements(of: a)
                let x = try expression(a, scope: .element(rows), locationPrefix: locationPrefix)
                return exists(a, rows, SQLComparison.condition(x.sql, a.compared, preFolded: x.folded, op, value))
            }
            let x = try expression(a, scope: scope, locationPrefix: locationPrefix)
            return SQLComparison.condition(x.sql, a.compared, preFolded: x.folded, op, value)
        }
    }

    /// `ORDER BY` for `sortBy` (RFC 7644 §3.4.2.3): missing values last in either direction;
    /// creation order breaks ties, so pages stay stable.
    public func orderBy(_ sort: ResolvedAttribute?, descending: Bool, locationPrefix: String) throws(SCIMError) -> String {
        let direction = descending ? "DESC" : "ASC"
        guard let sort else { return "\(name).seq \(direction)" }
        var x: Expression
        if sort.attribute.multiValued {
            let rows: Rows?
            do throws(SCIMError) { rows = try elements(of: sort) } catch { throw SCIMError.invalidValue("Cannot sort by '\(sort.key)': \(error.detail)") }
            if rows != nil { throw SCIMError.invalidValue("Cannot sort \(type.name) resources by '\(sort.attribute.name)'.") }
            let path = jsonPath(sort, element: false)
            if sort.attribute.type == .complex {
                let field = sort.subAttribute?.name ?? "value"
                // The primary (else first) element's value; elements stored as something else than objects sort as absent.
                x = Expression(sql: """
                    (SELECT json_extract(\(Self.object("e")), '$.\(field)') FROM json_each(\(name).json, '\(path)') AS e \
                    ORDER BY json_extract(\(Self.object("e")), '$.primary') IS NOT 1, e.key LIMIT 1)
                    """, folded: false)
            } else {
                // A multi-valued simple attribute (a declared extension's): its first value.
                x = Expression(sql: "(SELECT e.value FROM json_each(\(name).json, '\(path)') AS e ORDER BY e.key LIMIT 1)", folded: false)
            }
        } else {
            do throws(SCIMError) { x = try expression(sort, scope: .row, locationPrefix: locationPrefix) } catch {
                throw SCIMError.invalidValue("Cannot sort by '\(sort.key)': \(error.detail)")
            }
        }
        var sql = x.sql
        if [.string, .reference].contains(sort.compared.type), !sort.compared.caseExact, !x.folded { sql = "scim_fold(\(sql))" }
        return "(\(sql)) IS NULL, \(sql) \(direction), \(name).seq \(direction)"
    }

    // MARK: - Pieces

    struct Expression {
        var sql: String
        var folded: Bool
    }

    private func present(_ x: String) -> SQLCondition {
        SQLCondition(sql: "(\(x) IS NOT NULL AND \(x) <> '')", arguments: [])
    }

    /// The elements of a multi-valued attribute: rows of another table, or nil for `json_each`.
    private func elements(of a: ResolvedAttribute) throws(SCIMError) -> Rows? {
        if case .unsupported(let why)? = storage[a.attribute.name.lowercased()] { throw SCIMError.invalidFilter(why) }
        return a.extensionURN == nil ? rows[a.attribute.name.lowercased()] : nil
    }

    private func exists(_ a: ResolvedAttribute, _ rows: Rows?, _ inner: SQLCondition) -> SQLCondition {
        if let rows {
            return SQLCondition(sql: "EXISTS (SELECT 1 FROM \(rows.from) WHERE \(rows.join) AND (\(inner.sql)))", arguments: inner.arguments)
        }
        return SQLCondition(sql: "EXISTS (SELECT 1 FROM json_each(\(name).json, '\(jsonPath(a, element: false))') AS e WHERE \(inner.sql))", arguments: inner.arguments)
    }

    /// The SQL value of an attribute in `scope`.
    private func expression(_ a: ResolvedAttribute, scope: Scope, locationPrefix: String) throws(SCIMError) -> Expression {
        if case .element(let rows) = scope {
            guard let sub = a.subAttribute else { return Expression(sql: "e.value", folded: false) }
            if let rows {
                guard let column = rows.columns[sub.name.lowercased()] else {
                    throw SCIMError.invalidFilter("Filtering \(type.name) resources on '\(a.attribute.name).\(sub.name)' is not supported.")
                }
                return Expression(sql: column, folded: false)
            }
            return Expression(sql: "json_extract(\(Self.object("e")), '$.\(sub.name)')", folded: false)
        }
        switch storage[a.key] {
        case .column(let c, let folded)?: return Expression(sql: "\(name).\(c)", folded: folded)
        case .expression(let sql)?: return Expression(sql: sql, folded: false)
        case .location?:
            // A literal, not an argument: the prefix is the server's own base URL.
            return Expression(sql: "('\(locationPrefix.replacingOccurrences(of: "'", with: "''"))' || \(name).id)", folded: false)
        case .unsupported(let why)?: throw SCIMError.invalidFilter(why)
        case nil: break
        }
        // A sub-attribute of an attribute the store cannot answer (`groups.value`) is refused with it.
        if case .unsupported(let why)? = storage[a.attribute.name.lowercased()] { throw SCIMError.invalidFilter(why) }
        return Expression(sql: "json_extract(\(name).json, '\(jsonPath(a, element: true))')", folded: false)
    }

    /// `$.name.sub`, or `$."urn".name.sub` in an extension; without `.sub` for `json_each`. Names
    /// come from schemas (a declared URN can hold neither `'` nor `"`); quotes are doubled anyway,
    /// as the SQL literal the path is written into requires.
    private func jsonPath(_ a: ResolvedAttribute, element: Bool) -> String {
        var path = "$"
        if let urn = a.extensionURN { path += ".\"\(urn)\"" }
        path += ".\(a.attribute.name)"
        if element, let sub = a.subAttribute { path += ".\(sub.name)" }
        return path.replacingOccurrences(of: "'", with: "''")
    }

    /// A `json_each` element's value when it is an object, else NULL: `json_extract` on a plain
    /// string element (stored before its extension was declared complex) would be an SQL error.
    static func object(_ element: String) -> String { "CASE WHEN \(element).type = 'object' THEN \(element).value END" }
}
