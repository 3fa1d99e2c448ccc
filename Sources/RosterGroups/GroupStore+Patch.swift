import GRDB
import RosterPersistence
import RosterProtocol
import SCIMCore

extension GroupStore {
    /// PATCH of a group. Operations on `members` become row inserts and deletes, so that adding or
    /// removing one member never reads the others; every other operation goes through the
    /// ``PatchEngine`` on the group's attributes. All of it is one savepoint: all or nothing.
    static func patch(_ db: Database, _ c: PatchGroup) throws -> StoredGroup {
        let existing = try existingRow(db, id: c.id, directoryID: c.directoryID, ifMatch: c.ifMatch)
        let seq: Int64 = existing["seq"]
        let current = try group(db, existing, includeMembers: false)
        let request = try PatchRequest(wire: c.operations)
        var attributeOperations: [PatchRequest.Operation] = []
        var memberChanges = MemberChanges()
        var membersChanged = false
        for operation in request.operations {
            if let path = operation.path {
                if path.lowercased() == "members" || path.lowercased().hasPrefix("members[") || path.lowercased().hasPrefix("members.") {
                    membersChanged = try applyMembership(db, seq: seq, operation.op, path: path, value: operation.value, into: &memberChanges) || membersChanged
                } else {
                    attributeOperations.append(operation)
                }
                continue
            }
            // Path-less: a `members` key is a membership change; the rest (Okta's rename with `id`) goes to the engine.
            guard var object = operation.value?.objectValue else {
                attributeOperations.append(operation)
                continue
            }
            if let entry = object.entry(caseInsensitive: "members") {
                membersChanged = try applyMembership(db, seq: seq, operation.op, path: "members", value: entry.value, into: &memberChanges) || membersChanged
                object.removeValue(forKey: entry.key)
            }
            if !object.isEmpty { attributeOperations.append(PatchRequest.Operation(op: operation.op, path: nil, value: .object(object))) }
        }
        var attributes = current.resource.attributes
        if !attributeOperations.isEmpty {
            // What the ingress let through for undeclared extensions is kept: it decided the policy.
            let type = try DeclaredSchemas.type(.group, wire: c.extensions)
            let patched = try PatchEngine(type, undeclared: .store).apply(PatchRequest(operations: attributeOperations), to: attributes, resourceID: current.resource.id)
            var normalized = try ResourceNormalizer(type, undeclared: .store).normalize(patched, keepingUnchangedFrom: attributes).resource
            normalized.removeValue(forKey: "members")
            try table.checkDeclaredUniqueness(db, type: type, directoryID: c.directoryID, attributes: normalized, excludingID: current.resource.id, previous: attributes)
            attributes = normalized
        }
        if attributes == current.resource.attributes && !membersChanged {
            return c.includeMembers ? try group(db, existing, includeMembers: true) : current
        }
        return try write(db, existing, attributes: attributes, includeMembers: c.includeMembers, members: memberChanges)
    }

    /// Returns whether any membership row changed.
    private static func applyMembership(_ db: Database, seq: Int64, _ op: PatchRequest.Op, path: String, value: JSONValue?, into changes: inout MemberChanges) throws -> Bool {
        let before = db.totalChangesCount
        let target = try PatchPath(path, extensions: [])
        guard target.subAttribute == nil else {
            throw SCIMError.invalidPath("'\(path)': member sub-attributes are immutable; add or remove the member instead.")
        }
        let values = value.map { $0.arrayValue ?? [$0] } ?? []
        switch op {
        case .add, .replace:
            guard target.filter == nil else {
                throw SCIMError.invalidPath("'\(path)': add members with the path 'members' and a list of members.")
            }
            let old = op == .replace ? try memberIDs(db, seq: seq) : []
            if op == .replace { try db.statement("DELETE FROM groupMember WHERE groupSeq = ?").execute(arguments: [seq]) }
            let added = try addMembers(db, seq: seq, try values.filter { !$0.isNull }.map { element throws(SCIMError) in try GroupMember(element: element) })
            changes.formUnion(replacement(of: old, by: added))
        case .remove:
            let delete = try db.statement("DELETE FROM groupMember WHERE groupSeq = ? AND memberId = ?")
            func remove(_ id: String) throws {
                try delete.execute(arguments: [seq, id])
                if db.changesCount == 1 { changes.remove(id) }
            }
            if let filter = target.filter {
                for id in try memberIDs(db, seq: seq, matching: filter) { try remove(id) }
            } else if values.isEmpty {
                for id in try memberIDs(db, seq: seq) { changes.remove(id) }
                try db.statement("DELETE FROM groupMember WHERE groupSeq = ?").execute(arguments: [seq])
            } else {
                // Entra: `remove` of `members` with the members to remove in `value`.
                for element in values { try remove(try GroupMember(element: element).value.lowercased()) }
            }
        }
        return db.totalChangesCount != before
    }

    /// The ids a member filter selects: `value eq "id"` (and `or` of those) without reading the
    /// other members; any other filter by reading them.
    private static func memberIDs(_ db: Database, seq: Int64, matching filter: FilterExpression) throws -> [String] {
        if let ids = directIDs(filter) { return ids }
        let attribute = CoreSchemas.group.attribute("members")!
        return try members(db, seq: seq).filter { try FilterEvaluator.matches($0.json, filter, in: attribute) }.map(\.value)
    }

    private static func directIDs(_ filter: FilterExpression) -> [String]? {
        switch filter {
        case .compare(let path, .eq, .string(let id)) where path.schema == nil && path.subAttribute == nil && path.attribute.lowercased() == "value":
            return [id.lowercased()]
        case .or(let l, let r):
            guard let a = directIDs(l), let b = directIDs(r) else { return nil }
            return a + b
        default:
            return nil
        }
    }
}
