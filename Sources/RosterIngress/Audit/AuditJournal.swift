import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The memory queue of ``AuditQueue`` mirrored on disk (`<audit.spoolPath>.memory`), so that an
/// ingress killed outright (SIGKILL, OOM) loses no record it had queued: each record is appended
/// with one `pwrite` (no fsync: the page cache outlives the process, a host crash may lose the last
/// ones) and the acknowledged length is kept beside it (`.acked`). The next run puts the
/// unacknowledged records back at the front of the memory queue; a record delivered twice is
/// stored once (the audit store's `UNIQUE (origin, seq)`). Owned by the queue, under its lock.
struct AuditJournal {
    private var fd: Int32
    private let ackFD: Int32
    private let path: String
    private var size = 0
    private var acked = 0
    /// A write failed: the file is not what memory holds until a rewrite succeeds.
    private var stale = false
    /// While stale, a rewrite (of up to all of memory, under the queue's lock) is tried at most once a second.
    private var nextRewrite = ContinuousClock.now
    /// Acknowledged bytes after which the journal is rewritten with only what is pending.
    static let compactAfter = 4 << 20

    init?(path: String) {
        self.path = path
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        ackFD = open(path + ".acked", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0, ackFD >= 0 else { return nil }
    }

    /// The complete records past the acknowledged length, oldest first; the journal then holds
    /// exactly them, all unacknowledged.
    mutating func recover() -> [[UInt8]] {
        var ackedBytes: Int64 = 0
        _ = pread(ackFD, &ackedBytes, 8, 0)
        let end = Int(lseek(fd, 0, SEEK_END))
        let start = min(max(0, Int(Int64(littleEndian: ackedBytes))), end)
        var buffer = [UInt8](repeating: 0, count: end - start)
        let read = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(start)) }
        var lines: [[UInt8]] = []
        if read == buffer.count {
            var lineStart = 0
            for (i, byte) in buffer.enumerated() where byte == 0x0A {
                lines.append(Array(buffer[lineStart..<i]))
                lineStart = i + 1
            }
        }
        stale = !rewrite(lines[...])
        return lines
    }

    /// Appends `line`, the last of `pending` (what memory holds, oldest first). After an append
    /// that failed (a full disk), the journal no longer matches memory, and byte offsets into it
    /// would point past records it has: it is rewritten from `pending` as soon as a write succeeds.
    mutating func append(_ line: [UInt8], pending: ArraySlice<[UInt8]>) {
        if stale {
            retryRewrite(pending)
            return
        }
        let bytes = line + [0x0A]
        if bytes.withUnsafeBytes({ pwrite(fd, $0.baseAddress, $0.count, off_t(size)) }) == bytes.count {
            size += bytes.count
        } else {
            stale = true
            retryRewrite(pending)
        }
    }

    /// `bytes` more were delivered; `pending` is what memory still holds.
    mutating func acknowledge(bytes: Int, pending: ArraySlice<[UInt8]>) {
        acked += bytes
        if stale {
            retryRewrite(pending)
        } else if pending.isEmpty || acked >= Self.compactAfter {
            stale = !rewrite(pending)
        } else {
            writeAcked()
        }
    }

    private mutating func retryRewrite(_ pending: ArraySlice<[UInt8]>) {
        guard ContinuousClock.now >= nextRewrite else { return }
        stale = !rewrite(pending)
        if stale { nextRewrite = ContinuousClock.now + .seconds(1) }
    }

    /// Everything in memory went to the spool (a graceful stop).
    mutating func clear() { stale = !rewrite([]) }

    /// The journal made of `lines` alone: truncated in place when empty, else written to a
    /// temporary file and renamed over it, so a crash leaves the old or the new one, never a mix.
    /// Whether the journal now holds exactly `lines`.
    @discardableResult
    private mutating func rewrite(_ lines: ArraySlice<[UInt8]>) -> Bool {
        guard !lines.isEmpty else {
            guard ftruncate(fd, 0) == 0 else { return false }
            size = 0
            acked = 0
            return writeAcked()
        }
        var bytes: [UInt8] = []
        for line in lines { bytes += line; bytes.append(0x0A) }
        let temporary = path + ".tmp"
        let out = open(temporary, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard out >= 0, bytes.withUnsafeBytes({ write(out, $0.baseAddress, $0.count) }) == bytes.count else {
            if out >= 0 { close(out) }
            unlink(temporary)
            return false  // the old journal stays, with its acknowledged length: at worst, records delivered twice
        }
        // The new file has no acknowledged bytes: the length is reset first, so a crash between
        // the two steps replays at most what was already delivered.
        acked = 0
        guard writeAcked(), rename(temporary, path) == 0 else {
            close(out)
            unlink(temporary)
            return false
        }
        close(fd)
        fd = out
        size = bytes.count
        return true
    }

    @discardableResult
    private func writeAcked() -> Bool {
        var value = Int64(acked).littleEndian
        return pwrite(ackFD, &value, 8, 0) == 8
    }
}
