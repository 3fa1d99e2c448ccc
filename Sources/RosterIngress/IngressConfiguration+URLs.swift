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
