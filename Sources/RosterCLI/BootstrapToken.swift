import ArgumentParser
import Foundation
import RosterCrypto

/// The default configuration's bearer token, until configurations exist: only its SHA-256 is kept,
/// in `<data>/bootstrap-token.sha256`.
struct BootstrapToken {
    enum Origin {
        /// Generated now; the token is shown once.
        case generated(String)
        /// Taken from `ROSTER_BOOTSTRAP_TOKEN` at first start.
        case environment
        /// Created by an earlier start.
        case existing
    }

    var sha256: String
    var origin: Origin
    var file: URL

    static func load(in dataDirectory: URL, environment: [String: String]) throws -> BootstrapToken {
        let file = dataDirectory.appendingPathComponent("bootstrap-token.sha256")
        if let existing = try? String(contentsOf: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines), existing.count == 64 {
            if let token = environment["ROSTER_BOOTSTRAP_TOKEN"], !Secrets.tokenMatches(token, sha256Hex: existing) {
                FileHandle.standardError.write(Data("warning: ROSTER_BOOTSTRAP_TOKEN is ignored: \(file.path) already holds the bootstrap token's hash (delete it to set a new one).\n".utf8))
            }
            return BootstrapToken(sha256: existing, origin: .existing, file: file)
        }
        let origin: Origin
        let hash: String
        if let token = environment["ROSTER_BOOTSTRAP_TOKEN"], !token.isEmpty {
            guard token.count >= 20 else {
                throw ValidationError("ROSTER_BOOTSTRAP_TOKEN must be at least 20 characters long.")
            }
            hash = Secrets.sha256Hex(token)
            origin = .environment
        } else {
            let token = Secrets.generateToken()
            hash = Secrets.sha256Hex(token)
            origin = .generated(token)
        }
        try Data((hash + "\n").utf8).write(to: file, options: .atomic)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
        return BootstrapToken(sha256: hash, origin: origin, file: file)
    }
}
