import Synchronization

/// Metric handles by key (a command name, an outcome), made once: the hot path then costs one
/// lock and one lookup, not a registry search and an allocation per event.
public final class MetricsCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private let values = Mutex<[Key: Value]>([:])
    private let make: @Sendable (Key) -> Value

    public init(_ make: @escaping @Sendable (Key) -> Value) { self.make = make }

    public subscript(key: Key) -> Value {
        values.withLock { values in
            if let value = values[key] { return value }
            let value = make(key)
            values[key] = value
            return value
        }
    }
}
