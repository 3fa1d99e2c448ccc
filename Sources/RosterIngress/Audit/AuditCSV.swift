import Foundation
import RosterProtocol
import SCIMCore

/// Audit records as RFC 4180 CSV: UTF-8, CRLF line ends, a header row, every field that holds a
/// comma, quote, CR or LF quoted with its quotes doubled.
///
/// A field that starts with `=`, `+`, `-`, `@`, tab or CR gets a leading `'`: a userName an IdP
/// sent must not run as a formula when support opens the file in a spreadsheet. (No field holds a
/// negative number, so nothing numeric is touched.)
enum AuditCSV {
    static let columns = [
        "id", "time", "kind", "configurationId", "configurationName", "directoryId", "source", "method", "path", "query", "scimVersion",
        "resourceType", "resourceId", "subject", "status", "scimType", "durationMs", "requestBytes", "responseBytes", "requestBody", "responseBody",
        "userAgent", "requestId",
    ]

    static var header: String { columns.joined(separator: ",") + "\r\n" }

    /// One record, appended to `out` as UTF-8 (bytes, not `String` edits: an export is 10,000 rows).
    static func append(_ r: AuditRecord, to out: inout [UInt8]) {
        let fields: [String?] = [
            String(r.id), AuditView.time(r.at), r.kind.rawValue, r.configurationID, r.configurationName, r.directoryID, r.source, r.method, r.path,
            r.query, r.scimVersion, r.resourceType, r.resourceID, r.subject, String(r.status), r.scimType, AuditView.milliseconds(r.durationMicros),
            String(r.requestBytes), String(r.responseBytes), r.requestBody, r.responseBody, r.userAgent, r.requestID,
        ]
        line(fields, into: &out)
    }

    /// One CSV line of any report (the dormant-account one too), CRLF-terminated.
    static func line(_ fields: [String?], into out: inout [UInt8]) {
        for (i, value) in fields.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            if let value { field(value, into: &out) }
        }
        out.append(0x0D)
        out.append(0x0A)
    }

    /// RFC 4180 §2.6–2.7, after disarming a leading formula character.
    static func field(_ value: String, into out: inout [UInt8]) {
        let utf8 = value.utf8
        let formula = utf8.first.map { [UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D].contains($0) } ?? false
        // A negative number is not a formula; only text fields can start with '-' here, and none is numeric.
        let quoted = utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0D || $0 == 0x0A }
        if quoted { out.append(UInt8(ascii: "\"")) }
        if formula { out.append(UInt8(ascii: "'")) }
        for byte in utf8 {
            if byte == UInt8(ascii: "\"") { out.append(byte) }
            out.append(byte)
        }
        if quoted { out.append(UInt8(ascii: "\"")) }
    }
}

/// Audit records as the admin API shows them.
enum AuditView {
    static func time(_ ms: Int64) -> String { Timestamp.string(from: Date(timeIntervalSince1970: Double(ms) / 1000)) }

    static func milliseconds(_ micros: Int64) -> String { String(format: "%.3f", Double(micros) / 1000) }

    static func json(_ r: AuditRecord) -> JSONValue {
        var o = r.json
        o.removeValue(forKey: "at")
        o.removeValue(forKey: "durationMicros")
        o["time"] = .string(time(r.at))
        o["durationMs"] = .double(Double(r.durationMicros) / 1000)
        return .object(o)
    }
}
