import Foundation
import Synchronization
import ServiceLifecycle
import Metrics
import RosterConfig
import RosterMetrics
public import GRDB
public import Logging
public import RosterMessaging
public import RosterProtocol
public import SCIMCore

/// The commands a store understands, by wire name.
public struct CommandTable: Sendable {
    /// Applies an encoded command; the gate (nil in a store without directories to move) refuses
    /// commands on a directory an online reshard is moving.
    public typealias Apply = @Sendable (Database, [UInt8], DirectoryGate?) throws -> [UInt8]
    var entries: [String: Apply] = [:]
    var readOnly: Set<String> = []
    /// Commands that run alone, outside the batch transaction, and open their own (ATTACH needs it).
    var exclusive: Set<String> = []
    /// Commands about one directory's resources (``DirectoryScoped``): what the gate checks.
    public private(set) var scoped: Set<String> = []

    public init() {}

    /// The names of every command registered.
    public var names: Set<String> { Set(entries.keys) }

    /// Registers the function that applies `C` inside the batch transaction.
    public mutating func register<C: Command>(_ type: C.Type, _ apply: @escaping @Sendable (Database, C) throws -> C.Reply) {
        add(type, reading: false) { db, c, _ in try apply(db, c) }
    }

    /// Registers a command that only reads: it runs on a reader connection, concurrently with
    /// other reads and with the writer, and sees the last committed state.
    public mutating func registerRead<C: Command>(_ type: C.Type, _ apply: @escaping @Sendable (Database, C) throws -> C.Reply) {
        add(type, reading: true) { db, c, _ in try apply(db, c) }
        readOnly.insert(C.name)
    }

    /// Registers a command that runs alone on the writer connection, outside any transaction.
    mutating func registerExclusive<C: Command>(_ type: C.Type, _ apply: @escaping @Sendable (Database, C, DirectoryGate?) throws -> C.Reply) {
        add(type, reading: false, apply)
        exclusive.insert(C.name)
    }

    mutating func add<C: Command>(_ type: C.Type, reading: Bool, _ apply: @escaping @Sendable (Database, C, DirectoryGate?) throws -> C.Reply) {
        if C.self is any DirectoryScoped.Type { scoped.insert(C.name) }
        entries[C.name] = { db, payload, gate in
            let command = try CommandCodec.decode(C.self, from: payload)
            if let gate, let scoped = command as? any DirectoryScoped { try gate.admit(scoped.directoryID, reading: reading) }
            return CommandCodec.encode(try apply(db, command, gate))
        }
    }
}

/// Group commit (docs/design.md §2): every command of a batch runs in its own savepoint inside one
/// transaction, so one bad command fails alone; the results go out only after the commit, so an
/// acknowledged write is on disk (`synchronous=FULL`).
///
/// A keyed command's result is recorded (``IdempotencyLedger``) in its own savepoint, so "applied"
/// and "recorded" commit together: a resend of the same key finds the first result instead of
/// applying the command twice.
public final class GroupCommitHandler: CommandBatchHandler {
    let pool: DatabasePool
    let table: CommandTable
    let logger: Logger
    let ledger = IdempotencyLedger()
    let metrics: CommandMetrics
    /// Refuses commands on directories an online reshard moves; nil in stores it does not shard.
    let gate: DirectoryGate?

    public init(pool: DatabasePool, table: CommandTable, logger: Logger, gated: Bool = false) throws {
        self.pool = pool
        self.table = table
        self.logger = logger
        self.metrics = CommandMetrics(names: table.entries.keys)
        try pool.write { db in try IdempotencyLedger.create(db) }
        gate = gated ? try pool.writeWithoutTransaction { db in try DirectoryGate(db) } : nil
    }

    public func handle(_ batch: [IncomingCommand]) -> [Result<[UInt8], SCIMError>] {
        let started = ContinuousClock.now
        let (results, durations) = apply(batch)
        CommitSignal.bump()
        metrics.batchSize.record(batch.count)
        metrics.commit.record(duration: ContinuousClock.now - started)
        // Counted from the final results: a batch whose commit failed answered every command 503.
        for (index, command) in batch.enumerated() where table.entries[command.name] != nil {
            metrics.finished(command.name, results[index], took: durations[index])
        }
        if logger.logLevel <= .debug {
            let failed = results.filter { if case .failure = $0 { true } else { false } }.count
            logger.debug("batch committed", metadata: [
                "commands": "\(batch.count)", "failed": "\(failed)", "names": "\(Set(batch.map(\.name)).sorted().joined(separator: ","))",
                "requests": "\(batch.compactMap(\.requestID).joined(separator: ","))",
                "ms": "\(started.millisecondsSince)",
            ])
        }
        return results
    }

    private func apply(_ batch: [IncomingCommand]) -> ([Result<[UInt8], SCIMError>], [Duration]) {
        // Rare (an online reshard's steps): commands that need the writer outside a transaction
        // split the batch, each of the others then committing alone, in order.
        if !table.exclusive.isEmpty, batch.contains(where: { table.exclusive.contains($0.name) }) {
            var results: [Result<[UInt8], SCIMError>] = []
            var durations: [Duration] = []
            for command in batch {
                let (result, duration) = table.exclusive.contains(command.name) ? applyAlone(command) : applyBatch([command])
                results += result
                durations += duration
            }
            return (results, durations)
        }
        return applyBatch(batch)
    }

    private func applyAlone(_ command: IncomingCommand) -> ([Result<[UInt8], SCIMError>], [Duration]) {
        let started = ContinuousClock.now
        let result: Result<[UInt8], SCIMError>
        do {
            let apply = table.entries[command.name]!
            result = .success(try pool.writeWithoutTransaction { db in try apply(db, command.payload, gate) })
        } catch {
            result = .failure(scimError(for: error, command: command.name))
        }
        return ([result], [ContinuousClock.now - started])
    }

    private func applyBatch(_ batch: [IncomingCommand]) -> ([Result<[UInt8], SCIMError>], [Duration]) {
        var results = [Result<[UInt8], SCIMError>](repeating: .failure(.internalError()), count: batch.count)
        var durations = [Duration](repeating: .zero, count: batch.count)
        do {
            try pool.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    try ledger.rotate(db)
                    for (index, command) in batch.enumerated() {
                        guard let apply = table.entries[command.name] else {
                            results[index] = .failure(.notImplemented("This worker does not know the command '\(command.name)'."))
                            continue
                        }
                        if let key = command.key, command.isRetry {
                            if let first = try IdempotencyLedger.result(db, key: key) {
                                results[index] = .success(first)
                                continue
                            }
                            if let deadline = command.deadline, Envelope.nowMilliseconds() > deadline - CommandServer.expiryMargin {
                                results[index] = .failure(.unavailable("The command expired before it could be applied; it was not applied.", retryAfter: 1))
                                continue
                            }
                        }
                        let commandStarted = ContinuousClock.now
                        defer { durations[index] = ContinuousClock.now - commandStarted }
                        do {
                            try db.inSavepoint {
                                // The feed names the IdP whose request caused each effect.
                                let reply = try RequestConfiguration.$current.withValue(command.configurationID) { try apply(db, command.payload, gate) }
                                if let key = command.key { try ledger.record(db, key: key, reply: reply) }
                                results[index] = .success(reply)
                                return .commit
                            }
                        } catch {
                            results[index] = .failure(scimError(for: error, command: command.name))
                        }
                    }
                    return .commit
                }
            }
        } catch {
            logger.error("batch transaction failed; nothing of it was applied", metadata: ["commands": "\(batch.count)", "error": "\(error)"])
            return (batch.map { _ in .failure(.unavailable("The store could not commit the change; it was not applied.", retryAfter: 1)) }, durations)
        }
        return (results, durations)
    }

    public func isReadOnly(_ name: String) -> Bool { table.readOnly.contains(name) }

    public func read(_ command: IncomingCommand) -> Result<[UInt8], SCIMError> {
        guard let apply = table.entries[command.name] else {
            return .failure(.notImplemented("This worker does not know the command '\(command.name)'."))
        }
        if logger.logLevel <= .debug {
            logger.debug("read", metadata: ["name": "\(command.name)", "request": "\(command.requestID ?? "-")"])
        }
        let started = ContinuousClock.now
        let result: Result<[UInt8], SCIMError>
        do {
            result = .success(try pool.read { db in try apply(db, command.payload, gate) })
        } catch {
            result = .failure(scimError(for: error, command: command.name))
        }
        metrics.finished(command.name, result, took: ContinuousClock.now - started)
        return result
    }

    private func scimError(for error: any Error, command: String) -> SCIMError {
        if let error = error as? SCIMError { return error }
        if let error = error as? DatabaseError, error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            return .uniqueness()
        }
        // Another connection held the file longer than the busy timeout: nothing was applied, and
        // trying again is the answer (a job pauses and retries rather than failing).
        if let error = error as? DatabaseError, error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
            return .unavailable("The store was busy; the command was not applied. Try again shortly.", retryAfter: 1)
        }
        logger.error("command failed", metadata: ["command": "\(command)", "error": "\(error)"])
        return .internalError()
    }
}

/// Moves after every batch of writes this process's store committed (or tried to): what its own
/// background services (the feed relay, the webhook dispatcher) wait on instead of polling the
/// database while nothing happens.
public enum CommitSignal {
    /// What one round of a follower did: nothing left (`idle`), a full batch with more behind it
    /// (`more`), or a failure to retry after a backoff (`failed`).
    public enum Round: Sendable { case idle, more, failed }

    private enum Waiter { case waiting(CheckedContinuation<Void, Never>), cancelled }
    private static let state = Mutex<(generation: Int, waiters: [UInt64: Waiter], next: UInt64)>((0, [:], 0))

    public static var current: Int { state.withLock { $0.generation } }

    /// Wakes everything waiting for a commit.
    public static func bump() {
        let woken: [CheckedContinuation<Void, Never>] = state.withLock { s in
            s.generation += 1
            let waiting = s.waiters.values.compactMap { if case .waiting(let c) = $0 { c } else { nil } }
            s.waiters.removeAll()
            return waiting
        }
        for c in woken { c.resume() }
    }

    /// Returns once the generation is no longer `seen` (nil: do not wait for it), or at `deadline`,
    /// or when the task is cancelled.
    static func wait(changedFrom seen: Int?, until deadline: ContinuousClock.Instant) async {
        await withTaskGroup(of: Void.self) { group in
            if let seen { group.addTask { await waitForChange(from: seen) } }
            group.addTask { try? await Task.sleep(until: deadline) }
            await group.next()
            group.cancelAll()
        }
    }

    private static func waitForChange(from seen: Int) async {
        let id = state.withLock { s in
            s.next += 1
            return s.next
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { s -> Bool in
                    if s.generation != seen || s.waiters[id] != nil { return true }  // changed already, or cancelled first
                    s.waiters[id] = .waiting(c)
                    return false
                }
                if resumeNow {
                    state.withLock { _ = $0.waiters.removeValue(forKey: id) }
                    c.resume()
                }
            }
        } onCancel: {
            let waiting: CheckedContinuation<Void, Never>? = state.withLock { s in
                if case .waiting(let c)? = s.waiters[id] {
                    s.waiters[id] = nil
                    return c
                }
                s.waiters[id] = .cancelled
                return nil
            }
            waiting?.resume()
        }
    }

    /// Runs `round` after each commit since the last one ran, and at least every `fallback` (work
    /// left by an earlier process, or a failure to retry), until graceful shutdown. `round` says
    /// when it wants to run again regardless: `.more` at once, `.failed` after a backoff up to
    /// 5 s (commits meanwhile do not hurry it), or at the instant it returns.
    ///
    /// After an idle round it first waits `coalesce`: under a stream of commits a round then takes
    /// what several of them wrote, instead of one round trip per commit.
    public static func follow(fallback: Duration, coalesce: Duration = .milliseconds(10), _ round: () async -> (Round, ContinuousClock.Instant?)) async {
        var seen = -1
        var due = ContinuousClock.now
        var backoff = Duration.milliseconds(50)
        var failing = false
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let generation = current
            if (generation != seen && !failing) || ContinuousClock.now >= due {
                seen = generation  // taken before the round: a commit during it wakes the next wait
                let (outcome, wanted) = await round()
                let now = ContinuousClock.now
                failing = outcome == .failed
                switch outcome {
                case .more: continue
                case .idle:
                    backoff = .milliseconds(50)
                    due = min(wanted ?? now + fallback, now + fallback)
                    await cancelWhenGracefulShutdown { try? await Task.sleep(for: coalesce) }
                case .failed:
                    backoff = min(backoff * 2, .seconds(5))
                    due = now + backoff
                }
            }
            let (waitFor, until) = (failing ? nil : seen, due)
            await cancelWhenGracefulShutdown { await wait(changedFrom: waitFor, until: until) }
        }
    }
}

extension CommandTable {
    /// Both tables' commands; `other`'s win on a clash of names.
    public func merging(_ other: CommandTable) -> CommandTable {
        var merged = self
        merged.entries.merge(other.entries) { _, theirs in theirs }
        merged.readOnly.formUnion(other.readOnly)
        merged.exclusive.formUnion(other.exclusive)
        merged.scoped.formUnion(other.scoped)
        return merged
    }
}
