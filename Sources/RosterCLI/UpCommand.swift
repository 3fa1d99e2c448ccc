import ArgumentParser
import Foundation
import RosterConfig
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

    @Option(help: "First loopback port for worker sockets: the users shards from base, then the groups shards, then sync and audit (one shard each: users = base, groups = base + 1, sync = base + 2, audit = base + 3).")
    var zmqBasePort: Int = 5551

    @Option(help: "How many users workers (shards) to start; directories are spread over them (fnv1a of the directory id). 1 to 16. More than last time starts empty shards: roster reshard then moves directories onto them while the system runs.")
    var usersShards: Int = 1

    @Option(help: "How many groups workers (shards) to start. 1 to 16.")
    var groupsShards: Int = 1

    @Option(help: "Log level of every process (trace, debug, info, notice, warning, error, critical).")
    var logLevel: String = "info"

    @Option(help: "The URL IdPs use to reach Roster (behind a proxy), e.g. https://scim.example.com: the base of every SCIM URL and meta.location.")
    var httpPublicUrl: String?

    @Argument(parsing: .allUnrecognized, help: "Any other configuration key as --dotted-key value (e.g. --scim-max-results 500), given to the processes that read it (services/<name>/README.md).")
    var keys: [String] = []

    /// The extra keys, checked against the one list of keys, by process.
    func extraKeys() throws -> [String: [String]] {
        var out: [String: [String]] = [:]
        var rest = keys[...]
        while let option = rest.popFirst() {
            guard let key = ConfigurationKeys.key(option: option) else {
                throw ValidationError("Unknown option \(option): the keys are listed in services/<name>/README.md (e.g. --scim-max-results 500).")
            }
            guard !key.setByUp else { throw ValidationError("\(option) is set by roster up itself; see roster up --help.") }
            guard let value = rest.popFirst() else { throw ValidationError("\(option) needs a value.") }
            for process in key.processes { out[process, default: []] += [option, value] }
        }
        return out
    }

    func run() async throws {
        // A terminal or pipe that goes away must not end the supervisor: its children would run on unsupervised.
        signal(SIGPIPE, SIG_IGN)
        let extra = try extraKeys()  // a mistyped key is refused before anything else is looked at
        let dataURL = URL(fileURLWithPath: dataDir, isDirectory: true).standardizedFileURL
        try FileManager.default.createDirectory(at: dataURL, withIntermediateDirectories: true)
        // Nothing starts unless this is the only instance on the data directory and every port is free.
        let lock = try InstanceLock.acquire(in: dataURL)
        defer { close(lock.fd) }
        guard (1...16).contains(usersShards), (1...16).contains(groupsShards) else { throw ValidationError("--users-shards and --groups-shards take 1 to 16.") }
        try ShardLayout.checkCounts(users: usersShards, groups: groupsShards, in: dataURL)
        let layout = ShardLayout(basePort: zmqBasePort, users: usersShards, groups: groupsShards)
        let ports = [("HTTP", httpHost, httpPort)] + layout.workers.map { ("ZeroMQ \($0.name)", "127.0.0.1", $0.port) }
        if let taken = PortCheck.firstTaken(ports.map { (name: $0.0, host: $0.1, port: $0.2) }) { throw CLIError(taken) }
        let bootstrap = try BootstrapToken.load(in: dataURL, environment: ProcessInfo.processInfo.environment)
        let admin = try BootstrapToken.load(in: dataURL, environment: ProcessInfo.processInfo.environment, variable: "ROSTER_ADMIN_TOKEN", fileName: "admin-token.sha256")
        let binaries = Supervisor.binaryDirectory()
        // Every ingress and every users worker's outbox relay get the same ordered lists.
        let usersEndpoint = layout.endpoints("users").joined(separator: ",")
        let groupsEndpoint = layout.endpoints("groups").joined(separator: ",")
        let syncEndpoint = layout.endpoints("sync")[0]
        let auditEndpoint = layout.endpoints("audit")[0]
        let common = ["--log-level", logLevel]
        let shards = layout.workers.filter { $0.kind == "users" || $0.kind == "groups" }.map { worker in
            ChildSpec(name: worker.name, executable: binaries.appendingPathComponent("roster-\(worker.kind)"),
                      arguments: ["--zmq-bind", worker.endpoint, "--db-path", dataURL.appendingPathComponent(worker.storeFile).path]
                          // Both relay their effects to the change feed in the sync worker.
                          + (worker.kind == "users" ? ["--zmq-groups", groupsEndpoint] : []) + ["--zmq-sync", syncEndpoint] + common + extra[worker.kind, default: []])
        }
        let children = shards + [
            ChildSpec(name: "sync", executable: binaries.appendingPathComponent("roster-sync"),
                      arguments: ["--zmq-bind", syncEndpoint, "--db-path", dataURL.appendingPathComponent("sync.sqlite").path,
                                  "--auth-bootstrap-token-sha256", bootstrap.sha256, "--zmq-users", usersEndpoint, "--zmq-groups", groupsEndpoint]
                          + common + extra["sync", default: []]),
            ChildSpec(name: "audit", executable: binaries.appendingPathComponent("roster-audit"),
                      arguments: ["--zmq-bind", auditEndpoint, "--db-path", dataURL.appendingPathComponent("audit.sqlite").path] + common + extra["audit", default: []]),
            ChildSpec(name: "ingress", executable: binaries.appendingPathComponent("roster-ingress"),
                      arguments: ["--http-host", httpHost, "--http-port", String(httpPort), "--zmq-users", usersEndpoint, "--zmq-groups", groupsEndpoint, "--zmq-sync", syncEndpoint, "--zmq-audit", auditEndpoint,
                                  "--audit-spool-path", dataURL.appendingPathComponent("audit-spool.ndjson").path,
                                  "--auth-bootstrap-token-sha256", bootstrap.sha256, "--auth-admin-token-sha256", admin.sha256] + common
                          + (httpPublicUrl.map { ["--http-public-url", $0] } ?? []) + extra["ingress", default: []],
                      stopsFirst: true),
        ]
        let supervisor = Supervisor(children: children, logDirectory: dataURL.appendingPathComponent("logs"))
        try supervisor.start()
        let base = "http://\(httpHost):\(httpPort)"
        // "up" only for this instance: the /readyz that answers must be our ingress's (its pid).
        let ready = await Readiness.wait(url: "\(base)/readyz", timeout: .seconds(60), pid: { supervisor.pid(of: "ingress") },
                                         giveUp: { supervisor.failure != nil })
        if let failed = supervisor.failure {
            await supervisor.waitUntilStopped()
            throw CLIError("Roster did not start: \(failed) cannot start (see its reason above).")
        }
        ShardLayout.recordCounts(users: usersShards, groups: groupsShards, in: dataURL)
        FileHandle.standardError.write(Data(Banner(base: base, data: dataURL, binaries: binaries, ready: ready, bootstrap: bootstrap, admin: admin).text.utf8))
        await supervisor.waitUntilStopped()
        if let failed = supervisor.failure { throw CLIError("Roster stopped: \(failed) could not start again.") }
    }
}
