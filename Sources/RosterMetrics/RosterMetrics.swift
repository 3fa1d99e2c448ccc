import Foundation
public import Metrics
import Prometheus
import Synchronization

/// The process's metrics: swift-metrics, backed by one swift-prometheus registry.
///
/// Every metric Roster records is made through these functions, so the registry is bootstrapped
/// before the first one exists (a metric made before `MetricsSystem.bootstrap` would stay a no-op
/// forever). The catalogue of series is in `docs/operations.md`.
public enum RosterMetrics {
    /// The one registry of this process; `/metrics` renders it.
    static let registry = PrometheusCollectorRegistry()

    private static let enabled = Atomic<Bool>(true)

    /// Metrics off for this process (`metrics.enabled=false`): every metric stays swift-metrics'
    /// no-op, and there is nothing to expose. Call before anything records.
    public static func disable() { enabled.store(false, ordering: .sequentiallyConsistent) }

    public static var isEnabled: Bool { enabled.load(ordering: .sequentiallyConsistent) }

    private static let bootstrapped: Void = {
        guard isEnabled else { return }
        var factory = PrometheusMetricsFactory(registry: registry)
        // Roster's round trips are sub-millisecond to seconds: finer low buckets than the default.
        factory.defaultDurationHistogramBuckets = [
            .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
            .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
            .milliseconds(2500), .seconds(5), .seconds(10),
        ]
        // Value histograms are batch sizes (1 … 512 commands).
        factory.defaultValueHistogramBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]
        factory.nameAndLabelSanitizer = { name, labels in (Self.prometheusName(name), labels.map { (Self.prometheusName($0.0), $0.1) }) }
        MetricsSystem.bootstrap(factory)
        Metrics.Meter(label: "roster_process_start_time_seconds").set(Date().timeIntervalSince1970)
    }()

    /// Makes the registry the process's metrics backend; idempotent, and done by every function below.
    public static func bootstrap() { _ = bootstrapped }

    /// Prometheus metric and label names have no dots: a library's dotted ones become underscores.
    static func prometheusName(_ label: String) -> String { label.replacingOccurrences(of: ".", with: "_") }

    /// The registry in the Prometheus text exposition format (0.0.4).
    public static func exposition() -> [UInt8] {
        bootstrap()
        return registry.emitToBuffer()
    }

    /// The `Content-Type` of ``exposition()``.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    public static func counter(_ name: String, _ dimensions: [(String, String)] = []) -> Metrics.Counter {
        bootstrap()
        return Metrics.Counter(label: name, dimensions: dimensions)
    }

    public static func timer(_ name: String, _ dimensions: [(String, String)] = []) -> Metrics.Timer {
        bootstrap()
        return Metrics.Timer(label: name, dimensions: dimensions, preferredDisplayUnit: .seconds)
    }

    /// A histogram of values (a `Recorder` that aggregates).
    public static func histogram(_ name: String, _ dimensions: [(String, String)] = []) -> Metrics.Recorder {
        bootstrap()
        return Metrics.Recorder(label: name, dimensions: dimensions, aggregate: true)
    }

    /// A value that goes up and down, set or moved by steps.
    public static func gauge(_ name: String, _ dimensions: [(String, String)] = []) -> Metrics.Meter {
        bootstrap()
        return Metrics.Meter(label: name, dimensions: dimensions)
    }
}
