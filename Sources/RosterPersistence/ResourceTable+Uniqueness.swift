public import GRDB
import RosterProtocol
public import SCIMCore

extension ResourceTable {
    /// `uniqueness: server` of the directory's declared extension attributes (RFC 7643 §2.2):
    /// no other resource of the directory holds the same value (case-insensitively unless the
    /// attribute is caseExact). Without an index: a declared unique attribute costs one scan of the
    /// directory per write that sets it.
    /// `previous`: the resource before this write; a value it already had is not checked again
    /// (it may predate the declaration).
    public func checkDeclaredUniqueness(_ db: Database, type declared: ResourceType, directoryID: String, attributes: [String: JSONValue], excludingID: String?,
                                        previous: [String: JSONValue]? = nil) throws {
        for ext in declared.extensions where !type.extensions.contains(where: { $0.id == ext.id }) {
            for attr in ext.attributes where attr.uniqueness == .server {
                guard let value = attributes[ext.id]?.objectValue?[attr.name], !value.isNull else { continue }
                if previous?[ext.id]?.objectValue?[attr.name] == value { continue }
                let path = "$.\"\(ext.id)\".\(attr.name)"
                let text = value.stringValue ?? value.serializedString()
                let compare = value.stringValue == nil ? "json_extract(json, ?) = json_extract(?, '$')"
                    : attr.caseExact ? "json_extract(json, ?) = ?" : "scim_fold(json_extract(json, ?)) = scim_fold(?)"
                let sql = "SELECT 1 FROM \(name) WHERE directoryId = ? AND id <> ? AND \(compare) LIMIT 1"
                if try Int.fetchOne(db.statement(sql), arguments: [directoryID, excludingID ?? "", path, text]) != nil {
                    throw SCIMError.uniqueness("'\(ext.id):\(attr.name)' must be unique, and '\(text)' is already used by another \(type.name).")
                }
            }
        }
    }

    /// `mutability: immutable` of declared extension attributes on PUT (RFC 7644 §3.5.1): a value
    /// already set must be sent unchanged; one left out is kept.
    public func keepingDeclaredImmutables(type declared: ResourceType, previous: [String: JSONValue], attributes: [String: JSONValue]) throws(SCIMError) -> [String: JSONValue] {
        var out = attributes
        for ext in declared.extensions where !type.extensions.contains(where: { $0.id == ext.id }) {
            for attr in ext.attributes where attr.mutability == .immutable {
                guard let old = previous[ext.id]?.objectValue?[attr.name] else { continue }
                var object = out[ext.id]?.objectValue ?? [:]
                if let new = object[attr.name] {
                    guard new == old else { throw SCIMError.mutability("'\(ext.id):\(attr.name)' is immutable: it is set and cannot be changed.") }
                    continue
                }
                object[attr.name] = old
                out[ext.id] = .object(object)
                if case .array(let schemas)? = out["schemas"], !schemas.contains(.string(ext.id)) { out["schemas"] = .array(schemas + [.string(ext.id)]) }
            }
        }
        return out
    }

    /// What a PUT writes under the directory's declared extensions: immutable values kept or
    /// checked, then server uniqueness of what it sets or changes. Shared by every store's replace.
    public func declaredReplacement(_ db: Database, type declared: ResourceType, directoryID: String, existing: Row, attributes: [String: JSONValue]) throws -> [String: JSONValue] {
        let previous = try stored(existing).attributes
        let replacement = try keepingDeclaredImmutables(type: declared, previous: previous, attributes: attributes)
        try checkDeclaredUniqueness(db, type: declared, directoryID: directoryID, attributes: replacement, excludingID: existing["id"], previous: previous)
        return replacement
    }
}
