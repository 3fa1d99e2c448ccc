import Foundation
public import SCIMCore

/// One record of existing accounts, as an import job applies it.
public enum SourceRecord: Sendable, Equatable {
    /// A user's SCIM attributes (not yet validated) and the names of the groups it belongs to.
    case user(line: Int, attributes: [String: JSONValue], groups: [String])
    /// A group's SCIM attributes (without members) and its members, each an id or a userName.
    case group(line: Int, attributes: [String: JSONValue], members: [String])
    /// A record that cannot be read: it fails alone, with its line.
    case invalid(line: Int, reason: String)

    public var line: Int {
        switch self {
        case .user(let line, _, _), .group(let line, _, _), .invalid(let line, _): line
        }
    }
}

/// Where an import job takes existing accounts from: a file today (``CSVAccountSource``,
/// ``NDJSONAccountSource``), another system later (the Bitbucket connector). A source reads from
/// a position the job checkpoints, so that a restarted job goes on from its last batch and reads
/// exactly the records it would have read.
public protocol AccountSource {
    /// The position of the next record: a byte offset and its line, for a file.
    var position: (offset: Int, line: Int) { get }
    /// Up to `limit` records from ``position``, moving it past them; empty at the end.
    mutating func next(limit: Int) throws -> [SourceRecord]
    /// How far through the source ``position`` is, 0 to 1, for the job's estimate of what is left.
    var fraction: Double { get }
}

/// A file read forwards in blocks from a byte offset, counting lines: what both file sources
/// read records from. A record longer than `maxRecord` bytes is cut off and reported (a file
/// with an unclosed quote cannot make the job hold the rest of it in memory).
struct ByteReader {
    let handle: FileHandle
    let size: Int
    private(set) var offset: Int
    private(set) var line: Int
    private var buffer: [UInt8] = []
    private var index = 0

    init(path: String, offset: Int, line: Int) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw SCIMError.notFound("The import file is gone.") }
        self.handle = handle
        self.size = Int((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0)
        self.offset = offset
        self.line = line
        try handle.seek(toOffset: UInt64(offset))
    }

    /// The next byte, or nil at the end of the file.
    mutating func next() throws -> UInt8? {
        if index == buffer.count {
            guard let data = try handle.read(upToCount: 1 << 20), !data.isEmpty else { return nil }
            buffer = Array(data)
            index = 0
        }
        let byte = buffer[index]
        index += 1
        offset += 1
        if byte == UInt8(ascii: "\n") { line += 1 }
        return byte
    }

    /// The next byte without taking it.
    mutating func peek() throws -> UInt8? {
        if index == buffer.count {
            guard let data = try handle.read(upToCount: 1 << 20), !data.isEmpty else { return nil }
            buffer = Array(data)
            index = 0
        }
        return buffer[index]
    }

    /// Skips to just after the next line feed (after a record that was too long).
    mutating func skipLine() throws {
        while let byte = try next(), byte != UInt8(ascii: "\n") {}
    }
}
