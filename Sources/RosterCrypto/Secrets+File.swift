import COpenSSL
import Foundation

extension Secrets {
    /// The SHA-256 of a file's bytes as lowercase hex, read in 1 MiB pieces (a store may be
    /// larger than memory should hold).
    public static func sha256Hex(file path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw CocoaError(.fileReadNoSuchFile) }
        defer { try? handle.close() }
        guard let context = EVP_MD_CTX_new() else { throw CocoaError(.fileReadUnknown) }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else { throw CocoaError(.fileReadUnknown) }
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            let ok = chunk.withUnsafeBytes { EVP_DigestUpdate(context, $0.baseAddress, $0.count) }
            guard ok == 1 else { throw CocoaError(.fileReadUnknown) }
        }
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        guard EVP_DigestFinal_ex(context, &digest, &length) == 1, length == 32 else { throw CocoaError(.fileReadUnknown) }
        return hex(digest)
    }
}
