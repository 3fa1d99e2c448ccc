import Foundation
import SCIMCore

/// Users (and their groups, by name) from CSV (RFC 4180): a header naming the columns, UTF-8,
/// fields quoted with `"` when they hold a comma, a quote (doubled) or a line break; LF or CRLF.
/// A row that cannot be read fails alone, named by its first line.
///
/// Columns (any order, names case-insensitive; only `userName` is required): `userName`,
/// `externalId`, `displayName`, `givenName`, `familyName`, `email`, `active` (true/false), `groups`
/// (group names separated by `;`, created when missing).
public struct CSVAccountSource: AccountSource {
    public static let columns = ["userName", "externalId", "displayName", "givenName", "familyName", "email", "active", "groups"]
    static let maxRecord = 1 << 20

    private var reader: ByteReader
    private let header: [String]

    /// Opens `path` at `offset` (0: the start, where the header is read and passed).
    public init(path: String, offset: Int, line: Int) throws {
        var start = try ByteReader(path: path, offset: 0, line: 1)
        guard case .fields(_, let names)? = try Self.record(&start) else {
            throw SCIMError.invalidValue("The CSV file is empty: it needs a header row naming its columns (\(Self.columns.joined(separator: ","))).")
        }
        var header: [String] = []
        for (index, bytes) in names.enumerated() {
            var name = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespaces)
            if index == 0, name.hasPrefix("\u{FEFF}") { name.removeFirst() }
            guard let known = Self.columns.first(where: { $0.lowercased() == name.lowercased() }) else {
                throw SCIMError.invalidValue("The CSV header names a column '\(name)' that an import does not know; the columns are \(Self.columns.joined(separator: ", ")).")
            }
            guard !header.contains(known) else { throw SCIMError.invalidValue("The CSV header names '\(known)' twice.") }
            header.append(known)
        }
        guard header.contains("userName") else { throw SCIMError.invalidValue("The CSV header has no userName column.") }
        self.header = header
        reader = offset == 0 ? start : try ByteReader(path: path, offset: offset, line: line)
    }

    public var position: (offset: Int, line: Int) { (reader.offset, reader.line) }
    public var fraction: Double { reader.size == 0 ? 1 : Double(reader.offset) / Double(reader.size) }

    public mutating func next(limit: Int) throws -> [SourceRecord] {
        var out: [SourceRecord] = []
        while out.count < limit, let record = try Self.record(&reader) {
            switch record {
            case .failed(let line, let reason): out.append(.invalid(line: line, reason: reason))
            case .fields(_, let fields) where fields.count == 1 && fields[0].isEmpty: continue  // a blank line
            case .fields(let line, let fields): out.append(user(line: line, fields))
            }
        }
        return out
    }

    private func user(line: Int, _ fields: [[UInt8]]) -> SourceRecord {
        guard fields.count == header.count else {
            return .invalid(line: line, reason: "The row has \(fields.count) fields; the header has \(header.count).")
        }
        var values: [String: String] = [:]
        for (name, bytes) in zip(header, fields) {
            guard let value = String(validating: bytes, as: UTF8.self) else { return .invalid(line: line, reason: "The '\(name)' field is not UTF-8.") }
            let trimmed = value.trimmingCharacters(in: .whitespaces)
            if !trimmed.isEmpty { values[name] = trimmed }
        }
        var attributes: [String: JSONValue] = ["schemas": .array([.string(CoreSchemas.userURN)])]
        if let userName = values["userName"] { attributes["userName"] = .string(userName) }
        for key in ["externalId", "displayName"] { if let v = values[key] { attributes[key] = .string(v) } }
        var name: [String: JSONValue] = [:]
        for key in ["givenName", "familyName"] { if let v = values[key] { name[key] = .string(v) } }
        if !name.isEmpty { attributes["name"] = .object(name) }
        if let email = values["email"] { attributes["emails"] = .array([.object(["value": .string(email), "primary": .bool(true)])]) }
        if let active = values["active"] {
            switch active.lowercased() {
            case "true", "1", "yes": attributes["active"] = .bool(true)
            case "false", "0", "no": attributes["active"] = .bool(false)
            default: return .invalid(line: line, reason: "'active' is true or false, not '\(active)'.")
            }
        }
        let groups = (values["groups"] ?? "").split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return .user(line: line, attributes: attributes, groups: groups)
    }

    enum Record { case fields(line: Int, [[UInt8]]), failed(line: Int, String) }

    /// The next record's fields, nil at the end of the file.
    static func record(_ reader: inout ByteReader) throws -> Record? {
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
        let line = reader.line
        var fields: [[UInt8]] = [], field: [UInt8] = [], quoted = false, started = false, size = 0
        while let byte = try reader.next() {
            started = true
            size += 1
            if size > maxRecord {
                if byte != lf { try reader.skipLine() }
                return .failed(line: line, "The row is longer than \(maxRecord) bytes (an unclosed quote?); it was skipped to the next line.")
            }
            if quoted {
                if byte == quote {
                    if try reader.peek() == quote { _ = try reader.next(); field.append(quote) } else { quoted = false }
                } else {
                    field.append(byte)
                }
                continue
            }
            switch byte {
            case quote where field.isEmpty: quoted = true
            case comma: fields.append(field); field = []
            case cr where try reader.peek() == lf: continue
            case lf: fields.append(field); return .fields(line: line, fields)
            default: field.append(byte)
            }
        }
        guard started else { return nil }
        if quoted { return .failed(line: line, "The row ends inside a quoted field.") }
        fields.append(field)
        return .fields(line: line, fields)
    }
}
