public import RosterProtocol
public import SCIMCore

/// An audit record as JSON: one line of the ingress's spool file (a file format of its own, kept
/// stable across versions of the wire protocol) and the admin API's record view.
extension AuditRecord {
    public init(json o: [String: JSONValue]) throws(SCIMError) {
        func string(_ key: String) throws(SCIMError) -> String {
            guard let s = o[key]?.stringValue else { throw SCIMError.invalidValue("An audit record has no '\(key)'.") }
            return s
        }
        func int64(_ key: String) throws(SCIMError) -> Int64 {
            guard case .int(let i)? = o[key] else { throw SCIMError.invalidValue("An audit record has no '\(key)'.") }
            return i
        }
        func optional(_ key: String) -> String? { o[key]?.stringValue }
        func optionalInt(_ key: String) -> Int? {
            if case .int(let i)? = o[key] { return Int(i) }
            return nil
        }
        self.init(
            id: (try? int64("id")) ?? 0, origin: try int64("origin"), seq: try int64("seq"), at: try int64("at"),
            kind: Kind(rawValue: optional("kind") ?? "") ?? .scim, configurationID: optional("configurationId"),
            configurationName: optional("configurationName"), directoryID: optional("directoryId"), source: optional("source"),
            method: try string("method"), path: try string("path"), query: optional("query"), scimVersion: optional("scimVersion"),
            resourceType: optional("resourceType"), resourceID: optional("resourceId"), subject: optional("subject"), status: Int(try int64("status")),
            scimType: optional("scimType"), durationMicros: try int64("durationMicros"), requestBody: optional("requestBody"),
            responseBody: optional("responseBody"), requestBytes: optionalInt("requestBytes") ?? 0, responseBytes: optionalInt("responseBytes") ?? 0,
            userAgent: optional("userAgent"), requestID: optional("requestId"))
    }

    public var json: [String: JSONValue] {
        ["id": .int(id), "origin": .int(origin), "seq": .int(seq), "at": .int(at), "kind": .string(kind.rawValue),
         "configurationId": configurationID.json, "configurationName": configurationName.json, "directoryId": directoryID.json,
         "source": source.json, "method": .string(method), "path": .string(path), "query": query.json, "scimVersion": scimVersion.json,
         "resourceType": resourceType.json, "resourceId": resourceID.json, "subject": subject.json, "status": .int(Int64(status)),
         "scimType": scimType.json, "durationMicros": .int(durationMicros), "requestBody": requestBody.json, "responseBody": responseBody.json,
         "requestBytes": .int(Int64(requestBytes)), "responseBytes": .int(Int64(responseBytes)), "userAgent": userAgent.json, "requestId": requestID.json]
    }
}
