/// The liberties Roster takes with what IdPs send (be liberal in what you accept, RFC-exact in
/// what you return), each a named rule applied in one place. `../shared/IDP-NOTES.md` has the
/// request shapes behind them; the tests are named after the IdP that needs each.
public enum Tolerance {
    /// A complex attribute with a `value` sub-attribute, sent as a bare scalar, means its value:
    /// Entra sends the enterprise `manager` as `"manager": "<id>"` in PATCH and POST bodies.
    /// Applied by ``ResourceNormalizer`` and ``PatchEngine``.
    /// So is a one-element array holding the object: Entra's MS1 manager PATCH sends
    /// `"value": [{"$ref": …, "value": …}]` for the single-valued `manager`.
    public static func complexValue(_ value: JSONValue, for attribute: SchemaAttribute) -> [String: JSONValue]? {
        if let object = value.objectValue { return object }
        if let array = value.arrayValue, array.count == 1, let object = array[0].objectValue {
            note(.arrayForSingleComplex)
            return object
        }
        guard attribute.subAttribute("value") != nil else { return nil }
        switch value {
        case .string, .int, .double, .bool:
            note(.bareComplexValue)
            return ["value": value]
        default: return nil
        }
    }

    /// A `schemas` entry Roster does not serve is ignored when the body holds no attributes under
    /// it: Entra lists `http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group`
    /// (a marker, not a schema with attributes) in every group it creates. An unknown URN that does
    /// carry attributes is still refused. Applied by ``ResourceNormalizer``.
    public static func isIgnorableSchema(_ uri: String, in body: [String: JSONValue]) -> Bool {
        let lower = uri.lowercased()
        guard !body.keys.contains(where: { $0.lowercased() == lower }) else { return false }
        note(.ignoredSchemaMarker)
        noteForeignSchema(uri)
        return true
    }

    /// An attribute name without a schema URN that the core schema lacks names the attribute of
    /// the one extension that has it: Entra's MS1 PATCH uses `"path": "manager"` for the enterprise
    /// `manager`. Ambiguous (two extensions) or unknown names stay errors. Applied by the PATCH
    /// engine and the filter resolution.
    public static func extensionOwning(_ name: String, in extensions: [Schema]) -> Schema? {
        let owners = extensions.filter { $0.attribute(name) != nil }
        guard owners.count == 1 else { return nil }
        note(.unqualifiedExtensionAttribute)
        return owners[0]
    }
}
