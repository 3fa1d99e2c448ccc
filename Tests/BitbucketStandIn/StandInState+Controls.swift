// Part of the Bitbucket Data Center stand-in, a contract test double built from the Bitbucket Data
// Center 8.19 OpenAPI shapes (not Bitbucket): the test controls (request counts, injected
// failures, stalls) and the whole-state document of `GET /_standin/state`.

/// `GET /_standin/requests`: `/rest` requests seen since the start or the last reset.
public struct StandInRequestCounts: Sendable, Equatable {
    public var total: Int
    /// Requests with a method other than GET.
    public var writes: Int
    /// By `"METHOD /path"`, the path without `/rest/api/latest` or `/rest/api/1.0` and without the query.
    public var byRoute: [String: Int]
}

extension StandInState {
    /// Counts one `/rest` request under `route` (`"POST /admin/users"`); answers the stall to apply
    /// before handling it, in milliseconds (0: none).
    public func recordRequest(route: String, isWrite: Bool) -> Int {
        read { s in
            s.requestTotal += 1
            if isWrite { s.requestWrites += 1 }
            s.requestsByRoute[route, default: 0] += 1
            return s.stallMilliseconds
        }
    }

    public func requestCounts() -> StandInRequestCounts {
        read { StandInRequestCounts(total: $0.requestTotal, writes: $0.requestWrites, byRoute: $0.requestsByRoute) }
    }

    public func resetRequestCounts() {
        read { s in
            s.requestTotal = 0
            s.requestWrites = 0
            s.requestsByRoute = [:]
        }
    }

    /// The next `count` `/rest` requests (-1: all, until cleared) answer `status`; status 0 or
    /// count 0 clears.
    public func failNext(status: Int, count: Int) throws {
        guard status == 0 || (400...599).contains(status) else { throw StandInError.invalid("'status' must be 0 (clear) or an error status (400-599).") }
        guard count >= -1 else { throw StandInError.invalid("'count' must be -1 (until cleared) or at least 0.") }
        read { s in
            let clears = status == 0 || count == 0
            s.failStatus = clears ? 0 : status
            s.failRemaining = clears ? 0 : count
        }
    }

    /// The status the current `/rest` request must fail with, if a failure is armed (consuming one).
    public func takeFailure() -> Int? {
        read { s -> Int? in
            guard s.failStatus != 0, s.failRemaining != 0 else { return nil }
            if s.failRemaining > 0 { s.failRemaining -= 1 }
            let status = s.failStatus
            if s.failRemaining == 0 { s.failStatus = 0 }
            return status
        }
    }

    /// Every `/rest` request waits this long before it is handled; 0 clears.
    public func setStall(milliseconds: Int) throws {
        guard milliseconds >= 0 else { throw StandInError.invalid("'ms' must be at least 0.") }
        read { $0.stallMilliseconds = milliseconds }
    }

    public var stallMilliseconds: Int { read { $0.stallMilliseconds } }

    /// `GET /_standin/state`: every user (with groups, permission, licensed) and every group (with
    /// members and permission), both by lowercased name; built in one pass under the lock.
    public func stateDocument() -> String {
        read { s in
            var out = "{\"users\":["
            out.reserveCapacity(256 * s.users.count + 64 * s.groups.count + 64)
            for (index, key) in s.userOrder().enumerated() {
                guard let user = s.users[key] else { continue }
                if index > 0 { out.append(",") }
                out.append("{")
                StandInJSON.key("name", to: &out)
                StandInJSON.append(string: user.name, to: &out)
                out.append(",")
                StandInJSON.key("slug", to: &out)
                StandInJSON.append(string: user.slug, to: &out)
                out.append(",")
                StandInJSON.key("displayName", to: &out)
                StandInJSON.append(string: user.displayName, to: &out)
                out.append(",")
                StandInJSON.key("emailAddress", to: &out)
                StandInJSON.append(string: user.emailAddress, to: &out)
                out.append(",\"groups\":[")
                for (g, groupKey) in (s.userGroups[key] ?? []).sorted().enumerated() {
                    if g > 0 { out.append(",") }
                    StandInJSON.append(optional: s.groups[groupKey], to: &out)
                }
                out.append("],")
                StandInJSON.key("permission", to: &out)
                StandInJSON.append(optional: s.userPermissions[key]?.rawValue, to: &out)
                out.append(",\"licensed\":\(s.isLicensed(key)),\"lastAuthenticationTimestamp\":")
                out.append(user.lastAuthenticationTimestamp.map { String($0) } ?? "null")
                out.append("}")
            }
            out.append("],\"groups\":[")
            for (index, key) in s.groupOrder().enumerated() {
                guard let name = s.groups[key] else { continue }
                if index > 0 { out.append(",") }
                out.append("{")
                StandInJSON.key("name", to: &out)
                StandInJSON.append(string: name, to: &out)
                out.append(",\"members\":[")
                for (m, userKey) in (s.members[key] ?? []).sorted().enumerated() {
                    if m > 0 { out.append(",") }
                    StandInJSON.append(optional: s.users[userKey]?.name, to: &out)
                }
                out.append("],")
                StandInJSON.key("permission", to: &out)
                StandInJSON.append(optional: s.groupPermissions[key]?.rawValue, to: &out)
                out.append("}")
            }
            out.append("]}")
            return out
        }
    }
}
