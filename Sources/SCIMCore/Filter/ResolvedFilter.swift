/// An attribute a filter or `sortBy` names, resolved against a resource type's schemas.
public struct ResolvedAttribute: Sendable, Equatable {
    /// The extension URN when the attribute belongs to an extension; nil for the core schema.
    public var extensionURN: String?
    /// The top-level attribute.
    public var attribute: SchemaAttribute
    /// The sub-attribute: the one named, `value` where RFC 7644 §3.4.2.2 implies it
    /// (`emails eq "x"`), or the element's attribute inside a value filter (`emails[type eq "work"]`).
    public var subAttribute: SchemaAttribute?

    public init(extensionURN: String? = nil, attribute: SchemaAttribute, subAttribute: SchemaAttribute? = nil) {
        self.extensionURN = extensionURN
        self.attribute = attribute
        self.subAttribute = subAttribute
    }

    /// The attribute whose type and `caseExact` the comparison follows.
    public var compared: SchemaAttribute { subAttribute ?? attribute }

    /// `username`, `meta.created`, `emails.value`: lower case, without the core schema's URN; an
    /// extension's attributes keep theirs (`urn:…:user:manager.value`). Stores key columns by it.
    public var key: String {
        let name = subAttribute.map { "\(attribute.name).\($0.name)" } ?? attribute.name
        return (extensionURN.map { "\($0):" } ?? "") .lowercased() + name.lowercased()
    }
}

/// A filter whose every path has been checked against a resource type (``ResourceType/validate(_:)``):
/// attributes exist, operators fit their types. Stores translate only this.
public indirect enum ResolvedFilter: Sendable, Equatable {
    case compare(ResolvedAttribute, CompareOperator, FilterValue)
    case present(ResolvedAttribute)
    case and(ResolvedFilter, ResolvedFilter)
    case or(ResolvedFilter, ResolvedFilter)
    case not(ResolvedFilter)
    /// `attr[inner]`: the attribute is multi-valued and complex; `inner` names its elements'
    /// sub-attributes, each resolved with ``ResolvedAttribute/attribute`` equal to `attr`.
    case valuePath(ResolvedAttribute, ResolvedFilter)
}
