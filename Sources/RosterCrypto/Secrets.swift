internal import COpenSSL
import Foundation

/// Secrets handling: random tokens, SHA-256 digests of tokens, slow salted password hashes.
///
/// Tokens are 256-bit random and stored only as a SHA-256 digest (a fast hash is right for
/// high-entropy secrets). Passwords are low-entropy, so they get PBKDF2-HMAC-SHA256 with a random
/// salt, through OpenSSL.
public enum Secrets {
    /// `count` bytes from OpenSSL's CSPRNG.
    public static func randomBytes(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let rc = bytes.withUnsafeMutableBytes { RAND_bytes($0.baseAddress?.assumingMemoryBound(to: UInt8.self), Int32(count)) }
        precondition(rc == 1, "RAND_bytes failed: no entropy available")
        return bytes
    }

    /// A new 256-bit token, base64url without padding (43 characters).
    public static func generateToken() -> String {
        base64URL(randomBytes(32))
    }

    /// The SHA-256 digest of `text` as lowercase hex.
    public static func sha256Hex(_ text: String) -> String {
        hex(sha256(Array(text.utf8)))
    }

    public static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let rc = bytes.withUnsafeBytes { input in
            digest.withUnsafeMutableBytes { out in
                EVP_Digest(input.baseAddress, input.count, out.baseAddress?.assumingMemoryBound(to: UInt8.self), &length, EVP_sha256(), nil)
            }
        }
        precondition(rc == 1 && length == 32, "EVP_Digest(SHA-256) failed")
        return digest
    }

    /// Compares two byte strings in time independent of where they differ.
    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        return a.withUnsafeBytes { pa in b.withUnsafeBytes { pb in CRYPTO_memcmp(pa.baseAddress, pb.baseAddress, a.count) == 0 } }
    }

    /// Whether `token` hashes to `expectedHex`, compared in constant time.
    public static func tokenMatches(_ token: String, sha256Hex expectedHex: String) -> Bool {
        constantTimeEqual(Array(sha256Hex(token).utf8), Array(expectedHex.lowercased().utf8))
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
