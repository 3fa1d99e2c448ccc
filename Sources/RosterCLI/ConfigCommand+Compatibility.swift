import Foundation

extension ConfigCommand {
    /// The compatibility report under `config show`: who talks to the configuration, and what
    /// its requests needed.
    static func showCompatibility(_ result: Any) {
        guard let r = result as? [String: Any] else { return }
        print("")
        if let idp = r["identityProvider"] as? [String: Any] {
            print("Identity provider: \(idp["name"] ?? "") (last seen \(idp["lastSeen"] ?? ""), User-Agent \"\(idp["userAgent"] ?? "")\")")
        } else {
            print("Identity provider: none seen yet (no SCIM request with this configuration's credential).")
        }
        let rows = { (key: String) in r[key] as? [[String: Any]] ?? [] }
        let count = { (o: [String: Any]) in "\(o["count"] ?? 0)" }
        if rows("clients").count > 1 {
            print(table(["CLIENT", "REQUESTS", "LAST SEEN", "USER-AGENT"], rows("clients").map {
                [$0["name"] as? String ?? "", count($0), $0["lastSeen"] as? String ?? "", $0["userAgent"] as? String ?? ""]
            }))
        }
        if rows("tolerances").isEmpty {
            print("Tolerances needed: none (every request was RFC-exact).")
        } else {
            print("Tolerances needed (requests Roster accepted by a named rule):")
            print(table(["RULE", "REQUESTS", "LAST SEEN", "WHAT"], rows("tolerances").map {
                [$0["rule"] as? String ?? "", count($0), $0["lastSeen"] as? String ?? "", $0["description"] as? String ?? ""]
            }))
        }
        let undeclared = rows("undeclaredExtensionsSeen")
        if !undeclared.isEmpty {
            print("Undeclared extensions (\(r["undeclaredExtensions"] as? String == "reject" ? "refused" : "kept as given, not filterable"); declare them with `roster schema add`):")
            print(table(["URN", "ATTRIBUTES", "REQUESTS", "LAST SEEN"], undeclared.map {
                [$0["urn"] as? String ?? "", ($0["attributes"] as? [String] ?? []).joined(separator: ", "), count($0), $0["lastSeen"] as? String ?? ""]
            }))
        }
    }
}
