import Foundation
import RosterProtocol
import SCIMCore

/// Audit records as RFC 4180 CSV: UTF-8, CRLF line ends, a header row, every field that holds a
/// comma, quote, CR or LF quoted with its quotes doubled.
///
/// A text field that starts with `=`, `+`, `-`, `@`, tab or CR gets a leading `'`: a userName an
/// IdP sent must not run as a formula when support opens the file in a spreadsheet.
enum AuditCSV {
    static let columns = [
        "id", "time", "kind", "configurationId", "configurationName", "directoryId", "source", "method", "path", "query", "scimVersion",
        "resourceType", "resourceId", "subject", "status", "scimType", "durationMs", "requestBytes", "responseBytes", "requestBody", "responseBody",
    ]

    static var header: String { columns.joined(separator: ",") + "\r\n" }

    static func row(_ r: AuditRecord) -> String {
        let text = [
            r.kind.rawValue, r.configurationID, r.configurationName, r.directoryID, r.source, r.method, r.path, r.query, r.scimVersion,
            r.resourceType, r.resourceID, r.subject,
        ].map { field(neutralised($0 ?? "")) }
        let numbers = [String(r.status), field(neutralised(r.scimType ?? "")), AuditView.milliseconds(r.durationMicros), String(r.requestBytes), String(r.responseBytes)]
        return ([String(r.id), AuditView.time(r.at)] + text + numbers + [field(neutralised(r.requestBody ?? "")), field(neutralised(r.responseBody ?? ""))])
            .joined(separator: ",") + "\r\n"
    }

    /// RFC 4180 §2.6–2.7.
    static func field(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func neutralised(_ value: String) -> String {
        guard let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return value }
        return "'" + value
    }
}

/// Audit records as the admin API shows them.
enum AuditView {
    static func time(_ ms: Int64) -> String { Timestamp.string(from: Date(timeIntervalSince1970: Double(ms) / 1000)) }

    static func milliseconds(_ micros: Int64) -> String { String(format: "%.3f", Double(micros) / 1000) }

    static func json(_ r: AuditRecord) -> JSONValue {
        var o = r.wire
        o.removeValue(forKey: "at")
        o.removeValue(forKey: "durationMicros")
        o["time"] = .string(time(r.at))
        o["durationMs"] = .double(Double(r.durationMicros) / 1000)
        return .object(o)
    }
}
