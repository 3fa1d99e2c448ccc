import Configuration
import Foundation
import RosterConfig
import RosterCrypto
import Synchronization

/// How the sync worker's application connectors reach their applications (`apps.*`,
/// services/sync/README.md).
struct AppSettings: Sendable {
    /// Seals the connectors' passwords and tokens at rest (AES-256-GCM); from `apps.keyFile`,
    /// by default the same key file as the webhooks' secrets.
    var key: [UInt8]
    /// One request's time limit.
    var timeout: Duration = .seconds(30)
    /// Backoff after the n-th transient failure in a row, `retryBase · 2^(n-1)` up to `retryMax`.
    var retryBase: Duration = .seconds(1)
    var retryMax: Duration = .seconds(60)
    /// Accept `http://` application URLs. Off: a password sent with Basic over plain HTTP is
    /// readable by anyone on the path.
    var allowPlainHTTP = false

    static let current = Mutex(AppSettings(key: Secrets.randomBytes(32)))

    static func configured(reader: ConfigReader, storePath: String) throws -> AppSettings {
        let defaultKey = URL(fileURLWithPath: storePath).deletingLastPathComponent().appendingPathComponent("webhooks.key").path
        let keyFile = reader.string(forKey: "apps.keyFile", default: reader.string(forKey: "webhooks.keyFile", default: defaultKey))
        var s = AppSettings(key: try Secrets.keyFile(keyFile))
        s.timeout = .milliseconds(max(100, reader.int(forKey: "apps.timeoutMs", default: 30_000)))
        s.retryBase = .milliseconds(max(10, reader.int(forKey: "apps.retryBaseMs", default: 1000)))
        s.retryMax = .milliseconds(max(10, reader.int(forKey: "apps.retryMaxMs", default: 60_000)))
        s.allowPlainHTTP = reader.bool(forKey: "apps.allowPlainHttp", default: false)
        return s
    }

    func backoff(afterFailures streak: Int) -> Duration { Backoff.jittered(afterFailures: streak, base: retryBase, max: retryMax) }
}

enum Backoff {
    /// The wait before the next attempt after `streak` failures in a row: exponential, capped,
    /// and jittered (between half and all of it), so that many clients of one server that came
    /// back do not all retry at the same instant.
    static func jittered(afterFailures streak: Int, base: Duration, max cap: Duration) -> Duration {
        let capped = min(base * (1 << min(max(streak - 1, 0), 30)), cap)
        return capped / 2 + capped / 2 * Double.random(in: 0...1)
    }
}
