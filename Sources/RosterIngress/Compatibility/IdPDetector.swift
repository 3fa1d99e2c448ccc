import Synchronization

/// Which identity provider a request comes from: its User-Agent first, then the shapes only one
/// IdP sends (a schema URN of its own). Names, not guesses: an unknown client is shown with the
/// product token of its User-Agent.
enum IdPDetector {
    /// User-Agent substrings (matched ignoring case), most specific first.
    static let userAgents: [(String, String)] = [
        ("Microsoft.Identity.ProvisioningService", "Microsoft Entra ID"),
        ("SCIM Validator", "Microsoft SCIM Validator"),
        ("Okta SCIM Client", "Okta"),
        ("OKTA SCIM Integration", "Okta SCIM spec test (Runscope)"),
        ("Okta", "Okta"),
        ("OneLogin", "OneLogin"),
        ("PingFederate", "PingFederate"),
        ("PingOne", "PingOne"),
        ("Ping Identity", "Ping Identity"),
        ("Google", "Google Workspace"),
        ("PostmanRuntime", "Postman"),
        ("curl/", "curl"),
        ("python-requests", "Python requests"),
        ("WindowsPowerShell", "PowerShell"),
        ("PowerShell", "PowerShell"),
    ]

    /// URN prefixes only one IdP sends (in `schemas` or as an extension).
    static let shapes: [(String, String)] = [
        ("http://schemas.microsoft.com/2006/11/resourcemanagement/adscim/", "Microsoft Entra ID"),
        ("urn:okta:", "Okta"),
    ]

    static func client(userAgent: String?, schemaURNs: Set<String>) -> String {
        let byAgent = Self.byAgent(userAgent ?? "")
        if byAgent.known { return byAgent.name }
        for urn in schemaURNs.map({ $0.lowercased() }) {
            if let match = shapes.first(where: { urn.hasPrefix($0.0) }) { return match.1 }
        }
        return byAgent.name
    }

    /// The patterns, lower-cased once.
    private static let loweredAgents = userAgents.map { ($0.0.lowercased(), $0.1) }

    /// What a User-Agent alone says, remembered: every request of an IdP carries the same one, and
    /// matching it costs more than the rest of the compatibility log (measured: a tenth of the
    /// ingress's CPU on `GET /Users/{id}`). Bounded: a client that varies it cannot grow it.
    private static let seen = Mutex<[String: (known: Bool, name: String)]>([:])
    private static let seenLimit = 256

    private static func byAgent(_ agent: String) -> (known: Bool, name: String) {
        if let hit = seen.withLock({ $0[agent] }) { return hit }
        let lowered = agent.lowercased()
        let answer: (known: Bool, name: String)
        if let match = loweredAgents.first(where: { lowered.contains($0.0) }) {
            answer = (true, match.1)
        } else if agent.isEmpty {
            answer = (false, "unknown (no User-Agent)")
        } else {
            answer = (false, "unknown (\(agent.split(separator: " ").first.map { String($0.prefix(64)) } ?? agent))")
        }
        seen.withLock { cache in
            if cache.count >= seenLimit { cache.removeAll(keepingCapacity: true) }
            cache[agent] = answer
        }
        return answer
    }
}
