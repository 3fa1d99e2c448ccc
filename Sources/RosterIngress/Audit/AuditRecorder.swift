import Foundation
import RosterProtocol
import SCIMCore
import Synchronization

/// Turns finished requests into audit records while auditing is on, and queues them.
public final class AuditRecorder: Sendable {
    /// The switch; the credential refresher sets it from the sync worker's `audit.enabled`.
    private let enabled = Atomic<Bool>(false)
    /// Identifies this run of this ingress, so that records delivered twice are stored once.
    let origin = Int64.random(in: 1..<(1 << 62))
    public let queue: AuditQueue
    /// Largest body kept per record, in UTF-8 bytes (`audit.maxBodyBytes`).
    public let bodyLimit: Int

    public init(queue: AuditQueue, bodyLimit: Int) {
        self.queue = queue
        self.bodyLimit = bodyLimit
    }

    public var isEnabled: Bool { enabled.load(ordering: .relaxed) }

    public func setEnabled(_ on: Bool) { enabled.store(on, ordering: .relaxed) }

    /// Queues `record`; the queue gives it the next sequence number of this run.
    func submit(_ record: AuditRecord) {
        var record = record
        record.origin = origin
        var wire = record.json
        wire.removeValue(forKey: "seq")
        wire.removeValue(forKey: "id")
        queue.enqueue(JSONValue.object(wire).serializedUnordered())
    }
}

/// What inner layers learn about a request that the audit record needs (the caller; the name of
/// what a DELETE removed), shared by reference because request contexts are copied from one
/// middleware to the next.
public final class AuditTrace: Sendable {
    private let state = Mutex<(caller: Caller?, subject: String?)>((nil, nil))

    public init() {}

    public var caller: Caller? {
        get { state.withLock { $0.caller } }
        set { state.withLock { $0.caller = newValue } }
    }

    public var subject: String? {
        get { state.withLock { $0.subject } }
        set { state.withLock { $0.subject = newValue } }
    }
}
