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
/// 4: commands may carry an idempotency key and an attempt number.
public enum ProtocolVersion {
    public static let current = "4"
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
