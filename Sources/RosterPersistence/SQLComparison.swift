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

/// SQL for one SCIM comparison (RFC 7644 §3.4.2.2), typed by the attribute's schema: strings that
/// are not caseExact compare through `scim_fold`; booleans take only eq/ne; `null` means absent.
public enum SQLComparison {
    /// `x op value` for an attribute stored at SQL expression `x`; `preFolded` when `x` already holds folded text.
    public static func condition(_ x: String, _ attr: SchemaAttribute, preFolded: Bool, _ op: CompareOperator, _ value: FilterValue) throws(SCIMError) -> SQLCondition {
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
            let folded = !attr.caseExact && !preFolded
            let lhs = folded ? "scim_fold(\(x))" : x
            let arg = folded || preFolded ? s.lowercased() : s
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
