import Foundation
import Synchronization

/// The output of one child of `roster up`: each line goes to `roster up`'s standard error with
/// the child's name in front (`[users] …`), and to `DATA/logs/<child>.log`, rotated by size
/// (`<child>.log.1` … `.3`), which `roster logs` reads.
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
    }
    private let state = Mutex(State())

    init(name: String, directory: URL?, echo: Bool = true) {
        self.name = name
        self.echo = echo
        self.file = directory?.appendingPathComponent("\(name).log")
        if let directory { try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) }
    }

    /// A pipe whose every line ends up here: the child's standard output and error.
    func pipe() -> Pipe {
        let pipe = Pipe()
        pipe.fileHandleForReading.readabilityHandler = { [self] handle in
            let data = handle.availableData
            if data.isEmpty { handle.readabilityHandler = nil; flush(); return }
            append(Array(data))
        }
        return pipe
    }

    func append(_ bytes: [UInt8]) {
        state.withLock { s in
            s.partial += bytes
            while let newline = s.partial.firstIndex(of: 0x0A) {
                let line = Array(s.partial[..<newline])
                s.partial.removeSubrange(...newline)
                write(line, &s)
            }
            if s.partial.count > 64 << 10 {  // a line without end: cut, so memory stays bounded
                write(s.partial, &s)
                s.partial.removeAll()
            }
        }
    }

    private func flush() {
        state.withLock { s in
            if !s.partial.isEmpty { write(s.partial, &s); s.partial.removeAll() }
        }
    }

    private func write(_ line: [UInt8], _ s: inout State) {
        if echo { FileHandle.standardError.write(Data(Array("[\(name)] ".utf8) + line + [0x0A])) }
        guard let file else { return }
        if s.handle == nil {
            if !FileManager.default.fileExists(atPath: file.path) { _ = FileManager.default.createFile(atPath: file.path, contents: nil) }
            s.handle = try? FileHandle(forWritingTo: file)
            s.size = Int((try? s.handle?.seekToEnd()) ?? 0)
        }
        s.handle?.write(Data(line + [0x0A]))
        s.size += line.count + 1
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
