public import ServiceLifecycle

/// Runs a ``CommandServer`` under swift-service-lifecycle.
///
/// Graceful shutdown (SIGTERM/SIGINT) asks the server to stop: it finishes and answers the batch
/// in hand and the reads running, refuses what is still queued, and closes its socket; only then
/// is the context terminated. Cancellation (the escalation after the group's grace period) shuts
/// the context down at once.
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
                server.stop()
            }
        } onCancel: {
            context.shutdown()
        }
    }
}
