import Foundation
import Hummingbird
import SCIMCore

/// Builds SCIM responses: `application/scim+json`, with `ETag` and `Location` where they apply.
enum SCIMResponse {
    static let contentType = "application/scim+json; charset=utf-8"

    static func json(_ status: HTTPResponse.Status, _ body: JSONValue, headers extra: HTTPFields = [:]) -> Response {
        let bytes = body.serialized()
        var headers = extra
        headers[.contentType] = contentType
        headers[.contentLength] = String(bytes.count)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func error(_ error: SCIMError) -> Response {
        let error = SCIMHTTPError(error)
        return json(error.status, error.error.body, headers: error.headers)
    }

    static func etag(version: Int) -> String { "W/\"\(version)\"" }

    /// The version named by an `If-Match`/`If-None-Match` value (`W/"3"` or `"3"`); nil for `*` or absent.
    static func version(fromETag value: String?) throws(SCIMError) -> Int? {
        guard let raw = value?.trimmingCharacters(in: .whitespaces), !raw.isEmpty, raw != "*" else { return nil }
        var s = Substring(raw)
        if s.hasPrefix("W/") { s = s.dropFirst(2) }
        if s.hasPrefix("\""), s.hasSuffix("\""), s.count >= 2 { s = s.dropFirst().dropLast() }
        guard let version = Int(s) else {
            throw SCIMError.preconditionFailed("The entity tag \(raw) is not one this server issued.")
        }
        return version
    }
}
