import Dispatch
import Foundation
import Synchronization
import Metrics
import RosterMetrics

/// A fixed set of threads that run blocking read jobs, so that a long query never holds up the
/// worker's writer thread (group commit) or the socket.
final class ReaderPool: Sendable {
    /// Reads waiting in this process's pools (a worker has one): what `roster status` shows.
    static let queued = Atomic<Int>(0)

    typealias Job = @Sendable () -> Void

    private let jobs = Mutex<(queue: [Job], closing: Bool)>(([], false))
    private let available = DispatchSemaphore(value: 0)
    private let threads: Int
    /// Reads waiting for a thread (`roster_worker_reader_queue_depth`).
    private let depth = RosterMetrics.gauge("roster_worker_reader_queue_depth")

    init(threads: Int, name: String) {
        self.threads = threads
        for index in 0..<threads {
            let thread = Thread { [self] in self.work() }
            thread.name = "\(name)-reader-\(index)"
            thread.start()
        }
    }

    func submit(_ job: @escaping Job) {
        jobs.withLock { $0.queue.append(job) }
        depth.increment()
        Self.queued.add(1, ordering: .relaxed)
        available.signal()
    }

    /// Lets every thread finish its current job and exit.
    func close() {
        jobs.withLock { $0.closing = true }
        for _ in 0..<threads { available.signal() }
    }

    private func work() {
        while true {
            available.wait()
            let next: Job? = jobs.withLock { state in
                if state.closing { return nil }
                return state.queue.isEmpty ? nil : state.queue.removeFirst()
            }
            guard let next else {
                if jobs.withLock({ $0.closing }) { return }
                continue
            }
            depth.decrement()
            Self.queued.subtract(1, ordering: .relaxed)
            next()
        }
    }
}
