import Foundation

/// A failure that no restart can fix: a port in use, a store that cannot be opened, a bad setting.
/// The process exits with ``exitCode`` (EX_CONFIG) and one line, and `roster up` does not restart it.
public struct StartupError: Error, CustomStringConvertible {
    /// `sysexits.h`'s EX_CONFIG.
    public static let exitCode: Int32 = 78
    public var description: String

    public init(_ description: String) { self.description = description }
}

extension RosterConfiguration {
    /// Runs a process's main; a thrown error ends it with one line on stderr (never a crash dump),
    /// exit code 78 for a ``StartupError``, 1 otherwise.
    public static func main(_ name: String, _ body: () async throws -> Void) async -> Never {
        do {
            try await body()
            exit(0)
        } catch let error as StartupError {
            FileHandle.standardError.write(Data("\(name): cannot start: \(error.description)\n".utf8))
            exit(StartupError.exitCode)
        } catch {
            FileHandle.standardError.write(Data("\(name): stopped: \(error)\n".utf8))
            exit(1)
        }
    }
}
