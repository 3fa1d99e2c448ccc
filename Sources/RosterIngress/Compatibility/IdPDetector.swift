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
        let agent = userAgent?.lowercased() ?? ""
        if let match = userAgents.first(where: { agent.contains($0.0.lowercased()) }) { return match.1 }
        for urn in schemaURNs.map({ $0.lowercased() }) {
            if let match = shapes.first(where: { urn.hasPrefix($0.0) }) { return match.1 }
        }
        guard let agent = userAgent, !agent.isEmpty else { return "unknown (no User-Agent)" }
        return "unknown (\(agent.split(separator: " ").first.map { String($0.prefix(64)) } ?? agent))"
    }
}
