import Dispatch
import Foundation
import Synchronization

/// The output of one child of `roster up`: each line goes to `roster up`'s standard error with
/// the child's name in front (`[users] …`), and to `DATA/logs/<child>.log`, rotated by size
/// (`<child>.log.1` … `.3`), which `roster logs` reads. Writes never trap (a full disk or a closed
/// terminal costs log lines, not the supervisor).
final class ChildLog: Sendable {
    static let maxBytes = 10 << 20
    static let kept = 3

    let name: String
    let file: URL?
    /// Whether lines also go to this process's standard error (roster up's terminal).
    let echo: Bool
    private struct State {
        var partial: [UInt8] = []
        var handle: FileHandle?
        var size = 0
        /// The current child's pipe, held until its end is read (the process may be gone before).
        var pipe: Pipe?
        var drained: DispatchSemaphore?
    }
    private let state = Mutex(State())

    init(name: String, directory: URL?, echo: Bool = true) {
        self.name = name
        self.file = directory?.appendingPathComponent("\(name).log")
        self.echo = echo
        if let directory { try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) }
    }

    /// A pipe for a new run of the child: its standard output and error.
    func pipe() -> Pipe {
        let pipe = Pipe()
        let drained = DispatchSemaphore(value: 0)
        state.withLock { s in
            flush(&s)  // what the previous run left without a newline
            s.pipe = pipe
            s.drained = drained
        }
        pipe.fileHandleForReading.readabilityHandler = { [self] handle in
            let data = handle.availableData
            guard data.isEmpty else { append(Array(data)); return }
            handle.readabilityHandler = nil
            state.withLock { s in
                flush(&s)
                if s.pipe === pipe { s.pipe = nil }
            }
            drained.signal()
        }
        return pipe
    }

    /// Waits (at most `timeout`) until the current run's output is all read: called when the child
    /// exits, so that its last words come before the supervisor's line about it.
    func waitUntilDrained(timeout: DispatchTimeInterval = .seconds(1)) {
        guard let drained = state.withLock({ $0.drained }) else { return }
        _ = drained.wait(timeout: .now() + timeout)
        drained.signal()  // a second waiter does not wait again
    }

    func append(_ bytes: [UInt8]) {
        state.withLock { s in
            s.partial += bytes
            guard let last = s.partial.lastIndex(of: 0x0A) else {
                if s.partial.count > 64 << 10 { flush(&s) }  // a line without end: cut, so memory stays bounded
                return
            }
            let complete = Array(s.partial[...last])
            s.partial.removeSubrange(...last)
            write(complete, &s)
        }
    }

    private func flush(_ s: inout State) {
        guard !s.partial.isEmpty else { return }
        write(s.partial + [0x0A], &s)
        s.partial.removeAll()
    }

    /// Whole lines, each ending in a newline: one write to each destination.
    private func write(_ lines: [UInt8], _ s: inout State) {
        if echo {
            let prefix = Array("[\(name)] ".utf8)
            var out: [UInt8] = []
            out.reserveCapacity(lines.count + 32)
            var start = lines.startIndex
            while start < lines.endIndex {
                let end = lines[start...].firstIndex(of: 0x0A) ?? lines.endIndex - 1
                out += prefix
                out += lines[start...end]
                start = end + 1
            }
            try? FileHandle.standardError.write(contentsOf: Data(out))
        }
        guard let file else { return }
        if s.handle == nil {
            if !FileManager.default.fileExists(atPath: file.path) { _ = FileManager.default.createFile(atPath: file.path, contents: nil) }
            s.handle = try? FileHandle(forWritingTo: file)
            s.size = Int((try? s.handle?.seekToEnd()) ?? 0)
        }
        try? s.handle?.write(contentsOf: Data(lines))
        s.size += lines.count
        if s.size > Self.maxBytes { rotate(&s) }
    }

    private func rotate(_ s: inout State) {
        guard let file else { return }
        try? s.handle?.close()
        s.handle = nil
        let manager = FileManager.default
        try? manager.removeItem(atPath: file.path + ".\(Self.kept)")
        for n in stride(from: Self.kept - 1, through: 1, by: -1) { try? manager.moveItem(atPath: file.path + ".\(n)", toPath: file.path + ".\(n + 1)") }
        try? manager.moveItem(atPath: file.path, toPath: file.path + ".1")
        s.size = 0
    }
}
