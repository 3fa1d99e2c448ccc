/// Facts read from a User's attributes the same way wherever they are needed.
public enum UserAttributes {
    /// The e-mail marked primary, else the first one with a value (RFC 7643 §4.1.2: at most one
    /// is primary).
    public static func primaryEmail(_ attributes: [String: JSONValue]) -> String? {
        guard case .array(let emails)? = attributes["emails"] else { return nil }
        let values = emails.compactMap { e -> (String, Bool)? in
            guard case .object(let o) = e, let v = o["value"]?.stringValue, !v.isEmpty else { return nil }
            return (v, o["primary"]?.lenientBool ?? false)
        }
        return (values.first { $0.1 } ?? values.first)?.0
    }
}
