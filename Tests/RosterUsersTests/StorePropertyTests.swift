import RosterPersistence
import RosterProtocol
import RosterTestSupport
import SCIMCore
import Testing

/// Random filters and PATCH documents through the real store: an answer or a 4xx, never a 500;
/// and the generators reach both sides, so a test that only ever sees one of them fails.
struct StorePropertyTests {
    @Test func randomFiltersAndPatchesNeverFailInternally() throws {
        try withUserStore { store, _ throws in
            for person in UserFilterTests.people { _ = try store.run(CreateUser(directoryID: "d", attributes: person, passwordHash: nil)) }
            let target = try store.run(QueryUsers(directoryID: "d", filter: #"userName eq "bjensen""#, startIndex: 1, count: 1)).resources[0]
            var random = RandomInput(seed: 3_442)
            var answered = 0
            var refused = 0
            var patched = 0
            var patchesRefused = 0
            for _ in 0..<1500 {
                let filter = random.filter()
                do {
                    _ = try store.run(QueryUsers(directoryID: "d", filter: filter, startIndex: 1, count: 5, sortBy: random.element(["title", "emails", nil, "userName"])))
                    answered += 1
                } catch let error as SCIMError {
                    refused += 1
                    #expect(error.status == 400, "\(filter): \(error)")
                }
                let body = random.patchBody()
                do {
                    let operations = try PatchRequest(body: try JSONValue.parseObject(.init(body.utf8))).extractingPassword().0
                    _ = try store.run(PatchUser(directoryID: "d", id: target.id, operations: operations.wire, passwordHash: nil, clearPassword: false, ifMatch: nil))
                    patched += 1
                } catch let error as SCIMError {
                    patchesRefused += 1
                    #expect([400, 409].contains(error.status), "\(body): \(error)")
                }
            }
            #expect(answered > 100, "the generator should produce many valid filters")
            #expect(answered > 0 && refused > 0, "\(answered) filters answered, \(refused) refused: the generator must produce both")
            #expect(patched > 0 && patchesRefused > 0, "\(patched) PATCH documents applied, \(patchesRefused) refused: the generator must produce both")
        }
    }
}
