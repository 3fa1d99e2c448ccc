import Hummingbird
import HTTPTypes
import NIOCore
import Synchronization

/// A body writer one buffer behind the body: it runs `beforeLast` before the last buffer goes
/// out. A `Content-Length` client has its whole answer only with the last byte, so an audit
/// record queued in `beforeLast` exists before any client holds a complete answer.
struct HoldingLastWriter: ResponseBodyWriter {
    var base: any ResponseBodyWriter
    var held: ByteBuffer?
    let beforeLast: @Sendable () -> Void

    init(base: any ResponseBodyWriter, beforeLast: @escaping @Sendable () -> Void) {
        self.base = base
        self.beforeLast = beforeLast
    }

    mutating func write(_ buffer: ByteBuffer) async throws {
        if let previous = held { try await base.write(previous) }
        held = buffer
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {
        beforeLast()
        if let held { try await base.write(held) }
        try await base.finish(trailingHeaders)
    }
}

/// Runs a closure at most once, from any thread.
final class Once: Sendable {
    private let done = Atomic<Bool>(false)

    func run(_ body: () -> Void) {
        if done.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged { body() }
    }
}

/// Runs a closure when the last reference to it goes: a response body never written still
/// queues its audit record.
final class OnRelease: Sendable {
    private let body: @Sendable () -> Void

    init(_ body: @escaping @Sendable () -> Void) { self.body = body }

    deinit { body() }
}
