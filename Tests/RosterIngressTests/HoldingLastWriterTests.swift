import HTTPTypes
import Hummingbird
import NIOCore
@testable import RosterIngress
import Synchronization
import Testing

/// The audit record is queued before the last bytes of an answer leave, never after.
struct HoldingLastWriterTests {
    final class Events: Sendable {
        let list = Mutex<[String]>([])
        func add(_ event: String) { list.withLock { $0.append(event) } }
    }

    struct Recording: ResponseBodyWriter {
        let events: Events
        mutating func write(_ buffer: ByteBuffer) async throws { events.add("write \(String(buffer: buffer))") }
        consuming func finish(_ trailingHeaders: HTTPFields?) async throws { events.add("finish") }
    }

    @Test func theHookRunsBeforeTheLastBufferIsWritten() async throws {
        let events = Events()
        var writer = HoldingLastWriter(base: Recording(events: events)) { events.add("record queued") }
        try await writer.write(ByteBuffer(string: "a"))
        try await writer.write(ByteBuffer(string: "b"))
        #expect(events.list.withLock { $0 } == ["write a"], "the newest buffer is held back")
        try await writer.finish(nil)
        #expect(events.list.withLock { $0 } == ["write a", "record queued", "write b", "finish"])
    }

    @Test func onceRunsItsBodyOnlyOnce() {
        let once = Once()
        let count = Mutex(0)
        for _ in 0..<3 { once.run { count.withLock { $0 += 1 } } }
        #expect(count.withLock { $0 } == 1)
    }
}
