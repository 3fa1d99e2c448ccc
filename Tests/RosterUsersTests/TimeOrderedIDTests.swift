import Foundation
import RosterPersistence
import Testing

/// Resource and event ids are UUID version 7 (RFC 9562 §5.7): they sort by creation time, so
/// the unique indexes they key append instead of writing a random page per insert.
@Suite struct TimeOrderedIDTests {
    @Test func isAVersion7UUIDWithTheRFCVariant() throws {
        let id = TimeOrderedID.make()
        let uuid = try #require(UUID(uuidString: id))
        #expect(uuid.uuidString.lowercased() == id)
        let bytes = withUnsafeBytes(of: uuid.uuid) { Array($0) }
        #expect(bytes[6] >> 4 == 7)
        #expect(bytes[8] >> 6 == 0b10)
    }

    @Test func carriesItsMillisecondAndSortsByIt() throws {
        let early = Date(timeIntervalSince1970: 1_764_670_000.123), later = early.addingTimeInterval(0.002)
        let a = TimeOrderedID.make(at: early), b = TimeOrderedID.make(at: later)
        #expect(a < b)
        let hex = a.replacingOccurrences(of: "-", with: "").prefix(12)
        #expect(UInt64(hex, radix: 16) == 1_764_670_000_123)
    }

    @Test func idsOfOneMillisecondDiffer() {
        let now = Date()
        let ids = Set((0..<10_000).map { _ in TimeOrderedID.make(at: now) })
        #expect(ids.count == 10_000)
    }
}
