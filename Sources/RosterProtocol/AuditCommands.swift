import SCIMCore
import SwiftProtobuf

/// What an audit query selects. Every member is optional; the members given must all match.
public struct AuditFilter: WireCodable, Equatable {
    /// Inclusive lower and exclusive upper bound of `at` (milliseconds since 1970).
    public var from: Int64?
    public var to: Int64?
    public var configurationID: String?
    public var kind: AuditRecord.Kind?
    public var method: String?
    /// An exact status (`404`) or a class (`4` for `4xx`).
    public var status: Int?
    public var statusClass: Int?
    public var resourceType: String?
    public var resourceID: String?
    /// A substring of the userName/displayName or of the path, ignoring case.
    public var text: String?

    public init(
        from: Int64? = nil, to: Int64? = nil, configurationID: String? = nil, kind: AuditRecord.Kind? = nil, method: String? = nil,
        status: Int? = nil, statusClass: Int? = nil, resourceType: String? = nil, resourceID: String? = nil, text: String? = nil
    ) {
        self.from = from
        self.to = to
        self.configurationID = configurationID
        self.kind = kind
        self.method = method
        self.status = status
        self.statusClass = statusClass
        self.resourceType = resourceType
        self.resourceID = resourceID
        self.text = text
    }

    public init(message m: Roster_V1_AuditFilter) {
        self.init(
            from: m.hasFrom ? m.from : nil, to: m.hasTo ? m.to : nil, configurationID: m.hasConfigurationID ? m.configurationID : nil,
            kind: m.hasKind ? AuditRecord.Kind(proto: m.kind) : nil, method: m.hasMethod ? m.method : nil,
            status: m.hasStatus ? Int(m.status) : nil, statusClass: m.hasStatusClass ? Int(m.statusClass) : nil,
            resourceType: m.hasResourceType ? m.resourceType : nil, resourceID: m.hasResourceID ? m.resourceID : nil,
            text: m.hasText ? m.text : nil)
    }

    public var message: Roster_V1_AuditFilter {
        var m = Roster_V1_AuditFilter()
        if let from { m.from = from }
        if let to { m.to = to }
        if let configurationID { m.configurationID = configurationID }
        if let kind { m.kind = kind.proto }
        if let method { m.method = method }
        if let status { m.status = Int64(status) }
        if let statusClass { m.statusClass = Int64(statusClass) }
        if let resourceType { m.resourceType = resourceType }
        if let resourceID { m.resourceID = resourceID }
        if let text { m.text = text }
        return m
    }
}

/// Stores records; replays of a record already stored (same origin and seq) are ignored.
public struct AppendAuditRecords: Command {
    public static let name = "audit.append"
    public typealias Reply = AuditAppended
    public var records: [AuditRecord]
    public init(records: [AuditRecord]) { self.records = records }
    public init(message m: Roster_V1_AppendAuditRecords) { records = m.records.map(AuditRecord.init(message:)) }

    public var message: Roster_V1_AppendAuditRecords {
        var m = Roster_V1_AppendAuditRecords()
        m.records = records.map(\.message)
        return m
    }
}

public struct AuditAppended: WireCodable, Equatable {
    /// Records newly stored (not counting replays).
    public var stored: Int
    public init(stored: Int) { self.stored = stored }
    public init(message m: Roster_V1_AuditAppended) { stored = Int(m.stored) }

    public var message: Roster_V1_AuditAppended {
        var m = Roster_V1_AuditAppended()
        m.stored = Int64(stored)
        return m
    }
}

/// One page of records, newest first.
public struct QueryAudit: Command {
    public static let name = "audit.query"
    /// The largest page the worker returns.
    public static let maxLimit = 1000
    public typealias Reply = AuditPage
    public var filter: AuditFilter
    public var limit: Int
    /// The `next` of the previous page: this page holds only older records.
    public var after: Int64?

    public init(filter: AuditFilter, limit: Int, after: Int64? = nil) {
        self.filter = filter
        self.limit = limit
        self.after = after
    }

    /// An absent `filter` reads as the empty filter (every record), which is what it would decode to.
    public init(message m: Roster_V1_QueryAudit) {
        self.init(filter: AuditFilter(message: m.filter), limit: Int(m.limit), after: m.hasAfter ? m.after : nil)
    }

    public var message: Roster_V1_QueryAudit {
        var m = Roster_V1_QueryAudit()
        m.filter = filter.message
        m.limit = Int64(limit)
        if let after { m.after = after }
        return m
    }
}

public struct AuditPage: WireCodable, Equatable {
    public var records: [AuditRecord]
    /// Where the next page starts (the last record's id); nil on the last page.
    public var next: Int64?

    public init(records: [AuditRecord], next: Int64?) {
        self.records = records
        self.next = next
    }

    public init(message m: Roster_V1_AuditPage) {
        self.init(records: m.records.map(AuditRecord.init(message:)), next: m.hasNext ? m.next : nil)
    }

    public var message: Roster_V1_AuditPage {
        var m = Roster_V1_AuditPage()
        m.records = records.map(\.message)
        if let next { m.next = next }
        return m
    }
}

/// Removes every record.
public struct ClearAudit: ParameterlessCommand {
    public static let name = "audit.clear"
    public typealias Reply = AuditCleared
    public typealias Message = Roster_V1_ClearAudit
    public init() {}
}

public struct AuditCleared: WireCodable, Equatable {
    public var removed: Int
    public init(removed: Int) { self.removed = removed }
    public init(message m: Roster_V1_AuditCleared) { removed = Int(m.removed) }

    public var message: Roster_V1_AuditCleared {
        var m = Roster_V1_AuditCleared()
        m.removed = Int64(removed)
        return m
    }
}

/// How much the store holds and the retention it enforces.
public struct GetAuditSummary: ParameterlessCommand {
    public static let name = "audit.summary"
    public typealias Reply = AuditSummary
    public typealias Message = Roster_V1_GetAuditSummary
    public init() {}
}

public struct AuditSummary: WireCodable, Equatable {
    public var records: Int
    public var oldest: Int64?
    public var newest: Int64?
    /// Retention: records older than this many days go (nil: no age limit).
    public var maxAgeDays: Int?
    /// Retention: only this many newest records stay (nil: no count limit).
    public var maxRecords: Int?

    public init(records: Int, oldest: Int64?, newest: Int64?, maxAgeDays: Int?, maxRecords: Int?) {
        self.records = records
        self.oldest = oldest
        self.newest = newest
        self.maxAgeDays = maxAgeDays
        self.maxRecords = maxRecords
    }

    public init(message m: Roster_V1_AuditSummary) {
        self.init(records: Int(m.records), oldest: m.hasOldest ? m.oldest : nil, newest: m.hasNewest ? m.newest : nil,
                  maxAgeDays: m.hasMaxAgeDays ? Int(m.maxAgeDays) : nil, maxRecords: m.hasMaxRecords ? Int(m.maxRecords) : nil)
    }

    public var message: Roster_V1_AuditSummary {
        var m = Roster_V1_AuditSummary()
        m.records = Int64(records)
        if let oldest { m.oldest = oldest }
        if let newest { m.newest = newest }
        if let maxAgeDays { m.maxAgeDays = Int64(maxAgeDays) }
        if let maxRecords { m.maxRecords = Int64(maxRecords) }
        return m
    }
}

/// Changes retention at runtime (kept in the audit store; the worker's configuration gives the
/// defaults). A nil member stays as it is; 0 removes that limit.
public struct SetAuditRetention: Command {
    public static let name = "audit.setRetention"
    public typealias Reply = AuditSummary
    public var maxAgeDays: Int?
    public var maxRecords: Int?

    public init(maxAgeDays: Int?, maxRecords: Int?) {
        self.maxAgeDays = maxAgeDays
        self.maxRecords = maxRecords
    }

    public init(message m: Roster_V1_SetAuditRetention) {
        self.init(maxAgeDays: m.hasMaxAgeDays ? Int(m.maxAgeDays) : nil, maxRecords: m.hasMaxRecords ? Int(m.maxRecords) : nil)
    }

    public var message: Roster_V1_SetAuditRetention {
        var m = Roster_V1_SetAuditRetention()
        if let maxAgeDays { m.maxAgeDays = Int64(maxAgeDays) }
        if let maxRecords { m.maxRecords = Int64(maxRecords) }
        return m
    }
}
