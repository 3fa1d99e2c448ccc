public import ServiceLifecycle

/// Owns outgoing worker connections: at graceful shutdown it closes them, then terminates their
/// ZeroMQ context. Put it before the services that use the connections: those stop first
/// (ServiceGroup stops in reverse order), so in-flight requests still get their replies.
public struct ClientConnectionsService: Service {
    let clients: [WorkerClient]
    let context: ZMQContext

    public init(clients: [WorkerClient], context: ZMQContext) {
        self.clients = clients
        self.context = context
    }

    public func run() async throws {
        try? await gracefulShutdown()
        for client in clients { await client.shutdown() }
        context.terminate()
    }
}
