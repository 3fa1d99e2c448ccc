import Foundation
import NIOPosix
import RosterCrypto

/// PBKDF2 off the async executor.
///
/// One hash costs ≈0.2 s of CPU (600,000 iterations): run inline, a burst of Okta creates with
/// passwords would hold the threads that serve every other request. It runs on a pool of its own,
/// half the cores (at least one thread), so that the event loops keep at least one core; work
/// beyond the pool's threads waits in its queue.
struct PasswordWork: Sendable {
    let hasher: PasswordHasher

    init(iterations: Int) { hasher = PasswordHasher(iterations: iterations) }

    static let pool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: max(1, ProcessInfo.processInfo.activeProcessorCount / 2))
        pool.start()
        return pool
    }()

    /// The salted hash of `password`, computed on the pool.
    func hash(_ password: String) async throws -> String {
        let hasher = self.hasher
        return try await Self.pool.runIfActive { hasher.hash(password) }
    }

    /// Whether `password` matches `encoded`, checked on the pool.
    static func verify(_ password: String, against encoded: String) async throws -> Bool {
        try await pool.runIfActive { PasswordHasher.verify(password, against: encoded) }
    }
}
