import Foundation
import SCIMCore

/// SCIM resources, one JSON object per line (NDJSON): a User, or a Group when its `schemas` name
/// the Group schema. A Group's `members[].value` is the id or the userName of a user of the
/// directory (one in the file must come on an earlier line). Blank lines are skipped; a line that
/// is not a JSON object fails alone.
public struct NDJSONAccountSource: AccountSource {
    static let maxRecord = 1 << 20
    private var reader: ByteReader

    public init(path: String, offset: Int, line: Int) throws {
        reader = try ByteReader(path: path, offset: offset, line: line)
    }

    public var position: (offset: Int, line: Int) { (reader.offset, reader.line) }
    public var fraction: Double { reader.size == 0 ? 1 : Double(reader.offset) / Double(reader.size) }

    public mutating func next(limit: Int) throws -> [SourceRecord] {
        var out: [SourceRecord] = []
        while out.count < limit {
            let line = reader.line
            var bytes: [UInt8] = []
            var ended = false, tooLong = false
            while let byte = try reader.next() {
                if byte == UInt8(ascii: "\n") { ended = true; break }
                if bytes.count >= Self.maxRecord { tooLong = true; try reader.skipLine(); ended = true; break }
                bytes.append(byte)
            }
            if bytes.isEmpty && !ended { break }  // the end of the file
            if tooLong {
                out.append(.invalid(line: line, reason: "The line is longer than \(Self.maxRecord) bytes."))
                continue
            }
            if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
            if bytes.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) { continue }
            out.append(Self.record(line: line, bytes))
        }
        return out
    }

    static func record(line: Int, _ bytes: [UInt8]) -> SourceRecord {
        let object: [String: JSONValue]
        do {
            guard case .object(let o) = try JSONValue.parse(bytes) else { return .invalid(line: line, reason: "The line is not a JSON object.") }
            object = o
        } catch {
            return .invalid(line: line, reason: "The line is not JSON: \(error.detail)")
        }
        let schemas = (object[caseInsensitive: "schemas"]?.arrayValue ?? []).compactMap(\.stringValue).map { $0.lowercased() }
        guard schemas.contains(CoreSchemas.groupURN.lowercased()) else { return .user(line: line, attributes: object, groups: []) }
        var attributes = object
        var members: [String] = []
        for key in object.keys where key.lowercased() == "members" {
            for member in attributes.removeValue(forKey: key)?.arrayValue ?? [] {
                guard let value = member.objectValue?[caseInsensitive: "value"]?.stringValue, !value.isEmpty else {
                    return .invalid(line: line, reason: "A member has no 'value' (a user's id or userName).")
                }
                members.append(value)
            }
        }
        return .group(line: line, attributes: attributes, members: members)
    }
}
