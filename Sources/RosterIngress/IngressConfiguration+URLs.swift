public import Logging
import Hummingbird

extension IngressConfiguration {
    /// Where clients reach this ingress, for every link it hands out (`Location`, `meta.location`,
    /// `$ref`, the admin API's SCIM URLs): `http.publicUrl` when set (behind a proxy); otherwise
    /// the request's `Host` only when `http.allowedHosts` names it, else the listening address.
    /// A forged `Host` never reaches a response (docs/design.md §9).
    func publicBase(for request: Request) -> String {
        if let configured = publicURL {
            return configured.hasSuffix("/") ? String(configured.dropLast()) : configured
        }
        if let authority = request.head.authority, allowedHosts.contains(authority.lowercased()) {
            return "http://\(authority)"
        }
        return "http://\(host):\(port)"
    }

    /// The SCIM 2.0 base URL as clients reach it.
    func scimBaseURL(for request: Request) -> String {
        publicBase(for: request) + "/scim/v2"
    }
}

extension IngressConfiguration {
    /// What an operator checks at start, for the `info` line: addresses, the shard maps (shard i is
    /// the i-th endpoint; a directory is on `fnv1a(id) mod N`), limits, and which protections are
    /// on. Never a token, a hash or a key: only whether one is set.
    public var summary: Logger.Metadata {
        [
            "http": "\(host):\(port)", "publicUrl": "\(publicURL ?? "-")",
            "users": "\(usersEndpoints.joined(separator: ","))", "groups": "\(groupsEndpoints.joined(separator: ","))",
            "sync": "\(syncEndpoints.joined(separator: ",").isEmpty ? "-" : syncEndpoints.joined(separator: ","))",
            "audit": "\(auditEndpoints.joined(separator: ",").isEmpty ? "-" : auditEndpoints.joined(separator: ","))",
            "workerTimeoutMs": "\(workerTimeoutMilliseconds)", "rateLimitPerSecond": "\(rateLimitPerSecond)",
            "maxBodyBytes": "\(maxBodyBytes)", "trustedProxies": "\(trustedProxies.isEmpty ? "none" : "set")",
            "bootstrapToken": "\(bootstrapTokenSHA256 == nil ? "none" : "set")", "adminApi": "\(adminTokenSHA256 == nil ? "off" : "on")",
            "curve": "\(curve == nil ? "off" : "on")", "metricsToken": "\(metricsTokenSHA256 == nil ? "none" : "set")",
        ]
    }
}
