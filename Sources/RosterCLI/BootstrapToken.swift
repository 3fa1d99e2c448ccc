import ArgumentParser
import Foundation
import RosterCrypto

/// A token `roster up` needs at first start (the default configuration's bearer token, the admin
/// token): taken from an environment variable or generated and shown once; only its SHA-256 is
/// kept, in a file of the data directory.
struct BootstrapToken {
    enum Origin {
        /// Generated now; the token is shown once.
        case generated(String)
        /// Taken from the environment at first start.
        case environment
        /// Created by an earlier start.
        case existing
    }

    var sha256: String
    var origin: Origin
    var file: URL

    static func load(
        in dataDirectory: URL, environment: [String: String], variable: String = "ROSTER_BOOTSTRAP_TOKEN", fileName: String = "bootstrap-token.sha256"
    ) throws -> BootstrapToken {
        let file = dataDirectory.appendingPathComponent(fileName)
        if let existing = try? String(contentsOf: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines), existing.count == 64 {
            if let token = environment[variable], !token.isEmpty {
                guard Secrets.tokenMatches(token, sha256Hex: existing) else {
                    let flag = variable == "ROSTER_ADMIN_TOKEN" ? "--admin" : "--bootstrap"
                    throw CLIError(
                        "\(variable) is not the token this data directory was set up with (its SHA-256 is in \(file.path)). "
                            + "Unset \(variable) to keep the stored token, or replace it with Roster stopped: "
                            + "roster token reset \(flag) --data-dir \(dataDirectory.path)")
                }
                return BootstrapToken(sha256: existing, origin: .environment, file: file)
            }
            return BootstrapToken(sha256: existing, origin: .existing, file: file)
        }
        let origin: Origin
        let hash: String
        if let token = environment[variable], !token.isEmpty {
            guard token.count >= 20 else {
                throw ValidationError("\(variable) must be at least 20 characters long.")
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
