import Foundation
import RosterTestSupport
import SCIMCore
import Synchronization
import Testing

/// `roster backup` while SCIM writes go on, and `roster restore` into a new data directory: every
/// write acknowledged before the backup started is in the restored system, which answers with the
/// same tokens; a damaged backup restores nothing.
@Suite(.serialized)
struct BackupEndToEndTests {
    static let environment = ["ROSTER_BOOTSTRAP_TOKEN": e2eToken, "ROSTER_ADMIN_TOKEN": e2eAdminToken]

    func cli(_ arguments: [String], in directory: URL) async throws -> (Int32, String) {
        try await FirstHourTests.roster(arguments, environment: Self.environment, in: directory, timeout: .seconds(60))
    }

    @Test func aBackupTakenUnderWriteLoadRestoresEveryWriteAcknowledgedBeforeIt() async throws {
        let directory = try TestProcesses.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (first, second) = (directory.appendingPathComponent("data"), directory.appendingPathComponent("restored"))
        let backup = directory.appendingPathComponent("backup")
        let (port, zmq) = (TestProcesses.port(), TestProcesses.consecutivePorts(4))
        let up = try FirstHourTests.up(first, port: port, zmq: zmq, log: directory.appendingPathComponent("up.log"), environment: Self.environment)
        let acknowledgedBefore = try await withProcess(up) { _ -> [String] in
            let base = "http://127.0.0.1:\(port)"
            try #require(await eventually(timeout: .seconds(60)) { (try? await TestHTTP(base: base).send("GET", "/readyz").status) == 200 },
                         "\(FirstHourTests.text(directory.appendingPathComponent("up.log")))")
            let http = TestHTTP(base: base, token: e2eToken)
            let acknowledged = Shared<[(name: String, at: ContinuousClock.Instant)]>([])
            let stop = Shared(false)
            let started: ContinuousClock.Instant = try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<4 {
                    group.addTask {
                        var n = 0
                        while !stop.value.withLock({ $0 }) {
                            let name = "w\(writer)-\(n)@example.com"
                            let reply = try await http.send("POST", "/scim/v2/Users", body: #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"\#(name)"}"#,
                                                            headers: ["Content-Type": "application/scim+json"])
                            if reply.status == 201 { acknowledged.value.withLock { $0.append((name, ContinuousClock.now)) } }
                            n += 1
                        }
                    }
                }
                // 2 s of load, and at least 10 acknowledged writes before the backup (at most 30 s:
                // the rest of the suite may leave this machine few writes a second).
                let loading = ContinuousClock.now
                try await Task.sleep(for: .seconds(2))
                while acknowledged.value.withLock({ $0.count }) < 10, ContinuousClock.now - loading < .seconds(30) { try await Task.sleep(for: .milliseconds(100)) }
                let started = ContinuousClock.now
                let (status, output) = try await cli(["backup", backup.path, "--data-dir", first.path, "--url", base], in: directory)
                #expect(status == 0 && output.contains("manifest:"), "\(output)")
                try await Task.sleep(for: .milliseconds(500))
                stop.value.withLock { $0 = true }
                try await group.waitForAll()
                return started
            }
            let all = acknowledged.value.withLock { $0 }
            let before = all.filter { $0.at < started }.map(\.name)
            print("backup: \(all.count) users created under load, \(before.count) acknowledged before the backup started, \(all.count - before.count) during or after it")
            return before
        }
        try #require(acknowledgedBefore.count > 5, "too little load to mean anything")
        let manifest = try JSONValue.parse(Data(contentsOf: backup.appendingPathComponent("manifest.json")))
        #expect(manifest.objectValue?["stores"]?.arrayValue?.count == 4, "users, groups, sync and audit")

        // A damaged copy restores nothing.
        let damaged = directory.appendingPathComponent("damaged")
        try FileManager.default.copyItem(at: backup, to: damaged)
        let usersCopy = damaged.appendingPathComponent("users-0.sqlite")
        var bytes = try Data(contentsOf: usersCopy)
        bytes[bytes.count / 2] ^= 0xFF
        try bytes.write(to: usersCopy)
        let (refused, refusal) = try await cli(["restore", damaged.path, "--data-dir", directory.appendingPathComponent("nowhere").path], in: directory)
        #expect(refused != 0 && refusal.contains("does not match its SHA-256"), "\(refusal)")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("nowhere/users.sqlite").path))

        let (restored, output) = try await cli(["restore", backup.path, "--data-dir", second.path], in: directory)
        #expect(restored == 0, "\(output)")
        let (port2, zmq2) = (TestProcesses.port(), TestProcesses.consecutivePorts(4))
        let again = try FirstHourTests.up(second, port: port2, zmq: zmq2, log: directory.appendingPathComponent("up2.log"), environment: Self.environment)
        try await withProcess(again) { _ in
            let base = "http://127.0.0.1:\(port2)"
            try #require(await eventually(timeout: .seconds(60)) { (try? await TestHTTP(base: base).send("GET", "/readyz").status) == 200 },
                         "\(FirstHourTests.text(directory.appendingPathComponent("up2.log")))")
            let http = TestHTTP(base: base, token: e2eToken)
            var missing: [String] = []
            for name in acknowledgedBefore {
                let found = try await http.send("GET", "/scim/v2/Users?filter=userName%20eq%20%22\(name)%22&attributes=userName")
                if found.object["totalResults"] != .int(1) { missing.append(name) }
            }
            #expect(missing.isEmpty, "\(missing.count) writes acknowledged before the backup are not in it: \(missing.prefix(5))")
            #expect(try await TestHTTP(base: base, token: e2eAdminToken).send("GET", "/admin/api/v1/configurations").status == 200, "the same admin token")
        }
    }
}

/// A value several tasks of a test share.
final class Shared<T: Sendable>: Sendable {
    let value: Mutex<T>
    init(_ initial: T) { value = Mutex(initial) }
}
