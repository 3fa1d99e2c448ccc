// Part of the Bitbucket Data Center stand-in, a contract test double built from the Bitbucket Data
// Center 8.19 OpenAPI shapes (not Bitbucket): the JSON it answers, written by hand so that the
// field order follows the published examples and a 10,000-user document is one quick pass.

/// The response shapes: `RestDetailedUser`, `RestDetailedGroup`, the paged list, the error body.
enum StandInJSON {
    private static let hex = Array("0123456789abcdef".unicodeScalars)

    /// A JSON string literal.
    static func append(string: String, to out: inout String) {
        out.append("\"")
        for scalar in string.unicodeScalars {
            switch scalar.value {
            case 0x22: out.append("\\\"")
            case 0x5C: out.append("\\\\")
            case 0x0A: out.append("\\n")
            case 0x0D: out.append("\\r")
            case 0x09: out.append("\\t")
            case 0..<0x20:
                out.append("\\u00")
                out.unicodeScalars.append(hex[Int(scalar.value >> 4)])
                out.unicodeScalars.append(hex[Int(scalar.value & 0xF)])
            default: out.unicodeScalars.append(scalar)
            }
        }
        out.append("\"")
    }

    static func append(optional string: String?, to out: inout String) {
        if let string { append(string: string, to: &out) } else { out.append("null") }
    }

    /// `"key":` (keys here never need escaping).
    static func key(_ key: String, to out: inout String) {
        out.append("\"")
        out.append(key)
        out.append("\":")
    }

    /// A `RestDetailedUser`; `base` is `http://host:port` for the self link.
    static func append(user: StandInUser, base: String, to out: inout String) {
        out.append("{\"id\":\(user.id),")
        key("name", to: &out)
        append(string: user.name, to: &out)
        out.append(",")
        key("slug", to: &out)
        append(string: user.slug, to: &out)
        out.append(",")
        key("displayName", to: &out)
        append(string: user.displayName, to: &out)
        out.append(",")
        key("emailAddress", to: &out)
        append(string: user.emailAddress, to: &out)
        out.append(",\"active\":true,\"type\":\"NORMAL\",\"directoryName\":\"Bitbucket Internal Directory\",\"deletable\":true,")
        out.append("\"mutableDetails\":\(user.mutableDetails),\"mutableGroups\":\(user.mutableGroups),")
        if let last = user.lastAuthenticationTimestamp { out.append("\"lastAuthenticationTimestamp\":\(last),") }
        out.append("\"links\":{\"self\":[{\"href\":")
        append(string: "\(base)/users/\(user.slug)", to: &out)
        out.append("}]}}")
    }

    /// A `RestDetailedGroup`.
    static func append(group name: String, to out: inout String) {
        out.append("{")
        key("name", to: &out)
        append(string: name, to: &out)
        out.append(",\"deletable\":true}")
    }

    static func user(_ user: StandInUser, base: String) -> String {
        var out = ""
        append(user: user, base: base, to: &out)
        return out
    }

    static func group(_ name: String) -> String {
        var out = ""
        append(group: name, to: &out)
        return out
    }

    /// A paged list: `{"size","limit","isLastPage","start","values"[,"nextPageStart"]}`.
    static func page<Value: Sendable>(_ page: StandInPage<Value>, _ element: (Value, inout String) -> Void) -> String {
        var out = "{\"size\":\(page.size),\"limit\":\(page.limit),\"isLastPage\":\(page.isLastPage),\"start\":\(page.start),\"values\":["
        for (index, value) in page.values.enumerated() {
            if index > 0 { out.append(",") }
            element(value, &out)
        }
        out.append("]")
        if let next = page.nextPageStart { out.append(",\"nextPageStart\":\(next)") }
        out.append("}")
        return out
    }

    /// `{"user":RestDetailedUser,"permission":"…"}`.
    static func append(userPermission entry: StandInUserPermission, base: String, to out: inout String) {
        out.append("{\"user\":")
        append(user: entry.user, base: base, to: &out)
        out.append(",\"permission\":\"\(entry.permission.rawValue)\"}")
    }

    /// `{"group":RestDetailedGroup,"permission":"…"}`.
    static func append(groupPermission entry: StandInGroupPermission, to out: inout String) {
        out.append("{\"group\":")
        append(group: entry.group, to: &out)
        out.append(",\"permission\":\"\(entry.permission.rawValue)\"}")
    }

    /// The Bitbucket error body: `{"errors":[{"context":null,"message":"…","exceptionName":"…"}]}`.
    static func error(_ error: StandInError) -> String {
        var out = "{\"errors\":[{\"context\":null,"
        key("message", to: &out)
        append(string: error.message, to: &out)
        out.append(",")
        key("exceptionName", to: &out)
        append(string: error.exceptionName, to: &out)
        out.append("}]}")
        return out
    }

    /// `GET /_standin/requests`: `{"total","writes","byRoute":{…}}`.
    static func requests(_ counts: StandInRequestCounts) -> String {
        var out = "{\"total\":\(counts.total),\"writes\":\(counts.writes),\"byRoute\":{"
        for (index, route) in counts.byRoute.keys.sorted().enumerated() {
            if index > 0 { out.append(",") }
            append(string: route, to: &out)
            out.append(":\(counts.byRoute[route]!)")
        }
        out.append("}}")
        return out
    }
}
