internal import COpenSSL
import Foundation

extension Secrets {
    /// HMAC-SHA256 of `message` under `key`.
    public static func hmacSHA256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let result = key.withUnsafeBytes { k in
            message.withUnsafeBytes { m in
                out.withUnsafeMutableBytes { o in
                    HMAC(EVP_sha256(), k.baseAddress, Int32(k.count), m.baseAddress?.assumingMemoryBound(to: UInt8.self), m.count,
                         o.baseAddress?.assumingMemoryBound(to: UInt8.self), &length)
                }
            }
        }
        precondition(result != nil && length == 32, "HMAC-SHA256 failed")
        return out
    }

    /// HMAC-SHA256 as lowercase hex.
    public static func hmacSHA256Hex(key: [UInt8], message: [UInt8]) -> String {
        hex(hmacSHA256(key: key, message: message))
    }

    public struct SealError: Error, CustomStringConvertible {
        public let description: String
    }

    /// AES-256-GCM: a random 12-byte nonce, the ciphertext and the 16-byte tag, as base64. For
    /// secrets Roster must use later (a webhook's signing key), kept encrypted at rest.
    public static func seal(_ plaintext: [UInt8], key: [UInt8]) throws(SealError) -> String {
        guard key.count == 32 else { throw SealError(description: "the key must be 32 bytes") }
        let nonce = randomBytes(12)
        var ciphertext = [UInt8](repeating: 0, count: plaintext.count)
        var tag = [UInt8](repeating: 0, count: 16)
        guard let context = EVP_CIPHER_CTX_new() else { throw SealError(description: "no cipher context") }
        defer { EVP_CIPHER_CTX_free(context) }
        var length: Int32 = 0
        guard EVP_EncryptInit_ex(context, EVP_aes_256_gcm(), nil, key, nonce) == 1,
              plaintext.isEmpty || EVP_EncryptUpdate(context, &ciphertext, &length, plaintext, Int32(plaintext.count)) == 1,
              EVP_EncryptFinal_ex(context, &tag, &length) == 1,  // GCM writes nothing here; the buffer only needs to exist
              EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, 16, &tag) == 1
        else { throw SealError(description: "AES-256-GCM encryption failed") }
        return Data(nonce + ciphertext + tag).base64EncodedString()
    }

    /// The plaintext of ``seal(_:key:)``; fails when the key is not the one it was sealed with,
    /// or the text was altered.
    public static func open(_ sealed: String, key: [UInt8]) throws(SealError) -> [UInt8] {
        guard key.count == 32, let data = Data(base64Encoded: sealed), data.count >= 28 else { throw SealError(description: "not a sealed secret") }
        let bytes = [UInt8](data)
        let nonce = Array(bytes[0..<12]), ciphertext = Array(bytes[12..<(bytes.count - 16)])
        var tag = Array(bytes[(bytes.count - 16)...])
        var plaintext = [UInt8](repeating: 0, count: ciphertext.count)
        guard let context = EVP_CIPHER_CTX_new() else { throw SealError(description: "no cipher context") }
        defer { EVP_CIPHER_CTX_free(context) }
        var length: Int32 = 0
        var final = [UInt8](repeating: 0, count: 16)
        guard EVP_DecryptInit_ex(context, EVP_aes_256_gcm(), nil, key, nonce) == 1,
              ciphertext.isEmpty || EVP_DecryptUpdate(context, &plaintext, &length, ciphertext, Int32(ciphertext.count)) == 1,
              EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, 16, &tag) == 1,
              EVP_DecryptFinal_ex(context, &final, &length) == 1
        else { throw SealError(description: "the secret does not open with this key (another key file, or altered)") }
        return plaintext
    }

    /// A 32-byte key kept in `path` (mode 0600), made on first use.
    public static func keyFile(_ path: String) throws -> [UInt8] {
        if let data = FileManager.default.contents(atPath: path) {
            guard data.count == 32 else { throw SealError(description: "\(path) is not a 32-byte key") }
            return [UInt8](data)
        }
        let key = randomBytes(32)
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: path, contents: Data(key), attributes: [.posixPermissions: 0o600]) else {
            throw SealError(description: "cannot write the key file \(path)")
        }
        return key
    }
}
