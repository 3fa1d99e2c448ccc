import Foundation
import RosterCrypto
import Testing

struct SealTests {
    /// RFC 4231 §4.3, test case 2.
    @Test func hmacSHA256MatchesRFC4231TestCase2() {
        let mac = Secrets.hmacSHA256Hex(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
        #expect(mac == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test func aSealedSecretOpensWithItsKeyOnly() throws {
        let key = Secrets.randomBytes(32), other = Secrets.randomBytes(32)
        let sealed = try Secrets.seal(Array("whsec_abc".utf8), key: key)
        #expect(!sealed.contains("whsec"))
        #expect(try Secrets.open(sealed, key: key) == Array("whsec_abc".utf8))
        #expect(throws: Secrets.SealError.self) { try Secrets.open(sealed, key: other) }
        // Altered: one bit of the ciphertext flipped.
        var bytes = [UInt8](Data(base64Encoded: sealed)!)
        bytes[14] ^= 1
        #expect(throws: Secrets.SealError.self) { try Secrets.open(Data(bytes).base64EncodedString(), key: key) }
        // Two seals of the same secret differ (a fresh nonce each).
        #expect(try Secrets.seal(Array("whsec_abc".utf8), key: key) != sealed)
    }

    @Test func aKeyFileIsMadeOnceWithOwnerOnlyPermissions() throws {
        let path = NSTemporaryDirectory() + "roster-key-\(UUID().uuidString)/webhooks.key"
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let first = try Secrets.keyFile(path)
        #expect(try Secrets.keyFile(path) == first)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }
}
