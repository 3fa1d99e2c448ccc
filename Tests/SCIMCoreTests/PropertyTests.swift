import Foundation
import RosterTestSupport
import SCIMCore
import Testing

/// Random input never crashes and never yields anything but a precise 4xx SCIM error.
struct PropertyTests {
    @Test func randomFiltersParseOrFailWithInvalidFilter() {
        var random = RandomInput(seed: 7644)
        for _ in 0..<5000 {
            let text = random.filter()
            do {
                _ = try FilterParser().parse(text)
            } catch {
                #expect(error.status == 400 && error.scimType == .invalidFilter, "\(text): \(error)")
            }
        }
    }

    @Test func randomPatchDocumentsApplyOrFailWith400() throws {
        var random = RandomInput(seed: 7643)
        let resource = json(bjensen).objectValue!
        for _ in 0..<5000 {
            let body = random.patchBody()
            do {
                let request = try PatchRequest(body: try JSONValue.parseObject(Data(body.utf8)))
                let (rest, _) = try request.extractingPassword()
                let patched = try PatchEngine.user.apply(rest, to: resource, resourceID: "2819c223")
                _ = try ResourceNormalizer.user.normalize(patched)
            } catch {
                #expect(error.status == 400, "\(body): \(error)")
            }
        }
    }
}
