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
}
