import Foundation
import RosterMessaging
import RosterProtocol
import RosterTestSupport
import SCIMCore
import Testing

/// CURVE on worker sockets (`roster keys generate`, `zmq.curve.*`): real worker processes over
/// tcp, real handshakes, the ZAP allow-list, and the refusal to expose a worker without CURVE.
@Suite(.serialized)
struct CurveEndToEndTests {
    struct Keys {
        var directory: URL
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        var workerOptions: [String] { ["--zmq-curve-server-key", path("worker.key"), "--zmq-curve-authorized-clients", path("authorized-clients")] }
        var clientOptions: [String] { ["--zmq-curve-client-key", path("client.key"), "--zmq-curve-server-public-key", path("worker.pub")] }
        func client() throws -> CurveClient { try CurveClient(keyFile: path("client.key"), serverPublicKeyFile: path("worker.pub")) }
    }

    static func generate(in directory: URL) async throws -> Keys {
        let keys = Keys(directory: directory.appendingPathComponent("keys"))
        let (status, output) = try await FirstHourTests.roster(["keys", "generate", "--out", keys.directory.path], in: directory)
        try #require(status == 0, "\(output)")
        return keys
    }

    /// Runs `body` with a client of `endpoint`, then closes it and its context.
    static func withClient<T>(_ endpoint: String, curve: CurveClient?, _ body: (WorkerClient) async throws -> T) async throws -> T {
        let context = ZMQContext()
        let client = WorkerClient(kind: "groups", endpoints: [endpoint], context: context, options: .init(requestTimeout: .seconds(2), curve: curve))
        defer { context.terminate() }
        do {
            let result = try await body(client)
            await client.shutdown()
            return result
        } catch {
            await client.shutdown()
            throw error
        }
    }

    static func status(_ client: WorkerClient) async throws(SCIMError) -> WorkerStatus {
        let reply = try await client.send(name: GetWorkerStatus.name, payload: CommandCodec.encode(GetWorkerStatus()), shardKey: "d")
        do { return try CommandCodec.decode(WorkerStatus.self, from: reply) } catch { throw SCIMError.internalError("\(error)") }
    }

    @Test func keysAreWrittenOnceWithSecretsForTheirOwnerOnly() async throws {
        let directory = try TestProcesses.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let keys = try await Self.generate(in: directory)
        for (name, mode) in [("worker.key", 0o600), ("client.key", 0o600), ("worker.pub", 0o644), ("authorized-clients", 0o644)] {
            let attributes = try FileManager.default.attributesOfItem(atPath: keys.path(name))
            #expect(attributes[.posixPermissions] as? Int == mode, "\(name)")
        }
        let client = try keys.client()
        #expect(try Curve.read(keys.path("authorized-clients")).publicKeys == [client.keyPair.publicKey])
        let (again, output) = try await FirstHourTests.roster(["keys", "generate", "--out", keys.directory.path], in: directory)
        #expect(again != 0 && output.contains("never overwritten"), "\(output)")
        #expect(try keys.client().keyPair == client.keyPair, "the first keys are unchanged")
    }

    @Test func onlyAClientWithAnAuthorizedKeyCanSendCommandsToACurveWorker() async throws {
        let directory = try TestProcesses.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let keys = try await Self.generate(in: directory)
        // 127.0.0.2: another address than the default, over tcp, between two processes.
        let endpoint = "tcp://127.0.0.2:\(TestProcesses.port())"
        let log = directory.appendingPathComponent("groups.log")
        let worker = try TestProcesses.launch("roster-groups", ["--zmq-bind", endpoint, "--db-path", directory.appendingPathComponent("groups.sqlite").path] + keys.workerOptions, log: log)
        try await withProcess(worker) { _ in
            try await Self.withClient(endpoint, curve: try keys.client()) { client in
                let up = await eventually(timeout: .seconds(20)) { await client.unreachableEndpoints().isEmpty }
                try #require(up, "\(FirstHourTests.text(log))")
                #expect(try await Self.status(client).worker == "groups")
            }
            let stranger = CurveClient(keyPair: try CurveKeyPair.generate(), serverPublicKey: try keys.client().serverPublicKey)
            for curve in [stranger, nil] {
                let refused = try await Self.withClient(endpoint, curve: curve) { client in
                    do throws(SCIMError) {
                        _ = try await Self.status(client)
                        return nil as SCIMError?
                    } catch {
                        return error
                    }
                }
                #expect(refused?.status == 503, "a client \(curve == nil ? "without CURVE" : "with an unknown key") got \(String(describing: refused))")
            }
            // `roster ping`, the containers' health check, with and without the client's keys.
            let (pinged, pong) = try await FirstHourTests.roster(["ping", endpoint] + keys.clientOptions, in: directory)
            #expect(pinged == 0 && pong.contains("UP"), "\(pong)")
            let (unkeyed, silence) = try await FirstHourTests.roster(["ping", endpoint, "--timeout", "1"], in: directory)
            #expect(unkeyed == 1 && silence.contains("DOWN"), "\(silence)")
            let text = FirstHourTests.text(log)
            #expect(text.contains("curve=\"on, 1 authorized client key(s)\""), "\(text)")
            #expect(text.contains("its CURVE client key is not authorized") && text.contains(Curve.encode(stranger.keyPair.publicKey)), "\(text)")
            for name in ["worker.key", "client.key"] {
                let secret = try #require(try Curve.read(keys.path(name)).secretKey)
                #expect(!text.contains(Curve.encode(secret)), "a secret key in the log")
            }
        }
    }

    @Test func aWorkerRefusesANonLoopbackAddressWithoutCurveUnlessToldItIsInsecure() async throws {
        let directory = try TestProcesses.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let port = TestProcesses.port()
        let store = ["--db-path", directory.appendingPathComponent("groups.sqlite").path]
        func run(_ arguments: [String]) async throws -> (Int32, String) {
            let log = directory.appendingPathComponent("run-\(UUID().uuidString.prefix(6)).log")
            let process = try TestProcesses.launch("roster-groups", arguments + store, log: log)
            return try await withProcess(process) { p in
                let deadline = ContinuousClock.now + .seconds(20)
                while p.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
                return (p.isRunning ? -1 : p.terminationStatus, FirstHourTests.text(log))
            }
        }
        let (refused, reason) = try await run(["--zmq-bind", "tcp://0.0.0.0:\(port)"])
        #expect(refused == 78 && reason.contains("not a loopback address, without CURVE") && reason.contains("zmq.insecure=true"), "\(reason)")

        let keys = try await Self.generate(in: directory)
        chmod(keys.path("worker.key"), 0o644)
        let (loose, why) = try await run(["--zmq-bind", "tcp://0.0.0.0:\(port)"] + keys.workerOptions)
        #expect(loose == 78 && why.contains("chmod 600"), "\(why)")

        let log = directory.appendingPathComponent("insecure.log")
        let insecure = try TestProcesses.launch("roster-groups", ["--zmq-bind", "tcp://0.0.0.0:\(port)", "--zmq-insecure", "true"] + store, log: log)
        try await withProcess(insecure) { _ in
            try await Self.withClient("tcp://127.0.0.1:\(port)", curve: nil) { client in
                #expect(await eventually(timeout: .seconds(20)) { await client.unreachableEndpoints().isEmpty }, "\(FirstHourTests.text(log))")
            }
        }
    }

    /// Every link of a whole system with CURVE: ingress → users, groups, sync, audit, and the users
    /// worker's outbox → groups (a deleted user leaves its group).
    @Test func theWholeSystemServesSCIMWithCurveOnEveryWorkerLink() async throws {
        let directory = try TestProcesses.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let keys = try await Self.generate(in: directory)
        let (port, zmq) = (TestProcesses.port(), TestProcesses.consecutivePorts(4))
        let log = directory.appendingPathComponent("up.log")
        let up = try FirstHourTests.up(directory.appendingPathComponent("data"), port: port, zmq: zmq, log: log,
                                       environment: ["ROSTER_BOOTSTRAP_TOKEN": e2eToken, "ROSTER_ADMIN_TOKEN": e2eAdminToken],
                                       extra: keys.workerOptions + keys.clientOptions)
        try await withProcess(up) { _ in
            let http = TestHTTP(base: "http://127.0.0.1:\(port)", token: e2eToken)
            let ready = await eventually(timeout: .seconds(60)) { (try? await TestHTTP(base: http.base).send("GET", "/readyz").status) == 200 }
            try #require(ready, "\(FirstHourTests.text(log))")
            let user = try await http.send("POST", "/scim/v2/Users", json: TestHTTP.user("curve.user"))
            let id = try #require(user.object["id"]?.stringValue, "\(user.object)")
            let group = try await http.send("POST", "/scim/v2/Groups", body: #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Curve","members":[{"value":"\#(id)"}]}"#,
                                             headers: ["Content-Type": "application/scim+json"])
            let groupID = try #require(group.object["id"]?.stringValue, "\(group.object)")
            #expect(try await http.send("DELETE", "/scim/v2/Users/\(id)").status == 204)
            #expect(await eventually(timeout: .seconds(10)) {
                let read = try? await http.send("GET", "/scim/v2/Groups/\(groupID)")
                return read?.status == 200 && (read?.object["members"]?.arrayValue ?? []).isEmpty
            }, "the outbox event crossed the CURVE link to the groups worker")
            let text = FirstHourTests.text(log)
            #expect(text.components(separatedBy: "curve=\"on, 1 authorized client key(s)\"").count - 1 == 4, "every worker listens with CURVE: \(text)")
        }
    }
}
