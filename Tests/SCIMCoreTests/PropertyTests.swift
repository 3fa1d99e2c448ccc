import Foundation
import RosterTestSupport
import SCIMCore
import Testing

/// Random input never crashes and never yields anything but a precise 4xx SCIM error; and the
/// generators produce both kinds, so a test that only ever sees one of them fails.
struct PropertyTests {
    @Test func randomFiltersParseOrFailWithInvalidFilter() {
        var random = RandomInput(seed: 7644)
        var accepted = 0
        var rejected = 0
        for _ in 0..<5000 {
            let text = random.filter()
            do {
                _ = try FilterParser().parse(text)
                accepted += 1
            } catch {
                rejected += 1
                #expect(error.status == 400 && error.scimType == .invalidFilter, "\(text): \(error)")
            }
        }
        #expect(accepted > 0 && rejected > 0, "\(accepted) filters accepted, \(rejected) rejected: the generator must produce both")
    }

    @Test func randomPatchDocumentsApplyOrFailWith400() throws {
        var random = RandomInput(seed: 7643)
        let resource = json(bjensen).objectValue!
        var accepted = 0
        var rejected = 0
        for _ in 0..<5000 {
            let body = random.patchBody()
            do {
                let request = try PatchRequest(body: try JSONValue.parseObject(Data(body.utf8)))
                let (rest, _) = try request.extractingPassword()
                let patched = try PatchEngine.user.apply(rest, to: resource, resourceID: "2819c223")
                _ = try ResourceNormalizer.user.normalize(patched)
                accepted += 1
            } catch {
                rejected += 1
                #expect(error.status == 400, "\(body): \(error)")
            }
        }
        #expect(accepted > 0 && rejected > 0, "\(accepted) PATCH documents accepted, \(rejected) rejected: the generator must produce both")
    }
}
