import Synchronization

extension Tolerance {
    /// The named liberties, as the compatibility report of a configuration counts them.
    public enum Rule: String, Sendable, CaseIterable, Comparable {
        /// `Replace`, `Add`: Entra's capitalised PATCH ops.
        case capitalisedOp
        /// `"active": "False"`: a boolean sent as a string (Entra without `aadOptscim062020`).
        case stringBoolean
        /// `"manager": "<id>"`: a complex attribute sent as its bare `value` (Entra).
        case bareComplexValue
        /// `"value": [{…}]` for a single-valued complex attribute (Entra's MS1 manager PATCH).
        case arrayForSingleComplex
        /// A lone value for a multi-valued attribute (`"emails": {…}`).
        case loneValueForMultiValued
        /// A `schemas` marker Roster does not serve, with no attributes under it (Entra's ADSCIM group URI).
        case ignoredSchemaMarker
        /// `"path": "manager"`: an extension attribute named without its URN (Entra MS1).
        case unqualifiedExtensionAttribute
        /// A PATCH operation without `path` (Okta, Entra).
        case pathlessPatch
        /// A path-less PATCH value with dotted (`name.givenName`) or URN-qualified keys (Entra).
        case qualifiedKeyInPathlessValue
        /// `"id"` inside a path-less PATCH value, equal to the resource's own (Okta).
        case idInPatchValue
        /// `remove` of `members` with a value list instead of a value filter (Entra, OneLogin).
        case valueListMemberRemoval
        /// SCIM 1.1 `"operation": "delete"` on a multi-valued element (Okta 1.1).
        case scim11ElementDelete
        /// An extension URN nobody declared, kept as given (`undeclaredExtensions: store`).
        case undeclaredExtension
        /// An endpoint path in another case (`/scim/v2/users`) or with a trailing slash (Entra).
        case endpointPathSpelling
        /// `+` for a space in the query string (HTML form encoding, Java's URLEncoder).
        case plusAsSpaceInQuery

        public static func < (a: Rule, b: Rule) -> Bool { a.rawValue < b.rawValue }

        /// One line for admins: what was sent, and what Roster made of it.
        public var summary: String {
            switch self {
            case .capitalisedOp: "PATCH op in another case (Replace, Add): read as its RFC name"
            case .stringBoolean: "a boolean sent as a string (\"False\"): read as the boolean"
            case .bareComplexValue: "a complex attribute sent as its bare value (\"manager\": \"id\"): read as {\"value\": …}"
            case .arrayForSingleComplex: "a single-valued complex attribute sent as a one-element array: read as the element"
            case .loneValueForMultiValued: "a multi-valued attribute sent as one value: read as a one-element list"
            case .ignoredSchemaMarker: "a schemas entry without attributes Roster does not serve (Entra's ADSCIM group URI): ignored"
            case .unqualifiedExtensionAttribute: "an extension attribute named without its URN (\"manager\"): resolved to the one extension that has it"
            case .pathlessPatch: "a PATCH operation without path: its value's keys name the attributes"
            case .qualifiedKeyInPathlessValue: "a path-less PATCH value with dotted or URN-qualified keys: read as paths"
            case .idInPatchValue: "the resource's own id inside a PATCH value: ignored"
            case .valueListMemberRemoval: "remove of members with a list of members in value: those members are removed"
            case .scim11ElementDelete: "SCIM 1.1 \"operation\": \"delete\" on an element: removed"
            case .undeclaredExtension: "an extension URN no schema declares: kept as given (undeclaredExtensions: store)"
            case .endpointPathSpelling: "an endpoint path in another case or with a trailing slash: routed"
            case .plusAsSpaceInQuery: "a + for a space in the query string (form encoding): read as a space"
            }
        }
    }

    /// What the liberties taken for one request were: set by the ingress around each SCIM
    /// request (a task-local), read after the answer into its configuration's report. Where no
    /// observer is set (the workers, tests), noting costs a task-local read.
    @TaskLocal public static var observer: Observer?

    /// Notes that `rule` was applied to the current request.
    public static func note(_ rule: Rule) { observer?.note(rule) }

    /// The undeclared extension `urn` with the attribute names it carried.
    public static func noteUndeclared(_ urn: String, attributes: some Sequence<String>) {
        observer?.note(.undeclaredExtension)
        observer?.noteUndeclared(urn, attributes: Set(attributes))
    }

    /// An undeclared extension a `reject` policy refused: reported (so an admin can declare it), not a liberty taken.
    public static func noteRefusedExtension(_ urn: String, attributes: some Sequence<String>) {
        observer?.noteUndeclared(urn, attributes: Set(attributes))
    }

    /// A schema URN the request named that Roster does not serve: a hint of which IdP sent it.
    static func noteForeignSchema(_ urn: String) { observer?.noteForeignSchema(urn) }

    /// The rules applied to one request, and the undeclared extensions it carried.
    public final class Observer: Sendable {
        public struct Observed: Sendable, Equatable {
            public var rules: Set<Rule> = []
            /// Undeclared extension URN → the attribute names seen under it.
            public var undeclared: [String: Set<String>] = [:]
            /// Schema URNs Roster does not serve (markers, undeclared extensions).
            public var foreignSchemas: Set<String> = []

            public init(rules: Set<Rule> = [], undeclared: [String: Set<String>] = [:], foreignSchemas: Set<String> = []) {
                self.rules = rules
                self.undeclared = undeclared
                self.foreignSchemas = foreignSchemas
            }
        }

        private let state = Mutex(Observed())

        public init() {}

        func note(_ rule: Rule) { state.withLock { _ = $0.rules.insert(rule) } }

        func noteUndeclared(_ urn: String, attributes: Set<String>) {
            state.withLock {
                $0.undeclared[urn, default: []].formUnion(attributes)
                $0.foreignSchemas.insert(urn)
            }
        }

        func noteForeignSchema(_ urn: String) { state.withLock { _ = $0.foreignSchemas.insert(urn) } }

        /// Notes `rule` from outside SCIMCore (the router's tolerances).
        public func noteRule(_ rule: Rule) { note(rule) }

        public var observed: Observed { state.withLock { $0 } }
    }
}
