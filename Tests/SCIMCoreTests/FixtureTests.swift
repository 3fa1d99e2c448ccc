import Foundation
import SCIMCore
import Testing

/// Samples from the RFCs and the IdPs' documentation, named after where they come from.
struct FixtureTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static var names: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
    }

    static func load(_ name: String) throws -> JSONValue {
        try JSONValue.parse(Data(contentsOf: directory.appendingPathComponent(name)))
    }

    @Test func fixturesArePresent() {
        #expect(Self.names.count >= 7)
    }

    @Test(arguments: names)
    func fixtureRoundTripsThroughSerialisation(_ name: String) throws {
        let value = try Self.load(name)
        #expect(try JSONValue.parse(value.serializedData()) == value)
    }

    @Test(arguments: names.filter { $0.hasPrefix("rfc7643") })
    func rfcUsersAreAcceptedWithReadOnlyDroppedAndPasswordSetApart(_ name: String) throws {
        let result = try ResourceNormalizer.user.normalize(Self.load(name).objectValue!)
        #expect(result.resource["id"] == nil && result.resource["meta"] == nil && result.resource["groups"] == nil)
        #expect(result.resource["password"] == nil)
        #expect(result.resource["userName"] == .string("bjensen@example.com"))
    }

    @Test(arguments: names.filter { $0.contains("patch") })
    func patchSamplesApplyToTheRFCUser(_ name: String) throws {
        let user = try ResourceNormalizer.user.normalize(Self.load("rfc7643-8.2-user-full.json").objectValue!).resource
        let request = try PatchRequest(body: Self.load(name).objectValue!)
        let patched = try PatchEngine.user.apply(request, to: user, resourceID: "2819c223-7f76-453a-919d-413861904646")
        #expect(patched != user)
        _ = try ResourceNormalizer.user.normalize(patched)
    }
}
