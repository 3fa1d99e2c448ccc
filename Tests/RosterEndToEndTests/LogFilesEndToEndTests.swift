import Foundation
@testable import RosterCLI
import RosterTestSupport
import Testing

/// `roster up` writes each child's output to `DATA/logs/<child>.log` (and prefixes it on its own
/// output); `roster logs` reads them; files rotate by size.
@Suite(.serialized)
struct LogFilesEndToEndTests {
    @Test func eachProcessHasItsLogFileAndRosterLogsReadsIt() async throws {
        let directory = try TestProcesses.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = directory.appendingPathComponent("data")
        let (port, zmq) = (TestProcesses.port(), TestProcesses.consecutivePorts(4))
        let upLog = directory.appendingPathComponent("up.log")
        let up = try FirstHourTests.up(data, port: port, zmq: zmq, log: upLog, environment: ["ROSTER_BOOTSTRAP_TOKEN": e2eToken, "ROSTER_ADMIN_TOKEN": e2eAdminToken],
                                       extra: ["--log-level", "debug"])
        try await withProcess(up) { _ in
            let base = "http://127.0.0.1:\(port)"
            try #require(await eventually(timeout: .seconds(60)) { (try? await TestHTTP(base: base).send("GET", "/readyz").status) == 200 }, "\(FirstHourTests.text(upLog))")
            #expect(try await TestHTTP(base: base, token: e2eToken).send("POST", "/scim/v2/Users", json: TestHTTP.user("logged")).status == 201)
            for name in ["ingress", "users", "groups", "sync", "audit"] {
                #expect(FileManager.default.fileExists(atPath: data.appendingPathComponent("logs/\(name).log").path), "no log file for \(name)")
            }
            #expect(await eventually(timeout: .seconds(5)) { FirstHourTests.text(data.appendingPathComponent("logs/users.log")).contains("batch committed") })
            #expect(FirstHourTests.text(upLog).contains("[users] "), "roster up prefixes each child's lines")
            let (status, output) = try await FirstHourTests.roster(["logs", "--data-dir", data.path, "--service", "users", "--lines", "20"], in: directory)
            #expect(status == 0 && output.contains("service=roster.users") && !output.contains("service=roster.ingress"), "\(output)")
            let (missing, message) = try await FirstHourTests.roster(["logs", "--data-dir", data.path, "--service", "nope"], in: directory)
            #expect(missing != 0 && message.contains("there are audit, groups, ingress, sync, users"), "\(message)")
        }
    }

    @Test func aLogFileRotatesBySizeAndKeepsThree() throws {
        let directory = try TestProcesses.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = ChildLog(name: "users", directory: directory, echo: false)
        let line = Array(String(repeating: "x", count: 1023).utf8) + [0x0A]
        for _ in 0..<(ChildLog.maxBytes / 1024 * 4 + 10) { log.append(line) }
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(files == ["users.log", "users.log.1", "users.log.2", "users.log.3"])
        let size = try FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent("users.log.1").path)[.size] as? Int ?? 0
        #expect(size > ChildLog.maxBytes && size < ChildLog.maxBytes + 2048)
    }
}
