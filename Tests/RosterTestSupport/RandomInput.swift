/// Seeded random SCIM input for property tests: reproducible, and shaped enough to reach deep code.
public struct RandomInput: RandomNumberGenerator {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {  // SplitMix64
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E9B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    static let attributes = [
        "userName", "UserName", "title", "active", "emails", "emails.value", "emails.type", "emails.primary", "name.familyName", "name",
        "meta.created", "meta.lastModified", "meta.version", "id", "externalId", "password", "groups", "addresses.locality", "nosuch",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value", "x509Certificates.value", "phoneNumbers",
    ]
    static let operators = ["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le", "EQ", "pr", "xx"]
    static let literals = ["\"x\"", "\"\"", "\"a\\\"b\"", "true", "false", "null", "42", "-1.5e3", "\"2020-01-01T00:00:00Z\"", "bare", "\"é'%_\""]

    public mutating func element<T>(_ list: [T]) -> T { list[Int(next() % UInt64(list.count))] }

    /// A filter that is often valid and often subtly not.
    public mutating func filter(depth: Int = 0) -> String {
        let roll = next() % 10
        if depth > 3 || roll < 4 {
            let attribute = element(Self.attributes)
            let op = element(Self.operators)
            return op.lowercased() == "pr" ? "\(attribute) pr" : "\(attribute) \(op) \(element(Self.literals))"
        }
        switch roll {
        case 4, 5: return "\(filter(depth: depth + 1)) and \(filter(depth: depth + 1))"
        case 6: return "\(filter(depth: depth + 1)) or \(filter(depth: depth + 1))"
        case 7: return "not (\(filter(depth: depth + 1)))"
        case 8: return "emails[\(filter(depth: depth + 1))]"
        default:
            // Noise: drop or duplicate a character.
            var chars = Array(filter(depth: depth + 1))
            if !chars.isEmpty { chars.remove(at: Int(next() % UInt64(chars.count))) }
            return String(chars)
        }
    }

    static let paths = [
        nil, "title", "active", "emails", "emails[type eq \"work\"].value", "emails[type eq \"work\"]", "name", "name.givenName", "id",
        "meta", "userName", "password", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", "addresses[primary eq true].locality", "groups", "emails[",
        "nosuch.x",
    ]
    static let values = [
        "\"x\"", "true", "\"False\"", "null", "42", "[]", "[{\"value\":\"a@b.c\",\"primary\":true}]", "{\"givenName\":\"G\"}",
        "{\"title\":\"t\",\"name.familyName\":\"F\"}", "{\"id\":\"other\"}", "{\"value\":\"m\"}", "[1,2]", "{\"nosuch\":1}",
    ]

    /// A PATCH body with 1–4 operations.
    public mutating func patchBody() -> String {
        var operations: [String] = []
        for _ in 0..<(1 + Int(next() % 4)) {
            var members = ["\"op\":\"\(element(["add", "Replace", "remove", "REMOVE", "move"]))\""]
            if let path = element(Self.paths) { members.append("\"path\":\"\(path.replacingOccurrences(of: "\"", with: "\\\""))\"") }
            if next() % 5 != 0 { members.append("\"value\":\(element(Self.values))") }
            operations.append("{\(members.joined(separator: ","))}")
        }
        return "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[\(operations.joined(separator: ","))]}"
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
