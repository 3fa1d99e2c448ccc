import Foundation
public import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Audit records on their way to the audit worker, oldest first, never reordered.
///
/// Records wait in memory up to `memoryBytes`; beyond that, and for as long as the spool file
/// has records, they are appended to the spool file (up to `spoolBytes` pending); beyond that
/// they are dropped and counted. Every record in memory is older than every record in the
/// spool, so delivering memory first and then the spool keeps the order. A record leaves only
/// when the worker has acknowledged it. The spool survives a restart of the ingress; what is in
/// memory at a graceful stop is written to it first, and what is in memory when the ingress is
/// killed is recovered from ``AuditJournal``, its mirror on disk.
public final class AuditQueue: Sendable {
    public struct Limits: Sendable {
        public var memoryBytes: Int
        public var spoolBytes: Int
        /// The spool file; nil: memory only (tests).
        public var spoolPath: String?

        public init(memoryBytes: Int, spoolBytes: Int, spoolPath: String?) {
            self.memoryBytes = memoryBytes
            self.spoolBytes = spoolBytes
            self.spoolPath = spoolPath
        }
    }

    /// Records taken for delivery; hand it back to ``acknowledge(_:)`` once stored.
    public struct Batch: Sendable {
        public var lines: [[UInt8]]
        var fromMemory: Int
        var spoolAdvance: Int
    }

    /// Counters for `/metrics` and the admin API.
    public struct Counters: Sendable, Equatable {
        public var enqueued = 0
        public var delivered = 0
        public var dropped = 0
        public var memoryBytes = 0
        /// Derived from the queue itself when read.
        public var memoryRecords = 0
        public var spoolBytes = 0
    }

    private struct State {
        var memory: [[UInt8]] = []
        var head = 0
        var counters = Counters()
        var spoolSize = 0
        var spoolRead = 0
        var lastDropLog: ContinuousClock.Instant?
        var journal: AuditJournal?
        var spooling: Bool { spoolSize > spoolRead }
    }

    public let limits: Limits
    private let state = Mutex(State())
    private let fd: Int32
    private let logger: Logger

    public init(limits: Limits, logger: Logger) {
        self.limits = limits
        self.logger = logger
        var descriptor: Int32 = -1
        var size = 0
        if let path = limits.spoolPath {
            try? FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
            descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            if descriptor >= 0 && flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
                // Two ingresses appending to one spool would interleave and redeliver each other's records.
                close(descriptor)
                descriptor = -1
                logger.error("the audit spool file is in use by another ingress: give each ingress its own audit.spoolPath; until then records beyond the memory bound are dropped",
                             metadata: ["path": "\(path)"])
            } else if descriptor < 0 {
                logger.error("cannot open the audit spool file; records beyond the memory bound will be dropped", metadata: ["path": "\(path)"])
            } else {
                size = Self.completeLength(descriptor)
                ftruncate(descriptor, off_t(size))
                if size > 0 { logger.notice("audit records left in the spool by an earlier run will be delivered", metadata: ["bytes": "\(size)"]) }
            }
        }
        fd = descriptor
        // Only with the spool's lock held: the journal belongs to the ingress that owns the spool.
        var journal = descriptor >= 0 ? limits.spoolPath.flatMap { AuditJournal(path: $0 + ".memory") } : nil
        let recovered = journal?.recover() ?? []
        if !recovered.isEmpty { logger.notice("audit records queued by an ingress that was killed will be delivered", metadata: ["records": "\(recovered.count)"]) }
        state.withLock { s in
            s.spoolSize = size
            s.journal = journal
            s.memory = recovered
            s.counters.memoryBytes = recovered.reduce(0) { $0 + $1.count }
        }
    }

    deinit { if fd >= 0 { close(fd) } }

    /// The length of the spool up to its last complete line (a crash may have cut the last one).
    private static func completeLength(_ fd: Int32) -> Int {
        var size = Int(lseek(fd, 0, SEEK_END))
        var byte: UInt8 = 0
        while size > 0 && pread(fd, &byte, 1, off_t(size - 1)) == 1 && byte != 0x0A { size -= 1 }
        return max(size, 0)
    }

    public var counters: Counters {
        state.withLock { s in
            var c = s.counters
            c.memoryRecords = s.memory.count - s.head
            c.spoolBytes = s.spoolSize - s.spoolRead
            return c
        }
    }

    /// Queues one serialized record, a JSON object without newlines and without `seq`: the
    /// queue numbers records itself, under its lock, so `seq` order is queue order. Never blocks
    /// on the worker.
    public func enqueue(_ object: [UInt8]) {
        let dropped: Int? = state.withLock { s in
            s.counters.enqueued += 1
            let line = Array("{\"seq\":\(s.counters.enqueued),".utf8) + object.dropFirst()
            if !s.spooling && s.counters.memoryBytes + line.count <= limits.memoryBytes {
                s.memory.append(line)
                s.journal?.append(line, pending: s.memory[s.head...])
                s.counters.memoryBytes += line.count
                return nil
            }
            if fd >= 0, s.spoolSize - s.spoolRead + line.count + 1 <= limits.spoolBytes, append(line + [0x0A], at: s.spoolSize) {
                s.spoolSize += line.count + 1
                return nil
            }
            s.counters.dropped += 1
            let now = ContinuousClock.now
            if let last = s.lastDropLog, now - last < .seconds(10) { return nil }
            s.lastDropLog = now
            return s.counters.dropped
        }
        if let dropped {
            logger.error("audit queue full: records are being dropped while the audit worker is unreachable", metadata: [
                "droppedTotal": "\(dropped)", "memoryBound": "\(limits.memoryBytes)", "spoolBound": "\(limits.spoolBytes)",
            ])
        }
    }

    private func append(_ bytes: [UInt8], at offset: Int) -> Bool {
        bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, off_t(offset)) } == bytes.count
    }

    /// The oldest records not yet acknowledged: from memory, or (memory empty) from the spool.
    public func nextBatch(maxRecords: Int, maxBytes: Int) -> Batch? {
        let (memoryLines, spoolRange) = state.withLock { s -> ([[UInt8]], (Int, Int)?) in
            if s.head < s.memory.count {
                var lines: [[UInt8]] = []
                var bytes = 0
                var i = s.head
                while i < s.memory.count && lines.count < maxRecords && (lines.isEmpty || bytes + s.memory[i].count <= maxBytes) {
                    bytes += s.memory[i].count
                    lines.append(s.memory[i])
                    i += 1
                }
                return (lines, nil)
            }
            return ([], s.spooling ? (s.spoolRead, s.spoolSize) : nil)
        }
        if !memoryLines.isEmpty { return Batch(lines: memoryLines, fromMemory: memoryLines.count, spoolAdvance: 0) }
        guard let (start, end) = spoolRange else { return nil }
        // The region [start, end) is never rewritten while pending, so it is read without the lock.
        var chunk = max(maxBytes, 1 << 16)
        while true {
            let length = min(chunk, end - start)
            var buffer = [UInt8](repeating: 0, count: length)
            let read = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, length, off_t(start)) }
            guard read == length else { return nil }
            var lines: [[UInt8]] = []
            var consumed = 0
            var lineStart = 0
            for (i, byte) in buffer.enumerated() where byte == 0x0A {
                if lines.count == maxRecords { break }
                lines.append(Array(buffer[lineStart..<i]))
                lineStart = i + 1
                consumed = lineStart
            }
            if !lines.isEmpty || length == end - start { return Batch(lines: lines, fromMemory: 0, spoolAdvance: consumed) }
            chunk *= 2  // one record longer than the chunk
        }
    }

    /// Forgets a delivered (or refused) batch.
    public func acknowledge(_ batch: Batch, delivered: Bool = true) {
        state.withLock { s in
            if batch.fromMemory > 0 {
                var bytes = 0
                for i in s.head..<(s.head + batch.fromMemory) { bytes += s.memory[i].count }
                s.counters.memoryBytes -= bytes
                s.head += batch.fromMemory
                s.journal?.acknowledge(bytes: bytes + batch.fromMemory, pending: s.memory[s.head...])
                if s.head > 1024 && s.head * 2 > s.memory.count {
                    s.memory.removeFirst(s.head)
                    s.head = 0
                }
            }
            s.spoolRead += batch.spoolAdvance
            if s.spoolRead >= s.spoolSize && s.spoolSize > 0 {
                ftruncate(fd, 0)
                s.spoolSize = 0
                s.spoolRead = 0
            }
            if delivered { s.counters.delivered += batch.lines.count } else { s.counters.dropped += batch.lines.count }
        }
    }

    /// At a graceful stop: writes what is still in memory to the front of the spool, so that the
    /// next run delivers it. Returns how many records were saved.
    @discardableResult
    public func persistMemory() -> Int {
        guard let path = limits.spoolPath, fd >= 0 else { return 0 }
        return state.withLock { s in
            let pending = Array(s.memory[s.head...])
            guard !pending.isEmpty else { return 0 }
            var bytes: [UInt8] = []
            for line in pending { bytes += line; bytes.append(0x0A) }
            var rest = [UInt8](repeating: 0, count: s.spoolSize - s.spoolRead)
            if !rest.isEmpty { _ = rest.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(s.spoolRead)) } }
            bytes += rest
            let temporary = path + ".tmp"
            let out = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
            let written = out >= 0 && bytes.withUnsafeBytes { write(out, $0.baseAddress, $0.count) } == bytes.count && fsync(out) == 0
            if out >= 0 { close(out) }
            guard written, rename(temporary, path) == 0 else {
                logger.error("cannot save queued audit records at shutdown", metadata: ["records": "\(pending.count)"])
                return 0
            }
            s.memory.removeAll()
            s.head = 0
            s.counters.memoryBytes = 0
            s.journal?.clear()
            return pending.count
        }
    }
}
