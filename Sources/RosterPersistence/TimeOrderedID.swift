public import Foundation

/// Ids that sort by creation time: UUID version 7 (RFC 9562 §5.7), 48 bits of Unix milliseconds,
/// then 74 random bits, in the usual lower-case form.
///
/// Resource ids and event ids are keys of unique indexes; random (version 4) ones put each insert
/// on a random leaf page of a large index, so every write dirtied a page of each and the WAL
/// carried it (measured on an import of 1,000,000 users: the users worker's writer thread spent
/// about 40 % of its time in the kernel writing WAL pages). Time-ordered ones append. They are as
/// unguessable for a client as before where it matters: 74 random bits per id.
public enum TimeOrderedID {
    public static func make(at date: Date = Date()) -> String {
        var generator = SystemRandomNumberGenerator()
        let milliseconds = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        let random = (generator.next() as UInt64, generator.next() as UInt64)
        // time (48) | version 7 (4) | rand_a (12) ; variant 10 (2) | rand_b (62)
        let high = (milliseconds << 16) | 0x7000 | (random.0 & 0x0FFF)
        let low = (random.1 & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        let hex = String(high, radix: 16).leftPadded(to: 16) + String(low, radix: 16).leftPadded(to: 16)
        let h = Array(hex)
        return "\(String(h[0..<8]))-\(String(h[8..<12]))-\(String(h[12..<16]))-\(String(h[16..<20]))-\(String(h[20..<32]))"
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
