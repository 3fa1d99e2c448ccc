import Benchmark
import Foundation
import RosterProtocol
import SCIMCore

/// An Okta create user request, as it reaches `POST /Users`.
let oktaUser = Array(#"""
{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"isabella.chen@example.com","name":{"givenName":"Isabella","familyName":"Chen"},
"emails":[{"primary":true,"value":"isabella.chen@example.com","type":"work"}],"displayName":"Isabella Chen","locale":"en-US","externalId":"00u1b2c3d4e5f6g7h8i9",
"groups":[],"password":"Not-the-real-one-4711","active":true}
"""#.utf8)

/// Entra's PATCH of a user: string booleans, capitalised ops.
let entraPatch = Array(#"""
{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"title","value":"Staff Engineer"},
{"op":"Replace","path":"active","value":"False"},{"op":"Add","path":"emails[type eq \"work\"].value","value":"i.chen@example.com"}]}
"""#.utf8)

let filters = [
    #"userName eq "isabella.chen@example.com""#,
    #"emails[type eq "work" and value co "@example.com"] or (title sw "Staff" and not (active eq false))"#,
]

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput], maxDuration: .seconds(2), maxIterations: 1_000_000)

    let user = try! JSONValue.parse(oktaUser).objectValue!
    let stored = try! ResourceNormalizer.user.normalize(user).resource
    let page = (0..<100).map { i in
        StoredResource(id: UUID().uuidString.lowercased(), version: 3, created: "2026-12-02T10:00:00.000Z", lastModified: "2026-12-02T10:00:00.000Z",
                       attributes: stored.merging(["userName": .string("user\(i)@example.com")]) { $1 })
    }
    let pageWire = CommandCodec.encode(QueryResult(totalResults: 1_000_000, resources: page))

    Benchmark("JSON parse: Okta user") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try JSONValue.parse(oktaUser)) }
    }
    Benchmark("JSON serialise: Okta user") { benchmark in
        let value = JSONValue.object(stored)
        for _ in benchmark.scaledIterations { blackHole(value.serialized()) }
    }
    Benchmark("normalise: Okta user") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try ResourceNormalizer.user.normalize(user)) }
    }
    Benchmark("filter parse: userName eq") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try FilterParser().parse(filters[0])) }
    }
    Benchmark("filter parse: nested, value path") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try FilterParser().parse(filters[1])) }
    }
    Benchmark("PATCH apply: Entra user update") { benchmark in
        let request = try PatchRequest(body: try JSONValue.parse(entraPatch).objectValue!)
        for _ in benchmark.scaledIterations { blackHole(try PatchEngine(.user).apply(request, to: stored, resourceID: "2819c223")) }
    }
    Benchmark("projection: default, one user") { benchmark in
        let projection = Projection(attributes: nil, excludedAttributes: nil, type: .user)
        for _ in benchmark.scaledIterations { blackHole(projection.apply(stored)) }
    }
    Benchmark("projection: attributes=userName,emails.value") { benchmark in
        let projection = Projection(attributes: "userName,emails.value", excludedAttributes: nil, type: .user)
        for _ in benchmark.scaledIterations { blackHole(projection.apply(stored)) }
    }
    Benchmark("wire encode: page of 100 users") { benchmark in
        // As a worker sends a page: each row's canonical JSON forwarded as stored, not serialised.
        let result = QueryResult(totalResults: 1_000_000, resources: page.map {
            var row = $0
            row.canonicalJSON = Data(JSONValue.object($0.attributes).serialized())
            return row
        })
        for _ in benchmark.scaledIterations { blackHole(CommandCodec.encode(result)) }
    }
    Benchmark("wire decode: page of 100 users") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try CommandCodec.decode(QueryResult.self, from: pageWire)) }
    }
}
