import RosterMessaging
public import RosterPersistence
public import RosterProtocol
public import SCIMCore

/// A store behind the transport interface, in process: commands run the way the worker runs them
/// (reads on a reader connection, writes in a batch transaction), without ZeroMQ between.
public struct StoreTransport: CommandTransport {
    public let handler: GroupCommitHandler

    public init(handler: GroupCommitHandler) { self.handler = handler }

    public func send(name: String, payload: [UInt8], shardKey: String) async throws(SCIMError) -> [UInt8] {
        let incoming = IncomingCommand(name: name, payload: payload)
        return try (handler.isReadOnly(name) ? handler.read(incoming) : handler.handle([incoming])[0]).get()
    }
}
