import SCIMCore

/// Text columns of `sync.sqlite` that hold a JSON list of strings (a configuration's groups, a
/// webhook's event types, a link's notes and saved groups) or a JSON object of strings (a link's
/// group map): written and read one way everywhere.
extension SyncStore {
    static func jsonList(_ values: [String]) -> String { JSONValue.array(values.map(JSONValue.string)).serializedString() }

    static func jsonObject(_ values: [String: String]) -> String { JSONValue.object(values.mapValues(JSONValue.string)).serializedString() }

    /// The strings of a list column; none when it does not parse.
    static func list(_ text: String) -> [String] { (try? JSONValue.parse(Array(text.utf8)).arrayValue?.compactMap(\.stringValue)) ?? [] }

    static func object(_ text: String) -> [String: String] { (try? JSONValue.parse(Array(text.utf8)).objectValue?.compactMapValues(\.stringValue)) ?? [:] }
}
