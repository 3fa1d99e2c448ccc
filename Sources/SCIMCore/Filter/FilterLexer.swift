/// Tokens of the filter grammar.
enum FilterToken: Equatable {
    case word(String)
    case string(String)
    case openParen, closeParen, openBracket, closeBracket
}

/// Splits a filter into tokens; positions are kept for error messages.
struct FilterLexer {
    static func tokenize(_ text: String) throws(SCIMError) -> [(token: FilterToken, offset: Int)] {
        var tokens: [(FilterToken, Int)] = []
        let chars = Array(text.unicodeScalars)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            switch c {
            case " ", "\t", "\n", "\r":
                i += 1
            case "(": tokens.append((.openParen, i)); i += 1
            case ")": tokens.append((.closeParen, i)); i += 1
            case "[": tokens.append((.openBracket, i)); i += 1
            case "]": tokens.append((.closeBracket, i)); i += 1
            case "\"":
                let start = i
                let (s, next) = try readString(chars, from: i)
                tokens.append((.string(s), start))
                i = next
            default:
                let start = i
                var word = String.UnicodeScalarView()
                while i < chars.count, !" \t\n\r()[]\"".unicodeScalars.contains(chars[i]) {
                    word.append(chars[i])
                    i += 1
                }
                tokens.append((.word(String(word)), start))
            }
        }
        return tokens
    }

    /// Reads a JSON string literal starting at the opening quote.
    private static func readString(_ chars: [Unicode.Scalar], from start: Int) throws(SCIMError) -> (String, Int) {
        var i = start + 1
        var out = String.UnicodeScalarView()
        while i < chars.count {
            let c = chars[i]
            if c == "\"" { return (String(out), i + 1) }
            if c == "\\" {
                i += 1
                guard i < chars.count else { break }
                switch chars[i] {
                case "\"": out.append("\"")
                case "\\": out.append("\\")
                case "/": out.append("/")
                case "b": out.append("\u{08}")
                case "f": out.append("\u{0C}")
                case "n": out.append("\n")
                case "r": out.append("\r")
                case "t": out.append("\t")
                case "u":
                    guard i + 4 < chars.count,
                        let code = UInt32(String(String.UnicodeScalarView(chars[(i + 1)...(i + 4)])), radix: 16)
                    else { throw SCIMError.invalidFilter("Invalid \\u escape in a string at offset \(i).") }
                    i += 4
                    if let scalar = Unicode.Scalar(code) { out.append(scalar) } else { out.append("\u{FFFD}") }
                default:
                    throw SCIMError.invalidFilter("Invalid escape '\\\(chars[i])' in a string at offset \(i).")
                }
                i += 1
                continue
            }
            out.append(c)
            i += 1
        }
        throw SCIMError.invalidFilter("Unterminated string starting at offset \(start).")
    }
}
