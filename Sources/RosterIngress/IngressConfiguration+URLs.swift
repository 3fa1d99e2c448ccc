import Hummingbird

extension IngressConfiguration {
    /// The SCIM 2.0 base URL as clients reach it: `http.publicUrl` when set (behind a proxy),
    /// otherwise built from the request's `Host`.
    func scimBaseURL(for request: Request) -> String {
        if let configured = publicURL {
            return (configured.hasSuffix("/") ? String(configured.dropLast()) : configured) + "/scim/v2"
        }
        let host = request.head.authority ?? "\(host):\(port)"
        return "http://\(host)/scim/v2"
    }
}
