public import ServiceLifecycle

/// Runs a ``CommandServer`` under swift-service-lifecycle: graceful shutdown (SIGTERM/SIGINT)
/// shuts the ZeroMQ context down, which wakes the socket's thread with ETERM; the context is
/// terminated only after that thread closed its socket.
public struct WorkerService: Service {
    let server: CommandServer
    let context: ZMQContext

    public init(server: CommandServer, context: ZMQContext) {
        self.server = server
        self.context = context
    }

    public func run() async throws {
        defer { context.terminate() }
        try await withTaskCancellationHandler {
            try await withGracefulShutdownHandler {
                try await server.run()
            } onGracefulShutdown: {
                context.shutdown()
            }
        } onCancel: {
            context.shutdown()
        }
    }
}
