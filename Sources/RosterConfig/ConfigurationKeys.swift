import Foundation

/// Every configuration key of every Roster process, in one list: `roster up` accepts exactly these
/// (as `--dotted-key value`) and passes each only to the processes that read it, and each one is
/// documented in `services/<process>/README.md` (a test checks the code, this list and the docs
/// against one another).
public enum ConfigurationKeys {
    public struct Key: Sendable, Hashable {
        /// The dotted key, e.g. `http.publicUrl`.
        public var name: String
        /// The processes that read it: `ingress`, `users`, `groups`, `sync`, `audit`.
        public var processes: Set<String>
        /// Set by `roster up` itself (endpoints, paths, tokens): not accepted as an extra key there.
        public var setByUp: Bool

        /// `--http-public-url` for `http.publicUrl`: the command-line spelling every process reads.
        public var option: String {
            var out = "--"
            for character in name {
                if character == "." { out.append("-") } else if character.isUppercase { out += "-" + character.lowercased() } else { out.append(character) }
            }
            return out
        }

        /// `HTTP_PUBLIC_URL` for `http.publicUrl`.
        public var environmentVariable: String {
            String(option.dropFirst(2)).replacingOccurrences(of: "-", with: "_").uppercased()
        }
    }

    private static func key(_ name: String, _ processes: Set<String>, setByUp: Bool = false) -> Key {
        Key(name: name, processes: processes, setByUp: setByUp)
    }

    static let workers: Set<String> = ["users", "groups", "sync", "audit"]

    public static let all: [Key] = [
        key("log.level", workers.union(["ingress"]), setByUp: true), key("log.format", workers.union(["ingress"])),
        key("metrics.enabled", workers.union(["ingress"])), key("metrics.tokenSha256", ["ingress"]),
        key("http.host", ["ingress"], setByUp: true), key("http.port", ["ingress"], setByUp: true), key("http.publicUrl", ["ingress"], setByUp: true),
        key("http.maxBodyBytes", ["ingress"]), key("http.allowedHosts", ["ingress"]), key("http.idleTimeoutSeconds", ["ingress"]),
        key("http.headerTimeoutSeconds", ["ingress"]), key("http.bodyTimeoutSeconds", ["ingress"]), key("http.uploadTimeoutSeconds", ["ingress"]), key("http.maxConnections", ["ingress"]),
        key("http.maxRequestLineBytes", ["ingress"]), key("http.maxHeaderBytes", ["ingress"]), key("http.trustedProxies", ["ingress"]), key("http.forwardedHeader", ["ingress"]),
        key("scim.rateLimitPerSecond", ["ingress"]), key("scim.rateLimitBurst", ["ingress"]),
        key("zmq.users", ["ingress", "sync"], setByUp: true), key("zmq.groups", ["ingress", "users", "sync"], setByUp: true), key("zmq.sync", ["ingress", "users", "groups"], setByUp: true),
        key("zmq.audit", ["ingress"], setByUp: true), key("zmq.timeoutMs", ["ingress"]), key("zmq.bind", workers, setByUp: true),
        key("zmq.curve.serverKey", workers), key("zmq.curve.authorizedClients", workers), key("zmq.insecure", workers),
        key("zmq.curve.clientKey", ["ingress", "users", "groups", "sync"]), key("zmq.curve.serverPublicKey", ["ingress", "users", "groups", "sync"]),
        key("db.path", workers, setByUp: true),
        key("auth.bootstrapTokenSha256", ["ingress", "sync"], setByUp: true), key("auth.adminTokenSha256", ["ingress"], setByUp: true),
        key("auth.bootstrapDirectory", ["ingress"]),
        key("scim.maxResults", ["ingress"]), key("scim.defaultCount", ["ingress"]), key("scim.memberPageSize", ["ingress"]),
        key("security.passwordIterations", ["ingress"]),
        key("audit.memoryBytes", ["ingress"]), key("audit.spoolPath", ["ingress"], setByUp: true), key("audit.spoolMaxBytes", ["ingress"]),
        key("audit.maxBodyBytes", ["ingress"]),
        key("feed.retentionDays", ["sync"]), key("feed.enabled", ["users", "groups"]), key("webhooks.keyFile", ["sync"]), key("webhooks.allowPrivateTargets", ["sync"]), key("webhooks.timeoutMs", ["sync"]),
        key("webhooks.retryBaseMs", ["sync"]), key("webhooks.retryMaxMs", ["sync"]), key("webhooks.pauseAfterFailures", ["sync"]), key("webhooks.pauseAfterSeconds", ["sync"]),
        key("apps.keyFile", ["sync"]), key("apps.timeoutMs", ["sync"]), key("apps.retryBaseMs", ["sync"]), key("apps.retryMaxMs", ["sync"]), key("apps.allowPlainHttp", ["sync"]),
        key("audit.retention.maxAgeDays", ["audit"]), key("audit.retention.maxRecords", ["audit"]), key("audit.retention.intervalSeconds", ["audit"]),
    ]

    /// The key spelled `--option` on a command line.
    public static func key(option: String) -> Key? {
        all.first { $0.option == option }
    }
}
