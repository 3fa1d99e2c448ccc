import Foundation
import RosterProtocol
import SCIMCore
import Synchronization

/// What this ingress saw of each configuration's traffic since its last report: the client, the
/// tolerances its requests needed, the undeclared extensions they carried. One lock per request;
/// the counts leave every few seconds (``CompatibilityReporter``).
public final class CompatibilityLog: Sendable {
    struct Key: Hashable {
        var configurationID: String
        var kind: Observation.Kind
        var name: String
    }

    private let state = Mutex<[Key: Observation]>([:])

    /// Distinct names kept per configuration and kind between two reports; the rest are counted
    /// under ``otherName``: a client varying its User-Agent or inventing URNs cannot grow this.
    static let namesPerKind = 32
    static let otherName = "(other)"
    /// Attribute names kept per undeclared extension.
    static let attributesPerExtension = 64

    public init() {}

    /// One request of `configurationID`.
    func record(configurationID: String, userAgent: String?, observed: Tolerance.Observer.Observed, at now: String = Timestamp.string(from: Date())) {
        var lines: [(Observation.Kind, String, String)] = [
            (.client, IdPDetector.client(userAgent: userAgent, schemaURNs: observed.foreignSchemas), String((userAgent ?? "").prefix(256))),
        ]
        for rule in observed.rules { lines.append((.tolerance, rule.rawValue, "")) }
        for (urn, attributes) in observed.undeclared { lines.append((.undeclaredExtension, urn, attributes.sorted().joined(separator: ","))) }
        state.withLock { entries in
            for (kind, name, detail) in lines {
                var key = Key(configurationID: configurationID, kind: kind, name: name)
                if entries[key] == nil, entries.keys.count(where: { $0.configurationID == configurationID && $0.kind == kind }) >= Self.namesPerKind {
                    key.name = Self.otherName
                }
                var o = entries[key] ?? Observation(configurationID: configurationID, kind: kind, name: key.name, count: 0, firstSeen: now, lastSeen: now)
                o.count += 1
                o.lastSeen = now
                o.detail = Self.merged(kind, o.detail, detail)
                entries[key] = o
            }
        }
    }

    /// The counts since the last drain; the log starts again from zero.
    func drain() -> [Observation] {
        state.withLock { entries in
            defer { entries.removeAll(keepingCapacity: true) }
            return Array(entries.values)
        }
    }

    /// Counts a report could not deliver, put back to go with the next one.
    func restore(_ observations: [Observation]) {
        state.withLock { entries in
            for o in observations {
                let key = Key(configurationID: o.configurationID, kind: o.kind, name: o.name)
                guard var newer = entries[key] else { entries[key] = o; continue }
                newer.count += o.count
                newer.firstSeen = min(newer.firstSeen, o.firstSeen)
                newer.detail = Self.merged(o.kind, o.detail, newer.detail)
                entries[key] = newer
            }
        }
    }

    /// A client's detail is its latest User-Agent; an undeclared extension's, all its attribute names.
    static func merged(_ kind: Observation.Kind, _ old: String, _ new: String) -> String {
        guard kind == .undeclaredExtension else { return new.isEmpty ? old : new }
        let names = Set(old.split(separator: ",").map(String.init) + new.split(separator: ",").map(String.init)).sorted()
        return names.prefix(attributesPerExtension).joined(separator: ",")
    }
}
