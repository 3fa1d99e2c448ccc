public import SCIMCore

/// One audited request: what was asked, by whom, and what Roster answered.
///
/// `origin` (a random number per ingress run) and `seq` (its order within that run) identify a
/// record across redeliveries: the audit store keeps the first copy and ignores the others.
public struct AuditRecord: WireCodable, Equatable {
    public enum Kind: String, Sendable { case scim, admin }

    /// The store's row id (0 until stored): `at` shifted left 12 bits plus a counter, so that id
    /// order is time order even for records delivered late, and pages are ordered by id.
    public var id: Int64
    public var origin: Int64
    public var seq: Int64
    /// When the request arrived, in milliseconds since 1970 (UTC).
    public var at: Int64
    public var kind: Kind
    public var configurationID: String?
    public var configurationName: String?
    public var directoryID: String?
    public var source: String?
    public var method: String
    public var path: String
    public var query: String?
    /// `2.0` for `/scim/v2`, nil for the admin API.
    public var scimVersion: String?
    public var resourceType: String?
    public var resourceID: String?
    /// The userName (users) or displayName (groups, configurations) involved.
    public var subject: String?
    public var status: Int
    public var scimType: String?
    public var durationMicros: Int64
    /// Redacted and truncated bodies (see `services/ingress/README.md`).
    public var requestBody: String?
    public var responseBody: String?
    /// Sizes of the bodies as they were on the wire, before redaction and truncation.
    public var requestBytes: Int
    public var responseBytes: Int

    public init(
        id: Int64 = 0, origin: Int64, seq: Int64, at: Int64, kind: Kind, configurationID: String? = nil, configurationName: String? = nil,
        directoryID: String? = nil, source: String? = nil, method: String, path: String, query: String? = nil, scimVersion: String? = nil,
        resourceType: String? = nil, resourceID: String? = nil, subject: String? = nil, status: Int, scimType: String? = nil,
        durationMicros: Int64 = 0, requestBody: String? = nil, responseBody: String? = nil, requestBytes: Int = 0, responseBytes: Int = 0
    ) {
        self.id = id
        self.origin = origin
        self.seq = seq
        self.at = at
        self.kind = kind
        self.configurationID = configurationID
        self.configurationName = configurationName
        self.directoryID = directoryID
        self.source = source
        self.method = method
        self.path = path
        self.query = query
        self.scimVersion = scimVersion
        self.resourceType = resourceType
        self.resourceID = resourceID
        self.subject = subject
        self.status = status
        self.scimType = scimType
        self.durationMicros = durationMicros
        self.requestBody = requestBody
        self.responseBody = responseBody
        self.requestBytes = requestBytes
        self.responseBytes = responseBytes
    }

    public init(wire: WireObject) throws(SCIMError) {
        self.init(
            id: wire.optionalInt64("id") ?? 0, origin: try wire.int64("origin"), seq: try wire.int64("seq"), at: try wire.int64("at"),
            kind: Kind(rawValue: wire.optionalString("kind") ?? "") ?? .scim, configurationID: wire.optionalString("configurationId"),
            configurationName: wire.optionalString("configurationName"), directoryID: wire.optionalString("directoryId"),
            source: wire.optionalString("source"), method: try wire.string("method"), path: try wire.string("path"),
            query: wire.optionalString("query"), scimVersion: wire.optionalString("scimVersion"), resourceType: wire.optionalString("resourceType"),
            resourceID: wire.optionalString("resourceId"), subject: wire.optionalString("subject"), status: try wire.int("status"),
            scimType: wire.optionalString("scimType"), durationMicros: try wire.int64("durationMicros"), requestBody: wire.optionalString("requestBody"),
            responseBody: wire.optionalString("responseBody"), requestBytes: wire.optionalInt("requestBytes") ?? 0,
            responseBytes: wire.optionalInt("responseBytes") ?? 0)
    }

    public var wire: [String: JSONValue] {
        ["id": .int(id), "origin": .int(origin), "seq": .int(seq), "at": .int(at), "kind": .string(kind.rawValue),
         "configurationId": configurationID.json, "configurationName": configurationName.json, "directoryId": directoryID.json,
         "source": source.json, "method": .string(method), "path": .string(path), "query": query.json, "scimVersion": scimVersion.json,
         "resourceType": resourceType.json, "resourceId": resourceID.json, "subject": subject.json, "status": .int(Int64(status)),
         "scimType": scimType.json, "durationMicros": .int(durationMicros), "requestBody": requestBody.json, "responseBody": responseBody.json,
         "requestBytes": .int(Int64(requestBytes)), "responseBytes": .int(Int64(responseBytes))]
    }
}
