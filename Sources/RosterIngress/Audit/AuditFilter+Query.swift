import Foundation
import Hummingbird
import RosterProtocol
import SCIMCore

extension AuditFilter {
    /// The filter named by the admin API's query parameters: `from`, `to` (RFC 3339 times, dates
    /// or milliseconds since 1970), `configuration` (id; names are resolved by the caller),
    /// `kind`, `method`, `status` (`404` or `4xx`), `resourceType`, `resourceId` and `q` (free text).
    init(parameters p: [String: String]) throws(SCIMError) {
        self.init()
        from = try p["from"].map { v throws(SCIMError) in try Self.time(v, name: "from") }
        to = try p["to"].map { v throws(SCIMError) in try Self.time(v, name: "to") }
        configurationID = p["configuration"].flatMap(Self.nonEmpty)
        if let kind = p["kind"].flatMap(Self.nonEmpty) {
            guard let k = AuditRecord.Kind(rawValue: kind.lowercased()) else { throw SCIMError.invalidValue("'kind' must be scim or admin.") }
            self.kind = k
        }
        if let method = p["method"].flatMap(Self.nonEmpty) {
            guard method.allSatisfy(\.isLetter), method.count <= 10 else { throw SCIMError.invalidValue("'method' must be an HTTP method such as POST.") }
            self.method = method.uppercased()
        }
        if let status = p["status"].flatMap(Self.nonEmpty) {
            let lower = status.lowercased()
            if lower.count == 3, lower.hasSuffix("xx"), let digit = Int(lower.prefix(1)), (1...5).contains(digit) {
                statusClass = digit
            } else if let code = Int(lower), (100...599).contains(code) {
                self.status = code
            } else {
                throw SCIMError.invalidValue("'status' must be a code such as 404 or a class such as 4xx, not '\(status)'.")
            }
        }
        resourceType = p["resourceType"].flatMap(Self.nonEmpty)
        resourceID = p["resourceId"].flatMap(Self.nonEmpty)
        if let q = p["q"].flatMap(Self.nonEmpty) {
            guard q.count <= 256 else { throw SCIMError.invalidValue("'q' is limited to 256 characters.") }
            text = q
        }
        if let from, let to, from >= to { throw SCIMError.invalidValue("'from' must be earlier than 'to'.") }
    }

    private static func nonEmpty(_ s: String) -> String? {
        let t = s.trimmingCharacters(in: .whitespaces)
        return t.isEmpty ? nil : t
    }

    /// Milliseconds since 1970 from `2026-11-29T06:00:00Z`, `2026-11-29T06:00:00.123+01:00`, `2026-11-29` or `1795939200000`.
    static func time(_ value: String, name: String) throws(SCIMError) -> Int64 {
        let v = value.trimmingCharacters(in: .whitespaces)
        if let ms = Int64(v), ms >= 0 { return ms }
        if let date = Timestamp.parse(v) ?? Timestamp.parse(v + "T00:00:00Z") {
            return Int64((date.timeIntervalSince1970 * 1000).rounded())
        }
        throw SCIMError.invalidValue("'\(name)' must be a time such as 2026-11-29T06:00:00Z, a date such as 2026-11-29, or milliseconds since 1970.")
    }
}
