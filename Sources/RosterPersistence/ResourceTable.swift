import GRDB
public import SCIMCore

/// How a store keeps one resource type: its table, which attributes live in columns, which
/// multi-valued attributes are rows of another table, and its per-directory counter.
///
/// Every resource table has the columns `seq` (creation order), `id`, `directoryId`, the unique
/// attribute's value and folded key (`uniqueColumns`, unique per directory), `externalId`,
/// `version`, `created`, `lastModified` and `json` (the canonical attributes without id and meta).
///
/// Everything not named here is read from the canonical JSON column (`json_extract`,
/// `json_each`), so every filter that ``ResourceType/validate(_:)`` accepts works on every type.
public struct ResourceTable: Sendable {
    /// Where a single value lives.
    public enum Storage: Sendable {
        /// A column of the table; `folded` when it already holds `scim_fold`ed text.
        case column(String, folded: Bool)
        /// An SQL expression over the row, for attributes derived rather than stored
        /// (`meta.resourceType`, `meta.version`).
        case expression(String)
        /// The location prefix (`https://…/scim/v2/Users/`) followed by the id column.
        case location
        /// The store cannot answer it (the reason is the 400's detail).
        case unsupported(String)
    }

    /// A multi-valued attribute kept as one row per element in another table.
    public struct Rows: Sendable {
        /// `groupMember m`, and the condition that ties a row to its resource.
        public var from: String
        public var join: String
        /// Sub-attribute name (lower case) → column, e.g. `value` → `m.memberId`.
        public var columns: [String: String]

        public init(from: String, join: String, columns: [String: String]) {
            self.from = from
            self.join = join
            self.columns = columns
        }
    }

    public var type: ResourceType
    /// The table, also the qualifier of its columns (`user.userNameKey`).
    public var name: String
    /// The columns of the unique attribute: its value as given, and folded (the unique index).
    public var uniqueColumns: (value: String, key: String)
    /// `directoryCount.users`: the table and column that count a directory's resources.
    public var countTable: String
    public var countColumn: String
    /// By ``ResolvedAttribute/key`` (`username`, `meta.created`); whole attributes by their name.
    public var storage: [String: Storage]
    /// By attribute name (lower case).
    public var rows: [String: Rows]
    /// `attr eq "x"` answered by an index of folded values: key → SQL taking (directory, value).
    public var equalityIndexes: [String: String]

    public init(
        type: ResourceType, name: String, uniqueColumns: (value: String, key: String), countTable: String, countColumn: String,
        storage: [String: Storage] = [:], rows: [String: Rows] = [:], equalityIndexes: [String: String] = [:]
    ) {
        self.type = type
        self.name = name
        self.uniqueColumns = uniqueColumns
        self.countTable = countTable
        self.countColumn = countColumn
        var all = storage
        all[type.uniqueAttribute.lowercased()] = all[type.uniqueAttribute.lowercased()] ?? .column(uniqueColumns.key, folded: true)
        // The common attributes (RFC 7643 §3.1) live in the same columns in every table.
        let common: [String: Storage] = [
            "id": .column("id", folded: false), "externalid": .column("externalId", folded: false),
            "meta.created": .column("created", folded: false), "meta.lastmodified": .column("lastModified", folded: false),
            "meta.resourcetype": .expression("'\(type.name)'"), "meta.version": .expression("'W/\"' || \(name).version || '\"'"),
            "meta.location": .location,
        ]
        all.merge(common) { mine, _ in mine }
        self.storage = all
        self.rows = rows
        self.equalityIndexes = equalityIndexes
    }
}
