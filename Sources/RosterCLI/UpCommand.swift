import ArgumentParser
import Foundation
import RosterCrypto

/// `roster up`: runs the ingress and every worker as supervised child processes.
struct UpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Start the whole system on embedded defaults (SQLite files, loopback ZeroMQ).")

    @Option(help: "Where the SQLite stores and the bootstrap token hash live.")
    var dataDir: String = "data"

    @Option(help: "HTTP address of the ingress.")
    var httpHost: String = "127.0.0.1"

    @Option(help: "HTTP port of the ingress.")
    var httpPort: Int = 8080

    @Option(help: "First loopback port for worker sockets (users = base, groups = base + 1, sync = base + 2, audit = base + 3).")
    var zmqBasePort: Int = 5551

    @Option(help: "Log level of every process (trace, debug, info, notice, warning, error, critical).")
    var logLevel: String = "info"

    func run() async throws {
        let dataURL = URL(fileURLWithPath: dataDir, isDirectory: true).standardizedFileURL
        try FileManager.default.createDirectory(at: dataURL, withIntermediateDirectories: true)
        let bootstrap = try BootstrapToken.load(in: dataURL, environment: ProcessInfo.processInfo.environment)
        let admin = try BootstrapToken.load(in: dataURL, environment: ProcessInfo.processInfo.environment, variable: "ROSTER_ADMIN_TOKEN", fileName: "admin-token.sha256")
        let binaries = Supervisor.binaryDirectory()
        let usersEndpoint = "tcp://127.0.0.1:\(zmqBasePort)"
        let groupsEndpoint = "tcp://127.0.0.1:\(zmqBasePort + 1)"
        let syncEndpoint = "tcp://127.0.0.1:\(zmqBasePort + 2)"
        let auditEndpoint = "tcp://127.0.0.1:\(zmqBasePort + 3)"
        let common = ["--log-level", logLevel]
        let children = [
            ChildSpec(name: "users", executable: binaries.appendingPathComponent("roster-users"),
                      arguments: ["--zmq-bind", usersEndpoint, "--zmq-groups", groupsEndpoint,
                                  "--db-path", dataURL.appendingPathComponent("users.sqlite").path] + common),
            ChildSpec(name: "groups", executable: binaries.appendingPathComponent("roster-groups"),
                      arguments: ["--zmq-bind", groupsEndpoint, "--db-path", dataURL.appendingPathComponent("groups.sqlite").path] + common),
            ChildSpec(name: "sync", executable: binaries.appendingPathComponent("roster-sync"),
                      arguments: ["--zmq-bind", syncEndpoint, "--db-path", dataURL.appendingPathComponent("sync.sqlite").path,
                                  "--auth-bootstrap-token-sha256", bootstrap.sha256] + common),
            ChildSpec(name: "audit", executable: binaries.appendingPathComponent("roster-audit"),
                      arguments: ["--zmq-bind", auditEndpoint, "--db-path", dataURL.appendingPathComponent("audit.sqlite").path] + common),
            ChildSpec(name: "ingress", executable: binaries.appendingPathComponent("roster-ingress"),
                      arguments: ["--http-host", httpHost, "--http-port", String(httpPort), "--zmq-users", usersEndpoint, "--zmq-groups", groupsEndpoint, "--zmq-sync", syncEndpoint, "--zmq-audit", auditEndpoint,
                                  "--audit-spool-path", dataURL.appendingPathComponent("audit-spool.ndjson").path,
                                  "--auth-bootstrap-token-sha256", bootstrap.sha256, "--auth-admin-token-sha256", admin.sha256] + common,
                      stopsFirst: true),
        ]
        let supervisor = Supervisor(children: children)
        try supervisor.start()
        let base = "http://\(httpHost):\(httpPort)"
        let ready = await Readiness.wait(url: "\(base)/readyz", timeout: .seconds(60))
        var banner = """

            Roster is \(ready ? "up" : "starting (not ready yet: see the logs above)").
              SCIM 2.0 base URL : \(base)/scim/v2
              health            : \(base)/healthz   readiness: \(base)/readyz
              data              : \(dataURL.path)

            """
        switch bootstrap.origin {
        case .generated(let token):
            banner += "  Bearer token (shown once, stored only as a SHA-256 hash):\n    \(token)\n"
        case .environment:
            banner += "  Bearer token: the one in ROSTER_BOOTSTRAP_TOKEN (stored only as a SHA-256 hash).\n"
        case .existing:
            banner += "  Bearer token: the one created at first start (its hash is in \(bootstrap.file.path)).\n"
        }
        switch admin.origin {
        case .generated(let token):
            banner += "  Admin token for /admin/api/v1 and `roster config` (shown once, stored only as a SHA-256 hash):\n    \(token)\n"
        case .environment:
            banner += "  Admin token: the one in ROSTER_ADMIN_TOKEN.\n"
        case .existing:
            banner += "  Admin token: the one created at first start.\n"
        }
        banner += "  Audit log      : `roster audit status`, `roster audit on` (admin token; off until turned on)\n"
        banner += "  Try: curl -H \"Authorization: Bearer $TOKEN\" \(base)/scim/v2/Users\n  Stop with Ctrl-C.\n"
        FileHandle.standardError.write(Data(banner.utf8))
        await supervisor.waitUntilStopped()
    }
}
