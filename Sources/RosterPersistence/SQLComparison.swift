public import GRDB
public import SCIMCore

/// A SQL condition with its arguments.
public struct SQLCondition: Sendable {
    public var sql: String
    public var arguments: StatementArguments

    public init(sql: String, arguments: StatementArguments) {
        self.sql = sql
        self.arguments = arguments
    }

    public func and(_ other: SQLCondition) -> SQLCondition { combined(other, "AND") }

    public func or(_ other: SQLCondition) -> SQLCondition { combined(other, "OR") }

    private func combined(_ other: SQLCondition, _ op: String) -> SQLCondition {
        SQLCondition(sql: "(\(sql)) \(op) (\(other.sql))", arguments: arguments + other.arguments)
    }
}

/// SQL for one SCIM comparison (RFC 7644 §3.4.2.2) of a validated filter
/// (``ResourceType/validate(_:)`` checked the operator against the type): strings that are not
/// caseExact compare through `scim_fold`; `null` means absent.
public enum SQLComparison {
    /// `x op value` for an attribute stored at SQL expression `x`; `preFolded` when `x` already holds folded text.
    public static func condition(_ x: String, _ attr: SchemaAttribute, preFolded: Bool, _ op: CompareOperator, _ value: FilterValue) -> SQLCondition {
        switch value {
        case .null:
            return SQLCondition(sql: op == .ne ? "\(x) IS NOT NULL" : "\(x) IS NULL", arguments: [])
        case .bool(let b):
            return op == .ne ? SQLCondition(sql: "(\(x) IS NULL OR \(x) <> ?)", arguments: [b]) : SQLCondition(sql: "\(x) = ?", arguments: [b])
        case .number(let n):
            // Only numbers compare with numbers: SQLite orders any text above every number, so a
            // value stored as text (before its extension was declared numeric) would match `gt`.
            let numeric = "typeof(\(x)) IN ('integer', 'real')"
            return SQLCondition(sql: op == .ne ? "(\(x) IS NULL OR NOT \(numeric) OR \(x) <> ?)" : "(\(numeric) AND \(x) \(orderOperator(op)) ?)", arguments: [n])
        case .string(let s):
            let folded = [.string, .reference].contains(attr.type) && !attr.caseExact && !preFolded
            let lhs = folded ? "scim_fold(\(x))" : x
            let arg = folded || preFolded ? s.lowercased() : s
            switch op {
            case .eq: return SQLCondition(sql: "\(lhs) = ?", arguments: [arg])
            case .ne: return SQLCondition(sql: "(\(x) IS NULL OR \(lhs) <> ?)", arguments: [arg])
            case .co: return SQLCondition(sql: "instr(\(lhs), ?) > 0", arguments: [arg])
            case .sw: return SQLCondition(sql: "substr(\(lhs), 1, length(?)) = ?", arguments: [arg, arg])
            case .ew: return SQLCondition(sql: "(length(?) = 0 AND \(x) IS NOT NULL OR substr(\(lhs), -length(?)) = ?)", arguments: [arg, arg, arg])
            case .gt, .ge, .lt, .le: return SQLCondition(sql: "\(lhs) \(orderOperator(op)) ?", arguments: [arg])
            }
        }
    }

    private static func orderOperator(_ op: CompareOperator) -> String {
        switch op {
        case .eq, .co, .sw, .ew: "="
        case .ne: "<>"
        case .gt: ">"
        case .ge: ">="
        case .lt: "<"
        case .le: "<="
        }
    }
}
