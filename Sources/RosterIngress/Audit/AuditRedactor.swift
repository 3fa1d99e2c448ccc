import Foundation
public import SCIMCore

/// Makes a body safe to keep: secrets out, then cut to a bounded size.
///
/// A JSON body is redacted by structure: the value of every member whose name mentions a
/// password, token, secret or authorization, and the `value` of a PATCH operation whose `path`
/// does. A body that is not JSON (malformed, or a cut-off stream) is redacted by pattern, and
/// withheld entirely if a secret word is still left in it: nothing that might be a password is
/// ever stored.
public enum AuditRedactor {
    public static let placeholder = "[redacted]"

    static let secretWords: [[UInt8]] = ["password", "token", "secret", "authorization", "apikey"].map { Array($0.utf8) }

    /// Whether a member (or PATCH path, or query parameter) with this name holds a secret.
    public static func isSecret(_ name: String) -> Bool { mentionsSecret(name.utf8) }

    /// Whether any secret word occurs in `bytes`, ignoring ASCII case. A byte scan over the bytes in
    /// place, because this runs on every audited body (Foundation's `contains` cost a sixth of the
    /// ingress's CPU).
    static func mentionsSecret(_ bytes: some Sequence<UInt8>) -> Bool {
        bytes.withContiguousStorageIfAvailable(scan) ?? Array(bytes).withUnsafeBufferPointer(scan)
    }

    private static func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        func lower(_ byte: UInt8) -> UInt8 { byte >= 65 && byte <= 90 ? byte | 0x20 : byte }
        for start in bytes.indices {
            let first = lower(bytes[start])
            for word in secretWords where first == word[0] && start + word.count <= bytes.count {
                var k = 1
                while k < word.count && lower(bytes[start + k]) == word[k] { k += 1 }
                if k == word.count { return true }
            }
        }
        return false
    }

    /// Whether a body can be kept as it is without looking at its structure: no secret word, and
    /// no `\u` escape that could spell one.
    static func isPlainlySafe(_ bytes: [UInt8]) -> Bool {
        guard !mentionsSecret(bytes) else { return false }
        for i in bytes.indices.dropLast() where bytes[i] == UInt8(ascii: "\\") && bytes[i + 1] == UInt8(ascii: "u") { return false }
        return true
    }

    /// The redacted text of `bytes` (nil when empty), at most `limit` UTF-8 bytes plus a marker.
    /// `parsed` saves a second parse when the caller already has the JSON.
    public static func body(_ bytes: [UInt8], parsed: JSONValue? = nil, complete: Bool = true, totalBytes: Int? = nil, limit: Int) -> String? {
        guard !bytes.isEmpty else { return nil }
        let total = totalBytes ?? bytes.count
        // The start of a long stream cannot be parsed anyway: look only at what will be kept (and a
        // little more, so that a member cut at the limit is still seen whole).
        let bytes = complete ? bytes : Array(bytes.prefix(limit + 1024))
        let text: String
        if isPlainlySafe(bytes) {
            text = String(decoding: bytes, as: UTF8.self)
        } else if complete, let parsed = parsed ?? (try? JSONValue.parse(bytes)) {
            let (redacted, changed) = redact(parsed)
            text = changed ? redacted.serializedString() : String(decoding: bytes, as: UTF8.self)
        } else {
            text = redactText(String(decoding: bytes, as: UTF8.self))
        }
        return truncate(text, limit: limit, totalBytes: total, partial: !complete)
    }

    /// The structural redaction of a JSON value; `changed` tells whether anything was removed.
    public static func redact(_ value: JSONValue) -> (JSONValue, changed: Bool) {
        switch value {
        case .object(let members):
            var out: [String: JSONValue] = [:]
            var changed = false
            let patchPath = members[caseInsensitive: "path"]?.stringValue
            for (key, member) in members {
                if isSecret(key) || (key.lowercased() == "value" && patchPath.map(isSecret) == true) {
                    out[key] = .string(placeholder)
                    changed = true
                } else {
                    let (inner, innerChanged) = redact(member)
                    out[key] = inner
                    changed = changed || innerChanged
                }
            }
            return (.object(out), changed)
        case .array(let elements):
            var changed = false
            let out = elements.map { element in
                let (inner, innerChanged) = redact(element)
                changed = changed || innerChanged
                return inner
            }
            return (.array(out), changed)
        default:
            return (value, false)
        }
    }

    /// `"…password…": "value"` (also cut off at the end) loses its value.
    private static var secretMember: Regex<(Substring, Substring, Substring, Substring)> { /"([^"\\]*)"\s*:\s*"((?:[^"\\]|\\.)*)("|$)/ }

    /// Pattern redaction for text that is not JSON; withholds it if a secret word survives.
    public static func redactText(_ text: String) -> String {
        var out = ""
        var rest = text[...]
        while let match = rest.firstMatch(of: secretMember) {
            out += rest[..<match.range.lowerBound]
            if isSecret(String(match.output.1)) {
                out += "\"\(match.output.1)\":\"\(placeholder)\""
            } else {
                out += rest[match.range]
            }
            rest = rest[match.range.upperBound...]
        }
        out += rest
        let residue = out.replacing("\"\(placeholder)\"", with: "").lowercased()
        let keys = out.matches(of: secretMember).filter { isSecret(String($0.output.1)) }.count
        let mentions = ["password", "token", "secret", "authorization", "apikey"].reduce(0) { $0 + residue.ranges(of: $1).count }
        if mentions > keys {
            return "[withheld: \(text.utf8.count) bytes that are not valid JSON and mention a secret]"
        }
        return out
    }

    /// A query string with the values of secret parameters replaced.
    public static func query(_ query: String?) -> String? {
        guard let query, !query.isEmpty else { return nil }
        return query.split(separator: "&", omittingEmptySubsequences: false).map { pair in
            let name = pair.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
            return isSecret(name.removingPercentEncoding ?? name) ? "\(name)=\(placeholder)" : String(pair)
        }.joined(separator: "&")
    }

    /// At most `limit` UTF-8 bytes, cut between characters, with a marker saying how much there was
    /// when something was cut (here, or before: `partial`, the start of a stream).
    public static func truncate(_ text: String, limit: Int, totalBytes: Int, partial: Bool = false) -> String {
        let utf8 = text.utf8
        guard utf8.count > limit || partial else { return text }
        var end = utf8.index(utf8.startIndex, offsetBy: min(limit, utf8.count))
        while end > utf8.startIndex && end.samePosition(in: text.unicodeScalars) == nil { end = utf8.index(before: end) }
        return String(text[..<end]) + "…[truncated: \(totalBytes) bytes in all]"
    }
}
