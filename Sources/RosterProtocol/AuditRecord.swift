import Foundation
import SCIMCore
import SwiftProtobuf

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
    /// The request's User-Agent (at most 256 characters): which IdP sent it.
    public var userAgent: String?
    /// The request's id (`X-Request-Id`), as the log lines of every process name it.
    public var requestID: String?

    public init(
        id: Int64 = 0, origin: Int64, seq: Int64, at: Int64, kind: Kind, configurationID: String? = nil, configurationName: String? = nil,
        directoryID: String? = nil, source: String? = nil, method: String, path: String, query: String? = nil, scimVersion: String? = nil,
        resourceType: String? = nil, resourceID: String? = nil, subject: String? = nil, status: Int, scimType: String? = nil,
        durationMicros: Int64 = 0, requestBody: String? = nil, responseBody: String? = nil, requestBytes: Int = 0, responseBytes: Int = 0,
        userAgent: String? = nil, requestID: String? = nil
    ) {
        self.userAgent = userAgent
        self.requestID = requestID
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

    public init(message m: Roster_V1_AuditRecord) {
        self.init(
            id: m.id, origin: m.origin, seq: m.seq, at: m.at, kind: Kind(proto: m.kind) ?? .scim,
            configurationID: m.hasConfigurationID ? m.configurationID : nil, configurationName: m.hasConfigurationName ? m.configurationName : nil,
            directoryID: m.hasDirectoryID ? m.directoryID : nil, source: m.hasSource ? m.source : nil, method: m.method, path: m.path,
            query: m.hasQuery ? m.query : nil, scimVersion: m.hasScimVersion ? m.scimVersion : nil,
            resourceType: m.hasResourceType ? m.resourceType : nil, resourceID: m.hasResourceID ? m.resourceID : nil,
            subject: m.hasSubject ? m.subject : nil, status: Int(m.status), scimType: m.hasScimType ? m.scimType : nil,
            durationMicros: m.durationMicros,
            requestBody: m.hasRequestBody ? String(decoding: m.requestBody, as: UTF8.self) : nil,
            responseBody: m.hasResponseBody ? String(decoding: m.responseBody, as: UTF8.self) : nil,
            requestBytes: Int(m.requestBytes), responseBytes: Int(m.responseBytes), userAgent: m.hasUserAgent ? m.userAgent : nil,
            requestID: m.hasRequestID ? m.requestID : nil)
    }

    public var message: Roster_V1_AuditRecord {
        var m = Roster_V1_AuditRecord()
        m.id = id
        m.origin = origin
        m.seq = seq
        m.at = at
        m.kind = kind.proto
        if let configurationID { m.configurationID = configurationID }
        if let configurationName { m.configurationName = configurationName }
        if let directoryID { m.directoryID = directoryID }
        if let source { m.source = source }
        m.method = method
        m.path = path
        if let query { m.query = query }
        if let scimVersion { m.scimVersion = scimVersion }
        if let resourceType { m.resourceType = resourceType }
        if let resourceID { m.resourceID = resourceID }
        if let subject { m.subject = subject }
        m.status = Int64(status)
        if let scimType { m.scimType = scimType }
        m.durationMicros = durationMicros
        if let requestBody { m.requestBody = Data(requestBody.utf8) }
        if let responseBody { m.responseBody = Data(responseBody.utf8) }
        if let userAgent { m.userAgent = userAgent }
        if let requestID { m.requestID = requestID }
        m.requestBytes = Int64(requestBytes)
        m.responseBytes = Int64(responseBytes)
        return m
    }
}

extension AuditRecord.Kind {
    /// nil for `KIND_UNSPECIFIED` and values this process does not know: an ``AuditRecord`` reads
    /// them as `.scim`, an ``AuditFilter`` as no kind (audit.proto).
    init?(proto: Roster_V1_AuditRecord.Kind) {
        switch proto {
        case .scim: self = .scim
        case .admin: self = .admin
        case .unspecified, .UNRECOGNIZED: return nil
        }
    }

    var proto: Roster_V1_AuditRecord.Kind {
        switch self {
        case .scim: .scim
        case .admin: .admin
        }
    }
}
