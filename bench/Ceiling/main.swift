// The ceilings of this stack, for `bench/suite`: what Roster's own figures are measured against.
//
//   roster-ceiling worker --bind tcp://127.0.0.1:P --db FILE    a store worker with two commands
//   roster-ceiling http --port N --worker tcp://127.0.0.1:P     Hummingbird in front of it
//
// Routes: `GET /bare` (a Hummingbird route, no worker), `GET /echo` (→ ZeroMQ → `ping`, answered
// on the worker's socket thread), `GET /read` (→ a read command that does nothing, on a reader
// thread, as every SCIM read runs), `POST /write` (→ one INSERT of a 167-byte row under the
// worker's group commit, acknowledged after the FULL-synchronous commit, as every SCIM write is).
// The same libraries Roster's processes use (RosterMessaging, RosterPersistence), none of its
// SCIM work: the distance from these to Roster's figures is what Roster itself costs.
import Foundation
import GRDB
import Hummingbird
import Logging
import RosterMessaging
import RosterPersistence
import RosterProtocol
import ServiceLifecycle
import UnixSignals

/// One INSERT under group commit.
struct CeilingWrite: ParameterlessCommand {
    static let name = "ceiling.write"
    typealias Reply = Empty
    typealias Message = Roster_V1_Empty
}

/// A read that does nothing, run where every SCIM read runs (a reader thread).
struct CeilingRead: ParameterlessCommand {
    static let name = "ceiling.read"
    typealias Reply = Empty
    typealias Message = Roster_V1_Empty
}

let row = String(repeating: "x", count: 167)

func option(_ name: String, _ fallback: String) -> String {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), arguments.indices.contains(index + 1) else { return fallback }
    return arguments[index + 1]
}

var logger = Logger(label: "roster.ceiling")
logger.logLevel = .warning
let mode = CommandLine.arguments.dropFirst().first ?? ""

switch mode {
case "worker":
    var migrator = DatabaseMigrator()
    migrator.registerMigration("v1") { db in
        try db.execute(sql: "CREATE TABLE row (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
    }
    var commands = CommandTable()
    commands.register(CeilingWrite.self) { db, _ in
        try db.execute(sql: "INSERT INTO row (body) VALUES (?)", arguments: [row])
        return Empty()
    }
    commands.registerRead(CeilingRead.self) { _, _ in Empty() }
    let worker = StoreWorker(
        kind: "ceiling", defaults: StoreWorkerConfiguration(endpoint: option("--bind", "tcp://127.0.0.1:15560"), databasePath: option("--db", "ceiling.sqlite")),
        migrator: migrator, commands: commands)
    let services = try worker.services(worker.defaults, logger: logger)
    let group = ServiceGroup(configuration: .init(services: services.map { .init(service: $0) }, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
    try await group.run()

case "http":
    let context = ZMQContext()
    let client = WorkerClient(kind: "ceiling", endpoints: [option("--worker", "tcp://127.0.0.1:15560")], context: context)
    let router = Router()
    router.get("bare") { _, _ in "ok" }
    router.get("echo") { _, _ -> String in
        _ = try await client.send(Ping(), shardKey: "")
        return "ok"
    }
    router.get("read") { _, _ -> String in
        _ = try await client.send(CeilingRead(), shardKey: "")
        return "ok"
    }
    router.post("write") { _, _ -> String in
        _ = try await client.send(CeilingWrite(), shardKey: "")
        return "ok"
    }
    let port = Int(option("--port", "18090")) ?? 18090
    let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: logger)
    let group = ServiceGroup(configuration: .init(
        services: [.init(service: ClientConnectionsService(clients: [client], context: context)), .init(service: app)],
        gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
    print("ceiling listening on http://127.0.0.1:\(port)")
    try await group.run()

default:
    FileHandle.standardError.write(Data("usage: roster-ceiling worker --bind ENDPOINT --db FILE | http --port N --worker ENDPOINT\n".utf8))
    exit(64)
}
