public import SCIMCore
import SwiftProtobuf

/// A typed command sent from the ingress to a worker; its reply type travels back.
public protocol Command: WireCodable {
    associatedtype Reply: WireCodable
    /// The name on the wire, e.g. `users.create`.
    static var name: String { get }
}

/// The version of the command envelope and payloads. A worker refuses other versions.
/// 2: commands carry the caller's deadline. 3: payloads are protobuf (Proto/*.proto).
/// 4: commands may carry an idempotency key and an attempt number. 5: and the request id. 6: and
/// the IdP configuration whose request they serve (the change feed names it).
public enum ProtocolVersion {
    public static let current = "6"
}

/// A reply with nothing in it.
public struct Empty: WireCodable, Equatable {
    public init() {}
    public init(message: Roster_V1_Empty) {}
    public var message: Roster_V1_Empty { Roster_V1_Empty() }
}

/// A command without parameters (a listing, a status, clear).
public protocol ParameterlessCommand: Command {
    init()
}

extension ParameterlessCommand {
    public init(message: Message) { self.init() }
    public var message: Message { Message() }
}

/// Asks a worker whether it is alive; answered without touching its store's write lock.
public struct Ping: ParameterlessCommand {
    public static let name = "ping"
    public typealias Reply = Pong
    public typealias Message = Roster_V1_Ping
    public init() {}
}

public struct Pong: WireCodable, Equatable {
    /// The worker kind, e.g. `users`.
    public var worker: String
    public init(worker: String) { self.worker = worker }
    public init(message: Roster_V1_Pong) { worker = message.worker }
    public var message: Roster_V1_Pong { .with { $0.worker = worker } }
}

/// Anything that can carry a command to the worker that owns `shardKey` and bring its reply back.
///
/// The real one is ZeroMQ (`WorkerClient`); tests use fakes.
public protocol CommandTransport: Sendable {
    /// Sends an encoded command; returns the encoded reply or throws the worker's `SCIMError`
    /// (or 503/504 when the worker is down or late).
    func send(name: String, payload: [UInt8], shardKey: String) async throws(SCIMError) -> [UInt8]
}

/// An online, consistent copy of a worker's store, written on the worker's host.
public struct BackupStore: Command {
    public static let name = "store.backup"
    public typealias Reply = StoreBackup
    public var path: String
    public init(path: String) { self.path = path }
    public init(message m: Roster_V1_BackupStore) { path = m.path }
    public var message: Roster_V1_BackupStore { .with { $0.path = path } }
}

public struct StoreBackup: WireCodable, Equatable {
    public var worker: String
    public var path: String
    public var bytes: Int
    public var sha256: String

    public init(worker: String, path: String, bytes: Int, sha256: String) {
        self.worker = worker
        self.path = path
        self.bytes = bytes
        self.sha256 = sha256
    }

    public init(message m: Roster_V1_StoreBackup) { self.init(worker: m.worker, path: m.path, bytes: Int(m.bytes), sha256: m.sha256) }
    public var message: Roster_V1_StoreBackup {
        .with {
            $0.worker = worker
            $0.path = path
            $0.bytes = Int64(bytes)
            $0.sha256 = sha256
        }
    }
}

/// A transport over several instances of a worker kind (shards), each addressable: what an
/// operation on every shard (a backup) needs.
public protocol ShardedTransport: CommandTransport {
    var shardCount: Int { get }
    /// Sends to instance `shard` (0-based), whatever it owns.
    func send(name: String, payload: [UInt8], shard: Int) async throws(SCIMError) -> [UInt8]
}

extension CommandTransport {
    /// How many instances answer: a ``ShardedTransport``'s shards, else one.
    public var instanceCount: Int { (self as? any ShardedTransport)?.shardCount ?? 1 }

    /// Sends to instance `index` (0-based) whatever it owns; a transport without shards has one.
    public func send(name: String, payload: [UInt8], instance index: Int) async throws(SCIMError) -> [UInt8] {
        if let sharded = self as? any ShardedTransport { return try await sharded.send(name: name, payload: payload, shard: index) }
        return try await send(name: name, payload: payload, shardKey: "")
    }
}
