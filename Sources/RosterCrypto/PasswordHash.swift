internal import COpenSSL
import Foundation

/// PBKDF2-HMAC-SHA256 password hashes in the form `pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>`.
public struct PasswordHasher: Sendable {
    /// Work factor. OWASP (2023) recommends 600,000 for PBKDF2-HMAC-SHA256.
    public var iterations: Int

    public init(iterations: Int = 600_000) {
        precondition(iterations >= 1)
        self.iterations = iterations
    }

    public func hash(_ password: String) -> String {
        let salt = Secrets.randomBytes(16)
        let derived = Self.derive(password, salt: salt, iterations: iterations)
        return "pbkdf2-sha256$\(iterations)$\(Data(salt).base64EncodedString())$\(Data(derived).base64EncodedString())"
    }

    /// Whether `password` matches `encoded`; false for anything malformed.
    public static func verify(_ password: String, against encoded: String) -> Bool {
        let parts = encoded.split(separator: "$")
        guard parts.count == 4, parts[0] == "pbkdf2-sha256", let iterations = Int(parts[1]), iterations > 0, iterations <= 10_000_000,
            let salt = Data(base64Encoded: String(parts[2])), let expected = Data(base64Encoded: String(parts[3]))
        else { return false }
        return Secrets.constantTimeEqual(derive(password, salt: Array(salt), iterations: iterations), Array(expected))
    }

    static func derive(_ password: String, salt: [UInt8], iterations: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        let pw = Array(password.utf8)
        let rc = pw.withUnsafeBytes { p in
            salt.withUnsafeBytes { s in
                out.withUnsafeMutableBytes { o in
                    PKCS5_PBKDF2_HMAC(
                        p.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(p.count),
                        s.baseAddress?.assumingMemoryBound(to: UInt8.self), Int32(s.count),
                        Int32(iterations), EVP_sha256(), Int32(o.count), o.baseAddress?.assumingMemoryBound(to: UInt8.self))
                }
            }
        }
        precondition(rc == 1, "PKCS5_PBKDF2_HMAC failed")
        return out
    }
}
