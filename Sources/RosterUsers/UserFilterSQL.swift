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

/// Translates a user filter into SQL over indexed columns.
///
/// The walking skeleton serves `eq` on `userName`, `externalId`, `id` and `emails.value`, combined
/// with `and`/`or`/`not`; any other attribute or operator is a clear 400 invalidFilter.
enum UserFilterSQL {
    static func condition(for filter: FilterExpression, directoryID: String) throws -> SQLCondition {
        switch filter {
        case .and(let l, let r):
            return try condition(for: l, directoryID: directoryID).and(condition(for: r, directoryID: directoryID))
        case .or(let l, let r):
            return try condition(for: l, directoryID: directoryID).or(condition(for: r, directoryID: directoryID))
        case .not(let e):
            let a = try condition(for: e, directoryID: directoryID)
            return SQLCondition(sql: "NOT (\(a.sql))", arguments: a.arguments)
        case .compare(let path, .eq, let value):
            guard path.schema == nil || path.schema?.lowercased() == CoreSchemas.userURN.lowercased() else { break }
            guard case .string(let s) = value else {
                throw SCIMError.invalidFilter("'\(path)' must be compared with a string.")
            }
            switch path.normalizedName {
            case "username": return SQLCondition(sql: "userNameKey = ?", arguments: [s.lowercased()])
            case "externalid": return SQLCondition(sql: "externalId = ?", arguments: [s])
            case "id": return SQLCondition(sql: "id = ?", arguments: [s.lowercased()])
            case "emails.value", "emails":
                return SQLCondition(
                    sql: "seq IN (SELECT userSeq FROM userEmail WHERE directoryId = ? AND valueKey = ?)", arguments: [directoryID, s.lowercased()])
            default: break
            }
        default: break
        }
        throw SCIMError.invalidFilter("This filter is not supported yet: only 'eq' on userName, externalId, id and emails.value, combined with and/or/not.")
    }
}
