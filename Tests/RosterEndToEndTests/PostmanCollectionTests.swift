import Foundation
import RosterTestSupport
import SCIMCore
import Testing

/// `docs/postman/roster.postman_collection.json`, the collection admins import: checked against the
/// shape of the Postman collection format v2.1, then every request in it run in order against the
/// real stack, answering the status its test script asserts.
@Suite(.serialized)
struct PostmanCollectionTests {
    static let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../docs/postman/roster.postman_collection.json").standardized

    /// Every request of the collection, folders flattened, in order.
    static func requests(_ items: [JSONValue]) -> [[String: JSONValue]] {
        items.flatMap { item -> [[String: JSONValue]] in
            guard let object = item.objectValue else { return [] }
            if let children = object["item"]?.arrayValue { return requests(children) }
            return [object]
        }
    }

    static func script(_ item: [String: JSONValue]) -> String {
        (item["event"]?.arrayValue ?? []).compactMap { $0.objectValue }.filter { $0["listen"] == .string("test") }
            .flatMap { $0["script"]?.objectValue?["exec"]?.arrayValue ?? [] }.compactMap(\.stringValue).joined(separator: "\n")
    }

    static func firstMatch(_ pattern: String, in text: String) -> String? {
        guard let regex = try? NSRegularExpression(pattern: pattern),
              let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
              let range = Range(match.range(at: 1), in: text) else { return nil }
        return String(text[range])
    }

    @Test func theCollectionIsAPostmanV21CollectionAndEveryRequestAnswersWhatItAsserts() async throws {
        let collection = try #require(try JSONValue.parse(Data(contentsOf: Self.file)).objectValue)
        // The v2.1 shape: info with name and schema, items with a request (method, url), variables.
        let info = try #require(collection["info"]?.objectValue)
        #expect(info["schema"] == .string("https://schema.getpostman.com/json/collection/v2.1.0/collection.json"))
        #expect(info["name"]?.stringValue?.isEmpty == false)
        let variables = Set((collection["variable"]?.arrayValue ?? []).compactMap { $0.objectValue?["key"]?.stringValue })
        #expect(variables.isSuperset(of: ["baseUrl", "token"]))
        #expect(collection["auth"]?.objectValue?["type"] == .string("bearer"))
        let requests = Self.requests(collection["item"]?.arrayValue ?? [])
        #expect(requests.count >= 10)

        try await withRunningSystem { system in
            try #require(await system.ready(), "\(system.logText)")
            var values = ["baseUrl": system.http.base + "/scim/v2", "token": e2eToken]
            func substituted(_ text: String) -> String { values.reduce(text) { $0.replacingOccurrences(of: "{{\($1.key)}}", with: $1.value) } }
            for item in requests {
                let name = item["name"]?.stringValue ?? "?"
                let request = try #require(item["request"]?.objectValue, "\(name): no request")
                let method = try #require(request["method"]?.stringValue, "\(name): no method")
                let url = try #require(request["url"]?.objectValue?["raw"]?.stringValue, "\(name): no url.raw")
                let script = Self.script(item)
                let expected = try #require(Self.firstMatch(#"to\.have\.status\((\d+)\)"#, in: script).flatMap(Int.init), "\(name): its test asserts no status")
                var headers: [String: String] = [:]
                for header in request["header"]?.arrayValue ?? [] {
                    if let key = header.objectValue?["key"]?.stringValue, let value = header.objectValue?["value"]?.stringValue { headers[key] = value }
                }
                let body = request["body"]?.objectValue?["raw"]?.stringValue.map(substituted)
                let full = substituted(url)
                let client = TestHTTP(base: "", token: values["token"])
                let reply = try await client.send(method, full, body: body, headers: headers)
                #expect(reply.status == expected, "\(name): \(method) \(full) answered \(reply.status), not \(expected): \(String(decoding: reply.body.prefix(300), as: UTF8.self))")
                if let variable = Self.firstMatch(#"collectionVariables\.set\("(\w+)", pm\.response\.json\(\)\.id\)"#, in: script),
                   let id = reply.object["id"]?.stringValue {
                    values[variable] = id
                }
            }
        }
    }
}
