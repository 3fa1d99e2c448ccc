import Foundation
import RosterTestSupport

/// Creates a ``RunningSystem``, lets `configure` set it up (extra flags), starts it (every worker
/// and the ingress unless `start` says otherwise), runs `body`, and always awaits
/// ``RunningSystem/stop(keepFiles:)``: when `body` returns and when anything throws, a failed
/// `#require` included, so no test leaves a process behind.
func withRunningSystem(
    tokenSHA256: String = sha256(e2eToken),
    configure: (RunningSystem) throws -> Void = { _ in },
    start: (RunningSystem) throws -> Void = { try $0.startAll() },
    _ body: (RunningSystem) async throws -> Void
) async throws {
    let system = try RunningSystem(tokenSHA256: tokenSHA256)
    do {
        try configure(system)
        try start(system)
        try await body(system)
    } catch {
        await system.stop()
        throw error
    }
    await system.stop()
}

/// Runs `body` with a process the test started itself, then stops it (SIGTERM, then SIGKILL)
/// whether `body` returned or threw. Stopping a process that has already exited does nothing.
@discardableResult
func withProcess<T>(_ process: Process, _ body: (Process) async throws -> T) async throws -> T {
    let result: T
    do {
        result = try await body(process)
    } catch {
        await TestProcesses.stop(process)
        throw error
    }
    await TestProcesses.stop(process)
    return result
}

extension ThrowingTaskGroup where ChildTaskResult == Void, Failure == any Error {
    /// Load for a fault test: `clients` tasks, each calling `body(client, n)` with n = 0, 1, 2 …
    /// until `deadline`.
    mutating func addLoad(clients: Int, until deadline: ContinuousClock.Instant, _ body: @escaping @Sendable (Int, Int) async throws -> Void) {
        addLoad(clients: clients, while: { ContinuousClock.now < deadline }, body)
    }

    /// Load while `going()` says so: a test on a machine busy with the rest of the suite keeps
    /// its load until it has what it needs, instead of failing for want of writes.
    mutating func addLoad(clients: Int, while going: @escaping @Sendable () -> Bool, _ body: @escaping @Sendable (Int, Int) async throws -> Void) {
        for client in 0..<clients {
            addTask {
                var n = 0
                while going() {
                    try await body(client, n)
                    n += 1
                }
            }
        }
    }
}
