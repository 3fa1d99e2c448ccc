import ArgumentParser
import Foundation
import Logging
import RosterCrypto
import RosterPersistence
import RosterSync

/// `roster token reset`: a new admin or bootstrap token for a stopped system, printed once.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Recover a lost admin or bootstrap token (with Roster stopped).", subcommands: [Reset.self])

    struct Reset: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a new token, print it once, and keep only its SHA-256; the old token stops working.",
            discussion: "Run it with Roster stopped, on the data directory `roster up` uses. The next `roster up` uses the new token.")

        @Flag(help: "The admin token (admin API, roster CLI).") var admin = false
        @Flag(help: "The bootstrap token (the \"default\" configuration's bearer token).") var bootstrap = false
        @Option(help: "The data directory of the stopped system.") var dataDir: String = "data"

        func validate() throws {
            guard admin != bootstrap else { throw ValidationError("Say which token: --admin or --bootstrap.") }
        }

        func run() async throws {
            let data = URL(fileURLWithPath: dataDir, isDirectory: true).standardizedFileURL
            guard FileManager.default.fileExists(atPath: data.path) else { throw CLIError("No data directory at \(data.path).") }
            let lock = try InstanceLock.acquire(in: data)  // refuses while Roster runs on it
            defer { close(lock.fd) }
            let file = data.appendingPathComponent(admin ? "admin-token.sha256" : "bootstrap-token.sha256")
            let old = (try? String(contentsOf: file, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            let token = Secrets.generateToken()
            let hash = Secrets.sha256Hex(token)
            try Data((hash + "\n").utf8).write(to: file, options: .atomic)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
            var note = ""
            let store = data.appendingPathComponent("sync.sqlite")
            if bootstrap, let old, FileManager.default.fileExists(atPath: store.path) {
                let pool = try StoreDatabase.open(path: store.path, migrator: SyncStore.migrator, logger: Logger(label: "roster.token"))
                note = try SyncStore.replaceBootstrapToken(pool, old: old, new: hash)
                    ? "The \"default\" configuration takes it too."
                    : "The \"default\" configuration was rotated since, so it keeps its own token."
            }
            let variable = admin ? "ROSTER_ADMIN_TOKEN" : "ROSTER_TOKEN"
            print("New \(admin ? "admin" : "bootstrap") token (shown once; only its SHA-256 is kept in \(file.path)):")
            print("  export \(variable)=\(token)")
            if !note.isEmpty { print(note) }
            print("Start Roster again (scripts/up) for it to take effect.")
        }
    }
}
