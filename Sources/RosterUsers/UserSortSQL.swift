import SCIMCore

/// `sortBy`/`sortOrder` (RFC 7644 §3.4.2.3) as an ORDER BY clause. Missing values sort last in
/// either direction; creation order breaks ties, so pages stay stable.
enum UserSortSQL {
    static func orderBy(_ sortBy: String?, descending: Bool) throws(SCIMError) -> String {
        guard let sortBy else { return "user.seq" }
        guard let path = AttributePath(parsing: sortBy) else {
            throw SCIMError.invalidValue("sortBy '\(sortBy)' is not an attribute path.")
        }
        let target: ResolvedAttribute
        do {
            target = try UserAttributeResolver.resolve(path)
        } catch {
            throw SCIMError.invalidValue("Cannot sort by '\(sortBy)': \(error.detail)")
        }
        var expression: String
        switch target.storage {
        case .multiValued(let attribute, let sub):
            // A multi-valued attribute sorts by its primary (else first) element's value.
            let field = sub ?? "value"
            expression = """
                (SELECT json_extract(e.value, '$.\(field)') FROM json_each(user.json, '$.\(attribute)') AS e \
                ORDER BY json_extract(e.value, '$.primary') IS NOT 1, e.key LIMIT 1)
                """
        default:
            expression = target.expression
        }
        if [.string, .reference].contains(target.attribute.type), !target.attribute.caseExact, !target.isPreFolded {
            expression = "scim_fold(\(expression))"
        }
        let direction = descending ? "DESC" : "ASC"
        return "(\(expression)) IS NULL, \(expression) \(direction), user.seq \(direction)"
    }
}
