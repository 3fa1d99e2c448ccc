/// The liberties Roster takes with what IdPs send (be liberal in what you accept, RFC-exact in
/// what you return), each a named rule applied in one place. `../shared/IDP-NOTES.md` has the
/// request shapes behind them; the tests are named after the IdP that needs each.
public enum Tolerance {
    /// A complex attribute with a `value` sub-attribute, sent as a bare scalar, means its value:
    /// Entra sends the enterprise `manager` as `"manager": "<id>"` in PATCH and POST bodies.
    /// Applied by ``ResourceNormalizer`` and ``PatchEngine``.
    public static func complexValue(_ value: JSONValue, for attribute: SchemaAttribute) -> [String: JSONValue]? {
        if let object = value.objectValue { return object }
        guard attribute.subAttribute("value") != nil else { return nil }
        switch value {
        case .string, .int, .double, .bool: return ["value": value]
        default: return nil
        }
    }

    /// A `schemas` entry Roster does not serve is ignored when the body holds no attributes under
    /// it: Entra lists `http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group`
    /// (a marker, not a schema with attributes) in every group it creates. An unknown URN that does
    /// carry attributes is still refused. Applied by ``ResourceNormalizer``.
    public static func isIgnorableSchema(_ uri: String, in body: [String: JSONValue]) -> Bool {
        let lower = uri.lowercased()
        return !body.keys.contains { $0.lowercased() == lower }
    }
}
