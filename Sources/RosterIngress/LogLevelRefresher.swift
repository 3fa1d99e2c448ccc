import Foundation
import Logging
import RosterConfig
import RosterProtocol
import ServiceLifecycle

/// Applies the runtime log levels the sync worker holds (`roster log-level`) to this ingress and
/// to every shard of every worker kind, within a second of a change. Each level is sent again
/// every 10 s while it is set, so a worker that restarted meanwhile gets it back; when the levels
/// are cleared, each process returns to its startup level.
struct LogLevelRefresher: Service {
    let sync: any CommandTransport
    let workers: [(kind: String, transport: any CommandTransport)]
    let interval: Duration
    let logger: Logger

    func run() async throws {
        // Every process starts at its startup level: nothing to send until a runtime level is set.
        var sent = Dictionary(uniqueKeysWithValues: (["ingress"] + workers.map(\.kind)).map { ($0, "") })
        var lastSend = ContinuousClock.now
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            if let levels = try? await sync.send(GetRuntimeLogLevels(), shardKey: "") {
                let now = Int64(Date().timeIntervalSince1970 * 1000)
                func wanted(_ service: String) -> (level: String, forMilliseconds: Int64, key: String) {
                    guard let e = levels.effective(for: service) else { return ("", 0, "") }
                    // The level and its end: a longer debug period is a change too.
                    return (e.level, e.untilMilliseconds == 0 ? 0 : max(1, e.untilMilliseconds - now), "\(e.level)@\(e.untilMilliseconds)")
                }
                let mine = wanted("ingress")
                let resend = ContinuousClock.now - lastSend > .seconds(10)
                if sent["ingress"] != mine.key {
                    LogLevelSwitch.shared.set(mine.level.isEmpty ? nil : Logger.Level(rawValue: mine.level),
                                              for: mine.forMilliseconds > 0 ? .milliseconds(mine.forMilliseconds) : nil)
                    logger.info("log level changed", metadata: ["level": "\(LogLevelSwitch.shared.level)"])
                    sent["ingress"] = mine.key
                }
                for (kind, transport) in workers {
                    let target = wanted(kind)
                    guard sent[kind] != target.key || (resend && !target.level.isEmpty) else { continue }
                    let command = SetLogLevel(level: target.level, forMilliseconds: target.forMilliseconds)
                    var reached = true
                    for shard in 0..<transport.instanceCount {
                        do { _ = try await transport.send(name: SetLogLevel.name, payload: CommandCodec.encode(command), instance: shard) } catch { reached = false }
                    }
                    if reached { sent[kind] = target.key }
                }
                if resend { lastSend = ContinuousClock.now }
            }
            do { try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) } } catch { break }
        }
    }
}
