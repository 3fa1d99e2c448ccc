import Dispatch
import Foundation
import Synchronization

/// One child process of `roster up`.
struct ChildSpec: Sendable {
    var name: String
    var executable: URL
    var arguments: [String]
    /// Stopped, and waited for, before the others: the ingress drains its in-flight requests
    /// while the workers that answer them are still up.
    var stopsFirst = false
}

/// Runs children, restarts one that dies (at once, then after 0.5 s doubling to 10 s; reset after 30 s of
/// uptime), and on SIGINT/SIGTERM stops them: those that stop first (the ingress), then the rest
/// (SIGTERM, then SIGKILL after 10 s at each stage).
final class Supervisor: Sendable {
    private struct Child {
        var spec: ChildSpec
        var log: ChildLog
        var process: Process?
        var started = Date()
        /// The first restart is immediate; repeated crashes back off.
        var backoff: Double = 0
    }

    private struct State {
        var children: [Child]
        var stopping = false
        var stopWaiters: [CheckedContinuation<Void, Never>] = []
        var running = 0
        /// A child that cannot start (exit 78, a configuration problem): reported once, then everything stops.
        var failed: String?
    }

    private let state: Mutex<State>
    private let signalSources = Mutex<[any DispatchSourceSignal]>([])

    /// `logDirectory`: where each child's output is also written (`<name>.log`); nil: only to stderr.
    init(children: [ChildSpec], logDirectory: URL? = nil) {
        state = Mutex(State(children: children.map { Child(spec: $0, log: ChildLog(name: $0.name, directory: logDirectory)) }))
    }

    /// The directory of the running `roster` binary, where its sibling executables are.
    static func binaryDirectory() -> URL {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: exe).deletingLastPathComponent()
    }

    func start() throws {
        for index in state.withLock({ $0.children.indices }) { try launch(index) }
        signalSources.withLock { sources in
            for sig in [SIGINT, SIGTERM] {
                signal(sig, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
                source.setEventHandler { @Sendable [self] in self.stopAll() }
                source.resume()
                sources.append(source)
            }
        }
    }

    /// Returns once every child has exited after a stop.
    func waitUntilStopped() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { s -> Bool in
                if s.stopping && s.running == 0 { return true }
                s.stopWaiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    private func launch(_ index: Int) throws {
        let (spec, childLog) = state.withLock { ($0.children[index].spec, $0.children[index].log) }
        guard FileManager.default.isExecutableFile(atPath: spec.executable.path) else {
            throw SupervisorError.missingExecutable(spec.executable.path)
        }
        let process = Process()
        process.executableURL = spec.executable
        process.arguments = spec.arguments
        let output = childLog.pipe()
        process.standardOutput = output
        process.standardError = output
        process.terminationHandler = { [self] p in
            let signalled = p.terminationReason == .uncaughtSignal
            self.exited(index, how: signalled ? Self.signalName(p.terminationStatus) : "with status \(p.terminationStatus)",
                        cannotStart: !signalled && p.terminationStatus == 78)
        }
        try process.run()
        state.withLock { s in
            s.children[index].process = process
            s.children[index].started = Date()
            s.running += 1
        }
        log("started \(spec.name) (pid \(process.processIdentifier))")
    }

    /// `killed by SIGKILL`, not `status 9`.
    static func signalName(_ signal: Int32) -> String {
        let names: [Int32: String] = [SIGHUP: "SIGHUP", SIGINT: "SIGINT", SIGQUIT: "SIGQUIT", SIGILL: "SIGILL", SIGTRAP: "SIGTRAP", SIGABRT: "SIGABRT",
                                      SIGBUS: "SIGBUS", SIGFPE: "SIGFPE", SIGKILL: "SIGKILL", SIGSEGV: "SIGSEGV", SIGPIPE: "SIGPIPE", SIGTERM: "SIGTERM"]
        return "killed by \(names[signal] ?? "signal \(signal)")"
    }

    /// The child that could not start, if one could not (`roster up` then exits non-zero).
    var failure: String? { state.withLock { $0.failed } }

    /// The pid of the running child `name`.
    func pid(of name: String) -> Int32? {
        state.withLock { s in s.children.first { $0.spec.name == name }?.process?.processIdentifier }
    }

    private func exited(_ index: Int, how: String, cannotStart: Bool) {
        // Its last lines (the reason it could not start) first, then what the supervisor says of it.
        state.withLock { $0.children[index].log }.waitUntilDrained()
        let (stopping, name, delay, waiters) = state.withLock { s -> (Bool, String, Double, [CheckedContinuation<Void, Never>]) in
            s.running -= 1
            s.children[index].process = nil
            let uptime = Date().timeIntervalSince(s.children[index].started)
            if uptime > 30 { s.children[index].backoff = 0 }
            let delay = s.children[index].backoff
            s.children[index].backoff = delay == 0 ? 0.5 : min(delay * 2, 10)
            if cannotStart && !s.stopping { s.failed = s.children[index].spec.name }
            var waiters: [CheckedContinuation<Void, Never>] = []
            if s.stopping && s.running == 0 { swap(&waiters, &s.stopWaiters) }
            return (s.stopping, s.children[index].spec.name, delay, waiters)
        }
        for w in waiters { w.resume() }
        if stopping { return }
        if cannotStart {
            log("\(name) cannot start (its reason is the line above); not restarting it. Stopping everything.")
            stopAll()
            return
        }
        log("\(name) exited \(how); restarting\(delay == 0 ? "" : " in \(delay) s")")
        DispatchQueue.global().asyncAfter(deadline: .now() + delay) { [self] in
            if state.withLock({ $0.stopping }) { return }
            do { try launch(index) } catch { log("cannot restart \(name): \(error)") }
        }
    }

    func stopAll() {
        let stages = state.withLock { s -> (first: [Process], rest: [Process])? in
            if s.stopping { return nil }
            s.stopping = true
            let first = s.children.filter(\.spec.stopsFirst).compactMap(\.process)
            let rest = s.children.filter { !$0.spec.stopsFirst }.compactMap(\.process)
            return (first, rest.reversed())
        }
        guard let stages else { return }
        if !stages.first.isEmpty || !stages.rest.isEmpty {
            log("stopping")
            // The ingress first, until it has exited (it drains in-flight HTTP requests, whose
            // workers are still up), then the workers (each finishes and answers its batch).
            DispatchQueue.global().async {
                Self.stop(stages.first)
                Self.stop(stages.rest)
            }
        }
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            guard s.running == 0 else { return [] }
            defer { s.stopWaiters.removeAll() }
            return s.stopWaiters
        }
        for w in waiters { w.resume() }
    }

    /// SIGTERM, then SIGKILL for any still running after 10 s; returns when all have exited.
    private static func stop(_ processes: [Process]) {
        for process in processes where process.isRunning { kill(process.processIdentifier, SIGTERM) }
        let deadline = Date().addingTimeInterval(10)
        while processes.contains(where: \.isRunning) && Date() < deadline { usleep(20_000) }
        for process in processes where process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    private func log(_ message: String) {
        FileHandle.standardError.write(Data("roster: \(message)\n".utf8))
    }
}

enum SupervisorError: Error, CustomStringConvertible {
    case missingExecutable(String)

    var description: String {
        switch self {
        case .missingExecutable(let path): "\(path) is missing: build the package first (swift build)"
        }
    }
}
