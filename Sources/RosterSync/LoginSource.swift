import Foundation
import RosterProtocol
import SCIMCore

/// Sign-ins from CSV (`userName,at`, RFC 3339 times), for "sync last-login info": the same RFC
/// 4180 reader as the account import, from a checkpointed position, a bad row failing alone.
struct LoginSource {
    enum Record { case login(line: Int, RecordLogins.Login), invalid(line: Int, reason: String) }

    private var reader: ByteReader
    private let userNameColumn: Int, atColumn: Int

    init(path: String, offset: Int, line: Int) throws {
        var start = try ByteReader(path: path, offset: 0, line: 1)
        guard case .fields(_, let names)? = try CSVAccountSource.record(&start) else { throw SCIMError.invalidValue("The file is empty: it needs the header 'userName,at'.") }
        let header = names.map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "\u{FEFF}", with: "").lowercased() }
        guard header.count == 2, let u = header.firstIndex(of: "username"), let a = header.firstIndex(of: "at") else {
            throw SCIMError.invalidValue("The header must be 'userName,at', not '\(header.joined(separator: ","))'.")
        }
        (userNameColumn, atColumn) = (u, a)
        reader = offset == 0 ? start : try ByteReader(path: path, offset: offset, line: line)
    }

    var position: (offset: Int, line: Int) { (reader.offset, reader.line) }
    var fraction: Double { reader.size == 0 ? 1 : Double(reader.offset) / Double(reader.size) }

    mutating func next(limit: Int) throws -> [Record] {
        var out: [Record] = []
        while out.count < limit, let record = try CSVAccountSource.record(&reader) {
            switch record {
            case .failed(let line, let reason): out.append(.invalid(line: line, reason: reason))
            case .fields(_, let fields) where fields.count == 1 && fields[0].isEmpty: continue
            case .fields(let line, let fields):
                guard fields.count == 2 else { out.append(.invalid(line: line, reason: "The row has \(fields.count) fields, not 2.")); continue }
                let userName = String(decoding: fields[userNameColumn], as: UTF8.self).trimmingCharacters(in: .whitespaces)
                let text = String(decoding: fields[atColumn], as: UTF8.self).trimmingCharacters(in: .whitespaces)
                guard !userName.isEmpty else { out.append(.invalid(line: line, reason: "'userName' is empty.")); continue }
                guard let at = Timestamp.parse(text) else { out.append(.invalid(line: line, reason: "'\(text)' is not an RFC 3339 time.")); continue }
                guard at.timeIntervalSinceNow < 300 else { out.append(.invalid(line: line, reason: "'\(text)' is in the future.")); continue }
                out.append(.login(line: line, RecordLogins.Login(userName: userName, at: Timestamp.string(from: at))))
            }
        }
        return out
    }
}
