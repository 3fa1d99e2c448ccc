import Foundation
import Logging
import RosterMessaging
import RosterProtocol
import RosterTestSupport
import SCIMCore
import Synchronization
import Testing

/// Echoes payloads; `slow` sleeps first; `fail` answers with a SCIM error; `slowread` is a read that sleeps.
struct EchoHandler: CommandBatchHandler {
    func isReadOnly(_ name: String) -> Bool { name == "slowread" }

    func read(_ command: IncomingCommand) -> Result<[UInt8], SCIMError> {
        usleep(500_000)
        return .success(command.payload)
    }

    func handle(_ batch: [IncomingCommand]) -> [Result<[UInt8], SCIMError>] {
        batch.map { command in
            switch command.name {
            case "slow":
                usleep(300_000)
                return .success(command.payload)
            case "fail":
                return .failure(.uniqueness("taken"))
            default:
                return .success(command.payload)
            }
        }
    }
}

/// Runs a real ROUTER worker on `endpoint` for the duration of `body`.
func withEchoWorker(_ endpoint: String, _ body: () async throws -> Void) async throws {
    let context = ZMQContext()
    let server = CommandServer(kind: "echo", endpoint: endpoint, context: context, handler: EchoHandler(), logger: Logger(label: "test"))
    let task = Task { try await WorkerService(server: server, context: context).run() }
    defer { task.cancel() }
    try await body()
    context.shutdown()
    _ = await task.result
}

func freeTCPEndpoint() -> String { "tcp://127.0.0.1:\(TestProcesses.port())" }
func ipcEndpoint() -> String { "ipc:///tmp/roster-test-\(UUID().uuidString.prefix(8)).sock" }

@Suite(.serialized)
struct BridgeTests {
    @Test(arguments: ["tcp", "ipc"])
    func manyConcurrentCallersEachGetTheirOwnReply(_ transport: String) async throws {
        let endpoint = transport == "tcp" ? freeTCPEndpoint() : ipcEndpoint()
        try await withEchoWorker(endpoint) {
            let context = ZMQContext()
            let requester = ZMQRequester(context: context, endpoint: endpoint)
            // Connected first: the worker binds on its own task, which a busy machine may start
            // after the requester's wait for a connection (a 503 that says nothing of the replies).
            // In CI the suite's start kept both cooperative threads busy for over 10 s before the
            // worker's task ran (its "listening" came 10 s after the test began).
            #expect(await eventually(timeout: .seconds(60)) { (try? await requester.request(Envelope.command(name: "echo", payload: [1]))) != nil })
            let mismatches = try await withThrowingTaskGroup(of: Int.self) { group in
                for i in 0..<500 {
                    group.addTask {
                        let payload = Array("request-\(i)".utf8)
                        let reply = try await requester.request(Envelope.command(name: "echo", payload: payload))
                        return try Envelope.readReply(reply) == payload ? 0 : 1
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(mismatches == 0)
            #expect(requester.pendingCount == 0)
            await requester.shutdown()
            context.terminate()
        }
    }

    @Test func lateReplyAfterDeadlineIsDroppedNotDeliveredToAnotherCaller() async throws {
        let endpoint = freeTCPEndpoint()
        try await withEchoWorker(endpoint) {
            let context = ZMQContext()
            let requester = ZMQRequester(context: context, endpoint: endpoint, options: .init(requestTimeout: .milliseconds(100)))
            let started = ContinuousClock.now
            await #expect(throws: BridgeError.timeout) {
                _ = try await requester.request(Envelope.command(name: "slow", payload: Array("late".utf8)))
            }
            #expect(ContinuousClock.now - started < .seconds(1))
            // The slow reply arrives while this request waits; this caller must get its own answer.
            try await Task.sleep(for: .milliseconds(150))
            let reply = try await requester.request(Envelope.command(name: "echo", payload: Array("mine".utf8)))
            #expect(try Envelope.readReply(reply) == Array("mine".utf8))
            await requester.shutdown()
            context.terminate()
        }
    }

    @Test func slowReadsRunBesideWritesInsteadOfBlockingThem() async throws {
        let endpoint = freeTCPEndpoint()
        try await withEchoWorker(endpoint) {
            let context = ZMQContext()
            let requester = ZMQRequester(context: context, endpoint: endpoint)
            // Order, not time: the write sent after the slow read (500 ms) is answered before it.
            let order = Order()
            async let read = { () async throws -> [[UInt8]] in
                let reply = try await requester.request(Envelope.command(name: "slowread", payload: Array("r".utf8)))
                order.note("read")
                return reply
            }()
            try await Task.sleep(for: .milliseconds(100))
            let write = try await requester.request(Envelope.command(name: "echo", payload: Array("w".utf8)))
            order.note("write")
            #expect(try Envelope.readReply(write) == Array("w".utf8))
            #expect(try Envelope.readReply(try await read) == Array("r".utf8))
            #expect(order.events == ["write", "read"], "the write waited for the read")
            await requester.shutdown()
            context.terminate()
        }
    }

    @Test func peerThatIsDownFailsFastAsUnavailable() async throws {
        let context = ZMQContext()
        let requester = ZMQRequester(context: context, endpoint: freeTCPEndpoint())
        let started = ContinuousClock.now
        await #expect(throws: BridgeError.unavailable) {
            _ = try await requester.request(Envelope.command(name: "echo", payload: []))
        }
        #expect(ContinuousClock.now - started < .seconds(2))
        await requester.shutdown()
        context.terminate()
    }

    @Test func workerClientCarriesScimErrorsAndMapsOutagesTo503() async throws {
        let endpoint = freeTCPEndpoint()
        try await withEchoWorker(endpoint) {
            let context = ZMQContext()
            let client = WorkerClient(kind: "echo", endpoints: [endpoint], context: context)
            // Connected first: the worker binds on its own task, which a busy machine may start
            // after the client's 250 ms wait for a connection (a 503 that says nothing of errors).
            #expect(await eventually(timeout: .seconds(60)) { await client.unreachableEndpoints().isEmpty })
            await #expect(throws: SCIMError.uniqueness("taken")) {
                _ = try await client.send(name: "fail", payload: [], shardKey: "d")
            }
            #expect(await client.unreachableEndpoints().isEmpty)
            await client.shutdown()
            context.terminate()
        }
        let context = ZMQContext()
        let client = WorkerClient(kind: "echo", endpoints: [endpoint], context: context)
        await #expect {
            _ = try await client.send(name: "echo", payload: [], shardKey: "d")
        } throws: { error in
            (error as? SCIMError)?.status == 503 && (error as? SCIMError)?.scimType == nil && (error as? SCIMError)?.retryAfter == 1
        }
        #expect(await client.unreachableEndpoints() == [endpoint])
        await client.shutdown()
        context.terminate()
    }

    @Test func shardIsStableAndSpreadsDirectories() {
        #expect(WorkerClient.shard(for: "default", of: 3) == WorkerClient.shard(for: "default", of: 3))
        let counts = (0..<3000).reduce(into: [0, 0, 0]) { c, i in c[WorkerClient.shard(for: "dir-\(i)", of: 3)] += 1 }
        #expect(counts.allSatisfy { $0 > 800 })
    }
}

/// The order in which things happened, across tasks.
final class Order: Sendable {
    private let list = Mutex<[String]>([])
    func note(_ event: String) { list.withLock { $0.append(event) } }
    var events: [String] { list.withLock { $0 } }
}
