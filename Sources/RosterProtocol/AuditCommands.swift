public import SCIMCore

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

    public init(wire: WireObject) throws(SCIMError) {
        self.init(
            from: wire.optionalInt64("from"), to: wire.optionalInt64("to"), configurationID: wire.optionalString("configurationId"),
            kind: wire.optionalString("kind").flatMap(AuditRecord.Kind.init(rawValue:)), method: wire.optionalString("method"),
            status: wire.optionalInt("status"), statusClass: wire.optionalInt("statusClass"), resourceType: wire.optionalString("resourceType"),
            resourceID: wire.optionalString("resourceId"), text: wire.optionalString("text"))
    }

    public var wire: [String: JSONValue] {
        ["from": from.map(JSONValue.int) ?? .null, "to": to.map(JSONValue.int) ?? .null, "configurationId": configurationID.json,
         "kind": kind.map { .string($0.rawValue) } ?? .null, "method": method.json, "status": status.json, "statusClass": statusClass.json,
         "resourceType": resourceType.json, "resourceId": resourceID.json, "text": text.json]
    }
}

/// Stores records; replays of a record already stored (same origin and seq) are ignored.
public struct AppendAuditRecords: Command {
    public static let name = "audit.append"
    public typealias Reply = AuditAppended
    public var records: [AuditRecord]
    public init(records: [AuditRecord]) { self.records = records }
    public init(wire: WireObject) throws(SCIMError) { records = try wire.list("records", of: AuditRecord.self) }
    public var wire: [String: JSONValue] { ["records": .array(records.map { .object($0.wire) })] }
}

public struct AuditAppended: WireCodable, Equatable {
    /// Records newly stored (not counting replays).
    public var stored: Int
    public init(stored: Int) { self.stored = stored }
    public init(wire: WireObject) throws(SCIMError) { stored = try wire.int("stored") }
    public var wire: [String: JSONValue] { ["stored": .int(Int64(stored))] }
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

    public init(wire: WireObject) throws(SCIMError) {
        self.init(filter: try AuditFilter(wire: WireObject(try wire.object("filter"))), limit: try wire.int("limit"), after: wire.optionalInt64("after"))
    }

    public var wire: [String: JSONValue] { ["filter": .object(filter.wire), "limit": .int(Int64(limit)), "after": after.map(JSONValue.int) ?? .null] }
}

public struct AuditPage: WireCodable, Equatable {
    public var records: [AuditRecord]
    /// Where the next page starts (the last record's id); nil on the last page.
    public var next: Int64?

    public init(records: [AuditRecord], next: Int64?) {
        self.records = records
        self.next = next
    }

    public init(wire: WireObject) throws(SCIMError) {
        self.init(records: try wire.list("records", of: AuditRecord.self), next: wire.optionalInt64("next"))
    }

    public var wire: [String: JSONValue] { ["records": .array(records.map { .object($0.wire) }), "next": next.map(JSONValue.int) ?? .null] }
}

/// Removes every record.
public struct ClearAudit: ParameterlessCommand {
    public static let name = "audit.clear"
    public typealias Reply = AuditCleared
    public init() {}
}

public struct AuditCleared: WireCodable, Equatable {
    public var removed: Int
    public init(removed: Int) { self.removed = removed }
    public init(wire: WireObject) throws(SCIMError) { removed = try wire.int("removed") }
    public var wire: [String: JSONValue] { ["removed": .int(Int64(removed))] }
}

/// How much the store holds and the retention it enforces.
public struct GetAuditSummary: ParameterlessCommand {
    public static let name = "audit.summary"
    public typealias Reply = AuditSummary
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

    public init(wire: WireObject) throws(SCIMError) {
        self.init(records: try wire.int("records"), oldest: wire.optionalInt64("oldest"), newest: wire.optionalInt64("newest"),
                  maxAgeDays: wire.optionalInt("maxAgeDays"), maxRecords: wire.optionalInt("maxRecords"))
    }

    public var wire: [String: JSONValue] {
        ["records": .int(Int64(records)), "oldest": oldest.map(JSONValue.int) ?? .null, "newest": newest.map(JSONValue.int) ?? .null,
         "maxAgeDays": maxAgeDays.json, "maxRecords": maxRecords.json]
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

    public init(wire: WireObject) throws(SCIMError) { self.init(maxAgeDays: wire.optionalInt("maxAgeDays"), maxRecords: wire.optionalInt("maxRecords")) }
    public var wire: [String: JSONValue] { ["maxAgeDays": maxAgeDays.json, "maxRecords": maxRecords.json] }
}
