import Foundation
import HTTPTypes
import Hummingbird
import SCIMCore

extension Request {
    /// The body as a JSON object, at most `limit` bytes (413 beyond, 400 invalidSyntax if not JSON).
    func jsonObject(limit: Int) async throws -> [String: JSONValue] {
        let buffer = try await body.collect(upTo: limit)
        return try JSONValue.parseObject(Data(buffer.readableBytesView))
    }

    /// The version named by `If-Match`, if any.
    func ifMatchVersion() throws(SCIMError) -> Int? {
        try SCIMResponse.version(fromETag: headers[.ifMatch])
    }

    /// `Prefer: return=minimal` (RFC 7240): the client wants no body.
    var prefersMinimal: Bool {
        headers[HTTPField.Name("Prefer")!]?.lowercased().contains("return=minimal") == true
    }

    /// The client wants the resource back: `Prefer: return=representation`, or a projection.
    var asksForRepresentation: Bool {
        headers[HTTPField.Name("Prefer")!]?.lowercased().contains("return=representation") == true
            || uri.queryParameters["attributes"] != nil || uri.queryParameters["excludedAttributes"] != nil
    }

    /// The query parameters, with `+` read as a space as HTML form encoding writes it (Java's
    /// `URLEncoder`, which IdPs built on the JVM use: `filter=userName+eq+%22x%22`); a `+` meant
    /// literally arrives as `%2B`. A tolerance, counted per configuration.
    var scimQuery: [String: String] {
        guard let raw = uri.query, !raw.isEmpty else { return [:] }
        var out: [String: String] = [:]
        for pair in raw.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decoded(_ text: Substring) -> String? {
                if text.contains("+") { Tolerance.note(.plusAsSpaceInQuery) }
                return text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
            }
            guard let key = decoded(parts[0]), out[key] == nil else { continue }
            out[key] = parts.count == 2 ? decoded(parts[1]) ?? String(parts[1]) : ""
        }
        return out
    }
}
