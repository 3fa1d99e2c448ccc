import Foundation
import GRDB
import RosterApps
import RosterProtocol
import SCIMCore

/// Groups and memberships. Bitbucket cannot rename a group: the SCIM id keeps the name the
/// group was made with, and a rename leaves a note on the link. A SCIM group mapped to a licence
/// group (``BitbucketApplier/groupMap``) is never made or deleted, only its members change.
extension BitbucketApplier {
    /// The Bitbucket group for a SCIM group displayName.
    func bitbucketName(for displayName: String) -> String { groupMap[displayName.lowercased()] ?? displayName }

    func isLicenceMapped(_ name: String) -> Bool { groupMap.values.contains { $0.lowercased() == name.lowercased() } }

    func convergeGroup(_ id: String, displayName: String) async throws -> [String] {
        guard !displayName.isEmpty else { return [] }
        let mirror = self.mirror
        if let known = try await read({ try mirror.group($0, id) }) {
            let wanted = bitbucketName(for: displayName)
            guard wanted.lowercased() != known.name.lowercased() else { return [] }
            return ["Group '\(displayName)' (\(id)) was renamed in SCIM; Bitbucket cannot rename groups, so it stays '\(known.name)' there."]
        }
        _ = try await makeGroup(id, displayName: displayName)
        return []
    }

    @discardableResult
    func makeGroup(_ id: String, displayName: String) async throws -> AppMirror.Group {
        let name = bitbucketName(for: displayName)
        if !isLicenceMapped(name) { _ = try await client.createGroup(name: name) }  // false: it exists, and is mapped
        let group = AppMirror.Group(scimID: id, name: name)
        let mirror = self.mirror
        try await write { try mirror.save($0, group) }
        return group
    }

    func deleteGroup(_ id: String) async throws {
        let mirror = self.mirror
        guard let group = try await read({ try mirror.group($0, id) }) else { return }
        if isLicenceMapped(group.name) {
            // The licence group stays: the members Roster put there leave it.
            for userID in try await read({ try mirror.members($0, group: id) }) {
                if let user = try await read({ try mirror.user($0, userID) }) { try await client.removeUser(user.name, fromGroup: group.name) }
            }
        } else {
            try await client.deleteGroup(name: group.name)
        }
        try await write { try mirror.removeGroup($0, id) }
    }

    /// The mirror's group of a SCIM group, made when the connector has not met it yet; nil when
    /// the group is gone from Roster.
    func knownGroup(_ id: String, displayName: String?) async throws -> AppMirror.Group? {
        let mirror = self.mirror
        if let group = try await read({ try mirror.group($0, id) }) { return group }
        var name = displayName ?? ""
        if name.isEmpty {
            let directoryID = self.directoryID, groups = self.groups
            guard let stored = try await Self.unlessGone({ () async throws(SCIMError) in
                try await groups.send(GetGroup(directoryID: directoryID, id: id, includeMembers: false), shardKey: directoryID)
            }) else { return nil }
            name = stored.resource.attributes["displayName"]?.stringValue ?? ""
        }
        guard !name.isEmpty else { return nil }
        return try await makeGroup(id, displayName: name)
    }

    func addMember(group groupID: String, groupName: String?, user userID: String) async throws -> [String] {
        let mirror = self.mirror
        guard !userID.isEmpty, try await !read({ try mirror.isMember($0, group: groupID, user: userID) }) else { return [] }
        guard let group = try await knownGroup(groupID, displayName: groupName) else { return [] }
        guard var user = try await knownUser(userID) else { return [] }
        if user.state != .active, try await licenceGroups()[group.name.lowercased()] != nil {
            // A disabled account joins a licence group when it is enabled again.
            user.save(group: group.name)
            let saved = user
            try await write { db in
                try mirror.save(db, saved)
                try mirror.setMember(db, group: groupID, user: userID, true)
            }
            return []
        }
        guard user.mutableGroups else {
            try await write { try mirror.setMember($0, group: groupID, user: userID, true) }
            return ["'\(user.name)' is in a read-only directory of Bitbucket: it was not added to '\(group.name)'."]
        }
        try await client.addUsers([user.name], toGroup: group.name)
        try await write { try mirror.setMember($0, group: groupID, user: userID, true) }
        return []
    }

    func removeMember(group groupID: String, user userID: String) async throws {
        let mirror = self.mirror
        guard try await read({ try mirror.isMember($0, group: groupID, user: userID) }) else { return }
        let (group, known) = try await read { db in (try mirror.group(db, groupID), try mirror.user(db, userID)) }
        if let group, var user = known, user.mutableGroups {
            if user.state != .active, user.forget(group: group.name) {
                let saved = user
                try await write { try mirror.save($0, saved) }
            } else {
                try await client.removeUser(user.name, fromGroup: group.name)
            }
        }
        try await write { try mirror.setMember($0, group: groupID, user: userID, false) }
    }
}
