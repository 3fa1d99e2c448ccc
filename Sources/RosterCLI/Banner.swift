import Foundation

/// What `roster up` prints once the system is up: commands that work when pasted in order.
struct Banner {
    var base: String
    var data: URL
    var binaries: URL
    var ready: Bool
    var bootstrap: BootstrapToken
    var admin: BootstrapToken

    var text: String {
        let roster = binaries.appendingPathComponent("roster").path
        var lines = [
            "",
            ready ? "Roster is up." : "Roster is starting (not ready after 60 s: see the log lines above).",
            "  SCIM 2.0 base URL : \(base)/scim/v2   (SCIM 1.1: \(base)/scim/v1)",
            "  health            : \(base)/healthz   readiness: \(base)/readyz",
            "  metrics           : \(base)/metrics   (each worker: \(base)/metrics/<kind>/<shard>, e.g. /metrics/users/0)",
            "  data              : \(data.path)",
            "  logs              : here, and in \(data.appendingPathComponent("logs").path)/<process>.log (roster logs --follow)",
            "",
        ]
        lines += token(bootstrap, variable: "ROSTER_TOKEN", given: "ROSTER_BOOTSTRAP_TOKEN",
                       what: "Bearer token of the \"default\" configuration (for SCIM requests)", reset: "--bootstrap")
        lines += token(admin, variable: "ROSTER_ADMIN_TOKEN", given: "ROSTER_ADMIN_TOKEN", what: "Admin token (for the admin API and the roster CLI)", reset: "--admin")
        lines += [
            "",
            "  Then, in another terminal:",
            "    curl -H \"Authorization: Bearer $ROSTER_TOKEN\" \(base)/scim/v2/Users",
            "    \(roster) config list --url \(base)",
            "    \(roster) audit status --url \(base)",
            "  Stop with Ctrl-C.",
            "",
        ]
        return lines.joined(separator: "\n")
    }

    private func token(_ t: BootstrapToken, variable: String, given: String, what: String, reset: String) -> [String] {
        switch t.origin {
        case .generated(let token):
            return ["  \(what), shown once (only its SHA-256 is kept):", "    export \(variable)=\(token)"]
        case .environment:
            return variable == given
                ? ["  \(what): the one in \(given) (only its SHA-256 is kept)."]
                : ["  \(what): the one in \(given) (only its SHA-256 is kept):", "    export \(variable)=\"$\(given)\""]
        case .existing:
            return ["  \(what): the one shown at first start. Lost it? Stop Roster, then:",
                    "    \(binaries.appendingPathComponent("roster").path) token reset \(reset) --data-dir \(data.path)"]
        }
    }
}
