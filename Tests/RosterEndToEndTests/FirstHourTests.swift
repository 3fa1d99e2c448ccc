import Foundation
import RosterConfig
import RosterTestSupport
import SCIMCore
import Testing

/// What a new operator meets in the first hour, with the real executables.
@Suite(.serialized)
struct FirstHourTests {
    /// Runs `roster` with `arguments` and no terminal on stdin; returns its status and output.
    static func roster(_ arguments: [String], environment: [String: String] = [:], in directory: URL, timeout: Duration = .seconds(30)) async throws -> (Int32, String) {
        let log = directory.appendingPathComponent("cli-\(UUID().uuidString.prefix(6)).log")
        let process = try TestProcesses.launch("roster", arguments, log: log, environment: environment)
        let status = try await withProcess(process) { p in
            let deadline = ContinuousClock.now + timeout
            while p.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
            return p.isRunning ? -1 : p.terminationStatus
        }
        return (status, (try? String(contentsOf: log, encoding: .utf8)) ?? "")
    }

    static func up(_ data: URL, port: Int, zmq: Int, log: URL, environment: [String: String] = ["ROSTER_BOOTSTRAP_TOKEN": "", "ROSTER_ADMIN_TOKEN": ""], extra: [String] = []) throws -> Process {
        try TestProcesses.launch("roster", ["up", "--data-dir", data.path, "--http-port", String(port), "--zmq-base-port", String(zmq)] + extra, log: log, environment: environment)
    }

    static func text(_ url: URL) -> String { (try? String(contentsOf: url, encoding: .utf8)) ?? "" }

    /// Point 1: a second `roster up` on the same data directory, or on a port in use, is one clear
    /// sentence and a non-zero exit, with nothing started and nothing restarted.
    @Test func aSecondStartIsRefusedWithTheHolderNamed() async throws {
        let directory = try TestProcesses.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = directory.appendingPathComponent("data")
        let (port, zmq) = (TestProcesses.port(), TestProcesses.consecutivePorts(4))
        let log = directory.appendingPathComponent("first.log")
        try await withProcess(try Self.up(data, port: port, zmq: zmq, log: log)) { first in
            #expect(await eventually(timeout: .seconds(60)) { Self.text(log).contains("Roster is up.") }, "\(Self.text(log))")
            let (sameDir, sameDirOutput) = try await Self.roster(["up", "--data-dir", data.path, "--http-port", String(TestProcesses.port()),
                                                                  "--zmq-base-port", String(TestProcesses.consecutivePorts(4))], in: directory)
            #expect(sameDir != 0 && sameDirOutput.contains("already running on the data directory") && sameDirOutput.contains("pid \(first.processIdentifier)"),
                    "\(sameDirOutput)")
            let (samePort, samePortOutput) = try await Self.roster(["up", "--data-dir", directory.appendingPathComponent("other").path, "--http-port", String(port),
                                                                    "--zmq-base-port", String(TestProcesses.consecutivePorts(4))], in: directory)
            #expect(samePort != 0 && samePortOutput.contains("Port \(port) (HTTP)"), "\(samePortOutput)")
            // The holder is named when /proc shows it (it always does when the machine is not busy
            // with other tests' processes coming and going); never a wrong one.
            #expect(!samePortOutput.contains(" by pid") || samePortOutput.contains("(roster-ingress)"), "\(samePortOutput)")
            #expect(!samePortOutput.contains("Roster is up") && !samePortOutput.contains("started"))
            #expect(await TestProcesses.stop(first) == 0)
        }
    }

    /// A child that cannot start for a configuration reason is reported once, with its reason, and not restarted.
    @Test func aChildThatCannotStartIsReportedOnceAndNotRestarted() async throws {
        let directory = try TestProcesses.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = directory.appendingPathComponent("data")
        // The users store's path is a directory: it cannot be opened.
        try FileManager.default.createDirectory(at: data.appendingPathComponent("users.sqlite"), withIntermediateDirectories: true)
        let log = directory.appendingPathComponent("up.log")
        let up = try Self.up(data, port: TestProcesses.port(), zmq: TestProcesses.consecutivePorts(4), log: log)
        try await withProcess(up) { up in
            #expect(await eventually(timeout: .seconds(30)) { !up.isRunning }, "\(Self.text(log))")
            #expect(up.terminationStatus != 0)
            let output = Self.text(log)
            #expect(output.components(separatedBy: "roster-users: cannot start: cannot open the store").count == 2, "\(output)")
            #expect(!output.contains("; restarting") && !output.contains("Fatal error") && !output.contains("Roster is up"), "\(output)")
        }
    }

    /// Point 2: without a terminal, destructive commands refuse unless `--yes`, before anything is sent.
    @Test(arguments: [["audit", "clear"], ["config", "delete", "okta"], ["config", "rotate-token", "okta"]])
    func destructiveCommandsRefuseWithoutYesWhenNotATerminal(_ command: [String]) async throws {
        let directory = try TestProcesses.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (status, output) = try await Self.roster(command + ["--url", "http://127.0.0.1:9", "--admin-token", "x"], in: directory)
        #expect(status != 0 && output.contains("without --yes"), "\(output)")
        #expect(!output.contains("unreachable"), "it contacted the server: \(output)")
    }

    /// Point 3: a token in the environment that is not the stored one is an error at start, and
    /// `roster token reset` issues a new one for a stopped system (refused while it runs).
    @Test func aDifferentTokenIsAnErrorAndResetIssuesANewOne() async throws {
        let directory = try TestProcesses.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = directory.appendingPathComponent("data")
        let (port, zmq) = (TestProcesses.port(), TestProcesses.consecutivePorts(4))
        let log = directory.appendingPathComponent("up.log")
        try await withProcess(try Self.up(data, port: port, zmq: zmq, log: log)) { up in
            #expect(await eventually(timeout: .seconds(60)) { Self.text(log).contains("Roster is up.") }, "\(Self.text(log))")
            let (busy, busyOutput) = try await Self.roster(["token", "reset", "--admin", "--data-dir", data.path], in: directory)
            #expect(busy != 0 && busyOutput.contains("already running"), "\(busyOutput)")
            #expect(await TestProcesses.stop(up) == 0)
        }
        let wrong = directory.appendingPathComponent("wrong.log")
        try await withProcess(try Self.up(data, port: port, zmq: zmq, log: wrong, environment: ["ROSTER_ADMIN_TOKEN": "not-the-admin-token-0123456789"])) { up in
            #expect(await eventually(timeout: .seconds(30)) { !up.isRunning })
            #expect(up.terminationStatus != 0 && Self.text(wrong).contains("ROSTER_ADMIN_TOKEN is not the token this data directory was set up with"), "\(Self.text(wrong))")
        }
        let (reset, resetOutput) = try await Self.roster(["token", "reset", "--admin", "--data-dir", data.path], in: directory)
        #expect(reset == 0, "\(resetOutput)")
        let token = try #require(resetOutput.split(separator: "\n").first { $0.contains("export ROSTER_ADMIN_TOKEN=") }?.split(separator: "=").last.map(String.init))
        let stored = try String(contentsOf: data.appendingPathComponent("admin-token.sha256"), encoding: .utf8)
        #expect(stored.trimmingCharacters(in: .whitespacesAndNewlines) == sha256(token))
        // The new token opens the admin API of the next start.
        let again = directory.appendingPathComponent("again.log")
        try await withProcess(try Self.up(data, port: port, zmq: zmq, log: again, environment: ["ROSTER_ADMIN_TOKEN": token])) { up async throws in
            #expect(await eventually(timeout: .seconds(60)) { Self.text(again).contains("Roster is up.") }, "\(Self.text(again))")
            let admin = TestHTTP(base: "http://127.0.0.1:\(port)", token: token)
            #expect(try await admin.send("GET", "/admin/api/v1/configurations").status == 200)
            // Point 8: documented keys are accepted by `roster up`, e.g. http.publicUrl.
            #expect(await TestProcesses.stop(up) == 0)
        }
    }

    /// Point 8: `--http-public-url` (and any other documented key) is accepted by `roster up`.
    @Test func upTakesThePublicURLAndOtherKeys() async throws {
        let directory = try TestProcesses.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let port = TestProcesses.port()
        let log = directory.appendingPathComponent("up.log")
        let up = try Self.up(directory.appendingPathComponent("data"), port: port, zmq: TestProcesses.consecutivePorts(4), log: log,
                             environment: ["ROSTER_BOOTSTRAP_TOKEN": "first-hour-bootstrap-token-0123", "ROSTER_ADMIN_TOKEN": ""],
                             extra: ["--http-public-url", "https://scim.example.com", "--scim-max-results", "7"])
        try await withProcess(up) { up in
            #expect(await eventually(timeout: .seconds(60)) { Self.text(log).contains("Roster is up.") }, "\(Self.text(log))")
            let http = TestHTTP(base: "http://127.0.0.1:\(port)", token: "first-hour-bootstrap-token-0123")
            let created = try await http.send("POST", "/scim/v2/Users", json: TestHTTP.user("un_002"))
            #expect(created.status == 201 && created.header("Location")?.hasPrefix("https://scim.example.com/scim/v2/Users/") == true, "\(created.headers)")
            let config = try await http.send("GET", "/scim/v2/ServiceProviderConfig")
            #expect(config.object["filter"]?.objectValue?["maxResults"] == .int(7))
            #expect(await TestProcesses.stop(up) == 0)
        }
    }
}

/// The first hour, continued: names where ids are taken, help on every command, docs that stand alone.
@Suite(.serialized)
struct FirstHourCLITests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Point 4: a directory is taken by name, and tables show names beside ids; point 8: enable,
    /// and the URL of each SCIM version served.
    @Test func directoriesAreTakenByNameAndConfigurationsShowBoth() async throws {
        try await withRunningSystem { system in
            try #require(await system.ready(), "\(system.logText)")
            let admin = TestHTTP(base: system.http.base, token: e2eAdminToken)
            #expect(try await admin.send("POST", "/admin/api/v1/directories", json: .object(["name": .string("Employees")])).status == 201)
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("roster-cli-\(UUID().uuidString.prefix(6))")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let cli = ["--url", system.http.base, "--admin-token", e2eAdminToken]
            let (created, createdOutput) = try await FirstHourTests.roster(["config", "create", "entra", "--directory", "employees", "--on-delete", "disable"] + cli, in: directory)
            #expect(created == 0 && createdOutput.contains("Employees ("), "\(createdOutput)")
            let (_, list) = try await FirstHourTests.roster(["config", "list"] + cli, in: directory)
            #expect(list.contains("DEFAULT GROUPS") && list.contains("APP GROUPS") && list.contains("Employees ("), "\(list)")
            let (missing, missingOutput) = try await FirstHourTests.roster(["config", "create", "x", "--directory", "Nobody"] + cli, in: directory)
            #expect(missing != 0 && missingOutput.contains("No directory 'Nobody'"), "\(missingOutput)")
            let refused = try await admin.send("POST", "/admin/api/v1/configurations", json: .object(["name": .string("y"), "directoryId": .string("Nobody")]))
            #expect(refused.status == 400 && refused.object["scimType"] == .string("invalidValue"), "\(refused.object)")
            let (disabled, _) = try await FirstHourTests.roster(["config", "disable", "entra"] + cli, in: directory)
            let (enabled, enabledOutput) = try await FirstHourTests.roster(["config", "enable", "entra"] + cli, in: directory)
            #expect(disabled == 0 && enabled == 0 && enabledOutput.contains("yes"), "\(enabledOutput)")
            let view = try await admin.send("GET", "/admin/api/v1/configurations/entra")
            #expect(view.object["directoryName"] == .string("Employees") && view.object["enabled"] == .bool(true))
            #expect(view.object["scimBaseUrls"]?.objectValue?.keys.sorted() == ["v1.1", "v2"], "a URL for each SCIM version served")
        }
    }

    /// Point 8: every command and option has help text.
    @Test func everyCommandAndOptionHasHelp() async throws {
        let directory = try TestProcesses.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let commands = [["up"], ["health"], ["token", "reset"], ["directory", "list"], ["directory", "create"]]
            + ["list", "show", "create", "update", "rotate-token", "disable", "enable", "delete"].map { ["config", $0] }
            + ["on", "off", "status", "retention", "list", "export", "clear"].map { ["audit", $0] }
        for command in commands {
            let (status, help) = try await FirstHourTests.roster(command + ["--help"], in: directory)
            #expect(status == 0, "\(command)")
            #expect(help.contains("OVERVIEW:"), "\(command) has no abstract:\n\(help)")
            // An option whose spelling is followed by no text, on its line or an indented next line, has no help.
            let lines = help.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            var bare: [String] = []
            for (i, line) in lines.enumerated() where line.hasPrefix("  -") {
                let words = line.split(separator: " ").drop { $0.hasPrefix("-") || $0.hasPrefix("<") || $0.hasSuffix(",") }
                let next = i + 1 < lines.count ? lines[i + 1] : ""
                let continued = next.hasPrefix("        ") && !next.trimmingCharacters(in: .whitespaces).hasPrefix("-")
                if words.isEmpty && !continued { bare.append(line) }
            }
            #expect(bare.isEmpty, "\(command): options without help: \(bare)")
        }
    }

    /// Point 6: `scripts/up --help` answers at once, without installing or building.
    @Test func upHelpAnswersWithoutBuilding() throws {
        let process = Process()
        process.executableURL = Self.root.appendingPathComponent("scripts/up")
        process.arguments = ["--help"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0 && output.contains("USAGE") && output.contains("--data-dir"), "\(output)")
        #expect(!output.contains("installing") && !output.contains("building"), "\(output)")
    }

    /// Point 9: the docs stand alone: nothing refers to files outside the repository.
    @Test func docsReferToNothingOutsideTheRepository() throws {
        var files = [Self.root.appendingPathComponent("README.md")]
        for folder in ["docs", "services"] {
            let enumerator = FileManager.default.enumerator(at: Self.root.appendingPathComponent(folder), includingPropertiesForKeys: nil)
            while let url = enumerator?.nextObject() as? URL {
                if url.pathExtension == "md" { files.append(url) }
            }
        }
        #expect(files.count > 5)
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            for outside in ["DESIGN.md", "../shared", "IDP-NOTES", "ZEROMQ-NOTES", "BITBUCKET-AND-SCIM11-NOTES"] {
                #expect(!text.contains(outside), "\(file.lastPathComponent) refers to \(outside)")
            }
        }
        let readme = try String(contentsOf: files[0], encoding: .utf8)
        #expect(readme.contains("Swift 6.2") && readme.contains("first build takes"))
    }
}

/// Point 8: one list of configuration keys (`ConfigurationKeys`), which the code reads, `roster up`
/// accepts and the service docs describe.
struct ConfigurationKeysTests {
    @Test func everyKeyTheCodeReadsIsInTheListAndEveryListedKeyIsDocumented() throws {
        let root = FirstHourCLITests.root
        var read: Set<String> = []
        let enumerator = FileManager.default.enumerator(at: root.appendingPathComponent("Sources"), includingPropertiesForKeys: nil)
        let pattern = try Regex(#"forKey: "([a-z]+\.[A-Za-z0-9.]+)""#)
        while let url = enumerator?.nextObject() as? URL {
            guard url.pathExtension == "swift" else { continue }
            let text = try String(contentsOf: url, encoding: .utf8)
            for match in text.matches(of: pattern) { if let name = match.output[1].substring { read.insert(String(name)) } }
        }
        #expect(read.count > 20)
        let listed = Set(ConfigurationKeys.all.map(\.name))
        #expect(read.subtracting(listed).isEmpty, "read but not in ConfigurationKeys.all: \(read.subtracting(listed).sorted())")
        #expect(listed.subtracting(read).isEmpty, "listed but never read: \(listed.subtracting(read).sorted())")
        for key in ConfigurationKeys.all {
            for process in key.processes {
                let doc = try String(contentsOf: root.appendingPathComponent("services/\(process)/README.md"), encoding: .utf8)
                #expect(doc.contains("| `\(key.name)` | `\(key.option)` | `\(key.environmentVariable)` |"), "\(key.name) is not documented in services/\(process)/README.md")
            }
        }
    }

    @Test func upRefusesKeysItDoesNotKnowOrSetsItself() async throws {
        let directory = try TestProcesses.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = directory.appendingPathComponent("data").path
        let (unknown, unknownOutput) = try await FirstHourTests.roster(["up", "--data-dir", data, "--http-port", String(TestProcesses.port()), "--scim-max-resluts", "5"], in: directory)
        #expect(unknown != 0 && unknownOutput.contains("Unknown option --scim-max-resluts"), "\(unknownOutput)")
        let (own, ownOutput) = try await FirstHourTests.roster(["up", "--data-dir", data, "--http-port", String(TestProcesses.port()), "--zmq-bind", "tcp://127.0.0.1:1"], in: directory)
        #expect(own != 0 && ownOutput.contains("set by roster up itself"), "\(ownOutput)")
    }
}
