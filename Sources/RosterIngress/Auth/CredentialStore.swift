import Foundation
import Logging
import RosterCrypto
public import RosterProtocol
public import SCIMCore
import ServiceLifecycle
import Synchronization

/// Who is calling: the configuration their credential belongs to, and so their directory.
public struct Caller: Sendable, Equatable {
    public var configurationID: String
    public var configurationName: String
    public var directoryID: String
    public var deleteMode: IdPConfiguration.DeleteMode
    public var defaultGroups: [String]
    public var applicationGroups: [String]
    /// The extension schemas declared for the directory.
    public var schemas: DeclaredSchemas
    /// What this configuration's requests do with extension URNs nobody declared.
    public var undeclared: UndeclaredExtensionPolicy
    /// The directory shows the last sign-in on user reads (its `lastLogin` setting).
    public var showsLastLogin = false

    public init(configurationID: String, configurationName: String? = nil, directoryID: String, deleteMode: IdPConfiguration.DeleteMode = .delete, defaultGroups: [String] = [], applicationGroups: [String] = [],
                schemas: DeclaredSchemas = .none, undeclared: UndeclaredExtensionPolicy = .store) {
        self.configurationID = configurationID
        self.configurationName = configurationName ?? configurationID
        self.directoryID = directoryID
        self.deleteMode = deleteMode
        self.defaultGroups = defaultGroups
        self.applicationGroups = applicationGroups
        self.schemas = schemas
        self.undeclared = undeclared
    }

    init(_ c: IdPConfiguration, schemas: DeclaredSchemas) {
        self.init(configurationID: c.id, configurationName: c.name, directoryID: c.directoryID, deleteMode: c.deleteMode, defaultGroups: c.defaultGroups, applicationGroups: c.applicationGroups,
                  schemas: schemas, undeclared: c.undeclaredExtensions)
    }
}

/// The credentials the ingress accepts: a static bootstrap token, plus every enabled configuration
/// of the sync worker, refreshed every second (so a rotated or disabled credential stops working
/// within that on every ingress). Only digests and hashes are held.
public final class CredentialStore: Sendable {
    private struct State {
        var byToken: [String: Caller] = [:]
        var byUsername: [String: (hash: String, version: Int, caller: Caller)] = [:]
        /// Basic logins already verified: SHA-256(user \0 password \0 version) → caller. PBKDF2 is paid once.
        var verifiedBasic: [String: Caller] = [:]
        var loaded = false
    }

    /// Whether the configurations were loaded once: before that, only the static tokens work, so
    /// the ingress does not call itself ready (an IdP's first request would get 401).
    public var hasLoaded: Bool { state.withLock { $0.loaded } }

    private let state = Mutex(State())
    private let staticTokens: [String: Caller]

    public init(staticTokens: [String: Caller] = [:]) {
        self.staticTokens = Dictionary(uniqueKeysWithValues: staticTokens.map { ($0.key.lowercased(), $0.value) })
        state.withLock { $0.byToken = self.staticTokens }
    }

    /// Replaces the dynamic credentials with `configurations`, and the declared schemas of every
    /// directory (the static tokens' directories too) with `schemas`.
    public func update(_ configurations: [IdPConfiguration], schemas: [String: DeclaredSchemas] = [:], lastLoginVisible: Set<String> = []) {
        var tokens = staticTokens.mapValues { caller in
            var c = caller
            c.schemas = schemas[caller.directoryID] ?? .none
            c.showsLastLogin = lastLoginVisible.contains(caller.directoryID)
            return c
        }
        var users: [String: (hash: String, version: Int, caller: Caller)] = [:]
        for c in configurations where c.enabled {
            var caller = Caller(c, schemas: schemas[c.directoryID] ?? .none)
            caller.showsLastLogin = lastLoginVisible.contains(c.directoryID)
            switch c.authMethod {
            case .bearer: if let digest = c.tokenSHA256 { tokens[digest.lowercased()] = caller }
            case .basic:
                if let user = c.basicUsername, let hash = c.basicPasswordHash { users[user] = (hash, c.version, caller) }
            }
        }
        state.withLock { s in
            // Drop every verified login whose configuration changed or went away.
            if s.byUsername.mapValues(\.version) != users.mapValues(\.version) || s.byToken != tokens
                || s.byUsername.mapValues(\.caller) != users.mapValues(\.caller) { s.verifiedBasic.removeAll() }
            s.byToken = tokens
            s.byUsername = users
            s.loaded = true
        }
    }

    /// Whether a configuration of `directory` signs in with HTTP Basic (discovery says so).
    func usesBasic(directory: String) -> Bool {
        state.withLock { $0.byUsername.values.contains { $0.caller.directoryID == directory } }
    }

    func caller(bearer token: String) -> Caller? {
        let digest = Secrets.sha256Hex(token)
        return state.withLock { $0.byToken[digest] }
    }

    func caller(basicUser user: String, password: String) async -> Caller? {
        guard let entry = state.withLock({ $0.byUsername[user] }) else { return nil }
        let key = Secrets.sha256Hex("\(user)\u{0}\(password)\u{0}\(entry.version)")
        if let known = state.withLock({ $0.verifiedBasic[key] }) { return known }
        guard (try? await PasswordWork.verify(password, against: entry.hash)) == true else { return nil }
        state.withLock { $0.verifiedBasic[key] = entry.caller }
        return entry.caller
    }
}

/// Keeps a ``CredentialStore`` in step with the sync worker: a refresh every `interval`.
/// Also applies the sync worker's settings (the audit switch) to this ingress.
struct CredentialRefresher: Service {
    let store: CredentialStore
    let sync: any CommandTransport
    let interval: Duration
    let logger: Logger
    var recorder: AuditRecorder?

    func run() async throws {
        var warned = false
        // Applied when it changes, not every second: a switch this ingress just set itself (the
        // admin API) is not undone by a read that started before it was stored.
        var lastAuditSetting = recorder?.isEnabled
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let configurations = try await sync.send(ListConfigurations(), shardKey: "").configurations
                let visible = Set(try await sync.send(ListDirectories(), shardKey: "").directories.filter(\.lastLoginVisible).map(\.id))
                store.update(configurations, schemas: try await sync.send(ListSchemas(), shardKey: "").byDirectory, lastLoginVisible: visible)
                if let recorder {
                    let enabled = try await sync.send(GetSettings(), shardKey: "").isAuditEnabled
                    if enabled != lastAuditSetting { recorder.setEnabled(enabled) }
                    lastAuditSetting = enabled
                }
                warned = false
            } catch {
                if !warned { logger.warning("cannot refresh configurations from the sync worker; keeping the last known ones", metadata: ["error": "\(error)"]) }
                warned = true
            }
            do { try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) } } catch { break }
        }
    }
}
