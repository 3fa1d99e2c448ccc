/// A PATCH path (RFC 7644 §3.5.2): `attr`, `attr.sub`, `attr[filter]`, `attr[filter].sub`,
/// any of them URN-qualified, or a whole extension URN.
public struct PatchPath: Sendable, Equatable {
    /// The schema URN written before the attribute, if any.
    public var schema: String?
    /// The attribute; nil when the path is a whole extension URN (then `schema` is it).
    public var attribute: String?
    public var filter: FilterExpression?
    public var subAttribute: String?

    public init(schema: String? = nil, attribute: String?, filter: FilterExpression? = nil, subAttribute: String? = nil) {
        self.schema = schema
        self.attribute = attribute
        self.filter = filter
        self.subAttribute = subAttribute
    }

    /// `extensions`: the URNs a path may name whole (`urn:…:enterprise:2.0:User`), from the resource type.
    public init(_ text: String, extensions: [String]) throws(SCIMError) {
        if let ext = extensions.first(where: { $0.lowercased() == text.lowercased() }) {
            self.init(schema: ext, attribute: nil)
            return
        }
        guard let open = text.firstIndex(of: "[") else {
            guard let path = AttributePath(parsing: text) else {
                // `urn:okta:custom:group:1.0`: no attribute name at its end, so a whole extension
                // the type does not declare (the engine decides whether that is allowed).
                if text.lowercased().hasPrefix("urn:"), !text.hasSuffix(":") {
                    self.init(schema: text, attribute: nil)
                    return
                }
                throw SCIMError.invalidPath("'\(text)' is not a valid attribute path.")
            }
            self.init(schema: path.schema, attribute: path.attribute, subAttribute: path.subAttribute)
            return
        }
        guard let close = text.lastIndex(of: "]"), close > open else { throw SCIMError.invalidPath("'\(text)' has an unclosed '['.") }
        guard let path = AttributePath(parsing: String(text[..<open])), path.subAttribute == nil else {
            throw SCIMError.invalidPath("'\(text[..<open])' before '[' must name a multi-valued attribute.")
        }
        let filter: FilterExpression
        do {
            filter = try FilterParser().parse(String(text[text.index(after: open)..<close]))
        } catch {
            throw SCIMError.invalidPath("The filter in '\(text)' is invalid: \(error.detail)")
        }
        let rest = text[text.index(after: close)...]
        var sub: String?
        if !rest.isEmpty {
            guard rest.first == ".", AttributePath.isAttributeName(rest.dropFirst()) else {
                throw SCIMError.invalidPath("'\(rest)' after ']' must be '.subAttribute'.")
            }
            sub = String(rest.dropFirst())
        }
        self.init(schema: path.schema, attribute: path.attribute, filter: filter, subAttribute: sub)
    }
}
