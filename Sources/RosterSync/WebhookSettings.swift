import Configuration
import Foundation
import RosterConfig
import RosterCrypto
import Synchronization

/// How the sync worker delivers webhooks (`webhooks.*`, services/sync/README.md).
public struct WebhookSettings: Sendable {
    /// Seals the subscriptions' signing secrets at rest (AES-256-GCM); from `webhooks.keyFile`.
    var key: [UInt8]
    /// Accept targets on loopback, link-local and private addresses (`webhooks.allowPrivateTargets`).
    var allowPrivateTargets = false
    /// One POST's time limit.
    var timeout: Duration = .seconds(10)
    /// Backoff after the n-th failure in a row: `retryBase · 2^(n-1)`, at most `retryMax`, with jitter.
    var retryBase: Duration = .seconds(1)
    var retryMax: Duration = .seconds(300)
    /// A subscription pauses once it has failed this many times in a row over at least this long.
    var pauseAfterFailures = 20
    var pauseAfter: Duration = .seconds(24 * 3600)
    /// Delivery log rows kept per subscription.
    var deliveryLogKept = 1000

    /// The settings in force in this process: the worker sets them at start; unit tests get a
    /// key of their own.
    static let current = Mutex(WebhookSettings(key: Secrets.randomBytes(32)))

    static func configured(reader: ConfigReader, storePath: String) throws -> WebhookSettings {
        let defaultKey = URL(fileURLWithPath: storePath).deletingLastPathComponent().appendingPathComponent("webhooks.key").path
        var s = WebhookSettings(key: try Secrets.keyFile(reader.string(forKey: "webhooks.keyFile", default: defaultKey)))
        s.allowPrivateTargets = reader.bool(forKey: "webhooks.allowPrivateTargets", default: false)
        s.timeout = .milliseconds(max(100, reader.int(forKey: "webhooks.timeoutMs", default: 10_000)))
        s.retryBase = .milliseconds(max(10, reader.int(forKey: "webhooks.retryBaseMs", default: 1000)))
        s.retryMax = .milliseconds(max(10, reader.int(forKey: "webhooks.retryMaxMs", default: 300_000)))
        s.pauseAfterFailures = max(1, reader.int(forKey: "webhooks.pauseAfterFailures", default: 20))
        s.pauseAfter = .seconds(max(0, reader.int(forKey: "webhooks.pauseAfterSeconds", default: 24 * 3600)))
        return s
    }

    func backoff(afterFailures streak: Int) -> Duration { Backoff.jittered(afterFailures: streak, base: retryBase, max: retryMax) }
}
