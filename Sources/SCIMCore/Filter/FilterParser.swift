/// Parses the filter grammar of RFC 7644 §3.4.2.2 into a ``FilterExpression``.
///
/// Precedence is `not` > `and` > `or`; operators, `and`/`or`/`not` and literals are matched
/// case-insensitively. Entra's `emails[type eq "work"].value eq "x"` is read as
/// `emails[type eq "work" and value eq "x"]`.
public struct FilterParser: Sendable {
    /// Longest filter accepted, in characters.
    public var maxLength: Int
    /// Deepest nesting accepted.
    public var maxDepth: Int

    public init(maxLength: Int = 4096, maxDepth: Int = 32) {
        self.maxLength = maxLength
        self.maxDepth = maxDepth
    }

    public func parse(_ text: String) throws(SCIMError) -> FilterExpression {
        guard text.count <= maxLength else {
            throw SCIMError.invalidFilter("The filter is longer than \(maxLength) characters.")
        }
        var state = State(tokens: try FilterLexer.tokenize(text), maxDepth: maxDepth)
        guard !state.tokens.isEmpty else { throw SCIMError.invalidFilter("The filter is empty.") }
        let expression = try state.parseOr(depth: 0)
        if let (token, offset) = state.peek() {
            throw SCIMError.invalidFilter("Unexpected \(Self.describe(token)) at offset \(offset).")
        }
        return expression
    }

    static func describe(_ token: FilterToken) -> String {
        switch token {
        case .word(let w): return "'\(w)'"
        case .string(let s): return "string \"\(s)\""
        case .openParen: return "'('"
        case .closeParen: return "')'"
        case .openBracket: return "'['"
        case .closeBracket: return "']'"
        }
    }

    private struct State {
        let tokens: [(token: FilterToken, offset: Int)]
        let maxDepth: Int
        var position = 0

        func peek() -> (FilterToken, Int)? {
            position < tokens.count ? tokens[position] : nil
        }

        mutating func next() -> (FilterToken, Int)? {
            defer { position += 1 }
            return peek()
        }

        func peekKeyword(_ keyword: String) -> Bool {
            if case .word(let w)? = peek()?.0 { return w.lowercased() == keyword }
            return false
        }

        mutating func expect(_ token: FilterToken, _ what: String) throws(SCIMError) {
            guard let (t, offset) = next() else { throw SCIMError.invalidFilter("Expected \(what) at the end of the filter.") }
            guard t == token else { throw SCIMError.invalidFilter("Expected \(what) at offset \(offset), found \(FilterParser.describe(t)).") }
        }

        mutating func checkDepth(_ depth: Int) throws(SCIMError) {
            if depth > maxDepth { throw SCIMError.invalidFilter("The filter is nested deeper than \(maxDepth) levels.") }
        }

        mutating func parseOr(depth: Int) throws(SCIMError) -> FilterExpression {
            try checkDepth(depth)
            var left = try parseAnd(depth: depth + 1)
            while peekKeyword("or") {
                position += 1
                left = .or(left, try parseAnd(depth: depth + 1))
            }
            return left
        }

        mutating func parseAnd(depth: Int) throws(SCIMError) -> FilterExpression {
            try checkDepth(depth)
            var left = try parseUnary(depth: depth + 1)
            while peekKeyword("and") {
                position += 1
                left = .and(left, try parseUnary(depth: depth + 1))
            }
            return left
        }

        mutating func parseUnary(depth: Int) throws(SCIMError) -> FilterExpression {
            try checkDepth(depth)
            guard let (token, offset) = peek() else { throw SCIMError.invalidFilter("The filter ends where an expression was expected.") }
            switch token {
            case .openParen:
                position += 1
                let inner = try parseOr(depth: depth + 1)
                try expect(.closeParen, "')'")
                return inner
            case .word(let w) where w.lowercased() == "not":
                position += 1
                guard case .openParen? = peek()?.0 else {
                    throw SCIMError.invalidFilter("Expected '(' after 'not' at offset \(offset).")
                }
                position += 1
                let inner = try parseOr(depth: depth + 1)
                try expect(.closeParen, "')'")
                return .not(inner)
            case .word(let w):
                position += 1
                guard let path = AttributePath(parsing: w), path.attribute != "" else {
                    throw SCIMError.invalidFilter("'\(w)' at offset \(offset) is not an attribute path.")
                }
                return try parseAttributeExpression(path, offset: offset, depth: depth)
            default:
                throw SCIMError.invalidFilter("Unexpected \(FilterParser.describe(token)) at offset \(offset).")
            }
        }

        mutating func parseAttributeExpression(_ path: AttributePath, offset: Int, depth: Int) throws(SCIMError) -> FilterExpression {
            if case .openBracket? = peek()?.0 {
                guard path.subAttribute == nil else {
                    throw SCIMError.invalidFilter("A value filter must follow a multi-valued attribute, not '\(path)' (offset \(offset)).")
                }
                position += 1
                let inner = try parseOr(depth: depth + 1)
                try expect(.closeBracket, "']'")
                // `emails[type eq "work"].value eq "x"`: a comparison on a sub-attribute of the matched element.
                if case .word(let w)? = peek()?.0, w.hasPrefix(".") {
                    let subOffset = peek()!.1
                    position += 1
                    let sub = w.dropFirst()
                    guard AttributePath.isAttributeName(sub) else {
                        throw SCIMError.invalidFilter("'\(w)' at offset \(subOffset) is not a sub-attribute.")
                    }
                    let subPath = AttributePath(attribute: String(sub))
                    let comparison = try parseComparison(subPath, offset: subOffset)
                    return .valuePath(path, .and(inner, comparison))
                }
                return .valuePath(path, inner)
            }
            return try parseComparison(path, offset: offset)
        }

        mutating func parseComparison(_ path: AttributePath, offset: Int) throws(SCIMError) -> FilterExpression {
            guard let (opToken, opOffset) = next() else {
                throw SCIMError.invalidFilter("Expected an operator after '\(path)' at the end of the filter.")
            }
            guard case .word(let opWord) = opToken else {
                throw SCIMError.invalidFilter("Expected an operator after '\(path)' at offset \(opOffset), found \(FilterParser.describe(opToken)).")
            }
            let lower = opWord.lowercased()
            if lower == "pr" { return .present(path) }
            guard let op = CompareOperator(rawValue: lower) else {
                throw SCIMError.invalidFilter("'\(opWord)' at offset \(opOffset) is not a filter operator (eq ne co sw ew gt ge lt le pr).")
            }
            guard let (valueToken, valueOffset) = next() else {
                throw SCIMError.invalidFilter("Expected a value after '\(path) \(opWord)' at the end of the filter.")
            }
            return .compare(path, op, try Self.literal(valueToken, offset: valueOffset))
        }

        static func literal(_ token: FilterToken, offset: Int) throws(SCIMError) -> FilterValue {
            switch token {
            case .string(let s): return .string(s)
            case .word(let w):
                switch w.lowercased() {
                case "true": return .bool(true)
                case "false": return .bool(false)
                case "null": return .null
                default:
                    if let d = Double(w), w.first != "+", !w.lowercased().contains("n"), d.isFinite { return .number(d) }
                    throw SCIMError.invalidFilter("'\(w)' at offset \(offset) is not a value: strings must be in double quotes.")
                }
            default:
                throw SCIMError.invalidFilter("Expected a value at offset \(offset), found \(FilterParser.describe(token)).")
            }
        }
    }
}
