import Foundation
import RosterTestSupport
import SCIMCore
import Testing

/// Every flow under `Fixtures/<idp>/` (the requests each IdP really sends, `../shared/IDP-NOTES.md`),
/// replayed step by step against the real stack: status, `scimType` and the listed members of
/// each answer must be what the fixture says. A flow marked `pending` names what Roster lacks; it
/// is listed, not run. A step with `"admin": true` is the operator's (the admin API, with the admin
/// token: declaring a schema); one with `"eventually": true` is retried for up to 5 s until its
/// status matches (the first request after a declaration, which every ingress applies within 1 s).
@Suite(.serialized)
struct IdPFixtureReplayTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// The IdP families with fixtures: one folder each.
    static var idps: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    static func flows(of idp: String) -> [URL] {
        let folder = root.appendingPathComponent(idp)
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasSuffix(".json") }.sorted().map { folder.appendingPathComponent($0) }
    }

    @Test(arguments: idps)
    func everyFlowOfTheIdPReplaysAgainstTheRealStack(_ idp: String) async throws {
        let files = Self.flows(of: idp)
        try #require(!files.isEmpty, "no flows for \(idp)")
        try await withRunningSystem { system in
            try #require(await system.ready(), "\(system.logText)")
            var steps = 0, pending: [String] = []
            for file in files {
                let flow = try #require(try JSONValue.parse(Data(contentsOf: file)).objectValue, "\(file.lastPathComponent) is not a JSON object")
                if let reason = flow["pending"]?.stringValue {
                    pending.append("\(file.lastPathComponent): \(reason)")
                    continue
                }
                var saved: [String: String] = [:]
                for step in flow["steps"]?.arrayValue ?? [] {
                    steps += 1
                    let admin = TestHTTP(base: system.http.base, token: e2eAdminToken)
                    try await Self.replay(try #require(step.objectValue), in: file.lastPathComponent, saved: &saved, http: system.http, admin: admin)
                }
            }
            print("idp-replay \(idp): \(files.count - pending.count) flows, \(steps) steps\(pending.isEmpty ? "" : "; pending: " + pending.joined(separator: "; "))")
        }
    }

    static func replay(_ step: [String: JSONValue], in flow: String, saved: inout [String: String], http: TestHTTP, admin: TestHTTP) async throws {
        func substituted(_ text: String) -> String {
            saved.reduce(text) { $0.replacingOccurrences(of: "${\($1.key)}", with: $1.value) }
        }
        let name = "\(flow) › \(step["name"]?.stringValue ?? "?")"
        let method = try #require(step["method"]?.stringValue, "\(name): no method")
        let path = substituted(try #require(step["path"]?.stringValue, "\(name): no path"))
        var headers: [String: String] = [:]
        for (key, value) in step["headers"]?.objectValue ?? [:] { headers[key] = value.stringValue }
        let body = step["body"].map { substituted(String(decoding: $0.serialized(), as: UTF8.self)) }
        if body != nil, headers.keys.allSatisfy({ $0.lowercased() != "content-type" }) { headers["Content-Type"] = "application/scim+json" }
        let expect = step["expect"]?.objectValue ?? [:]
        guard case .int(let expected)? = expect["status"] else {
            Issue.record("\(name): no expect.status")
            return
        }
        let status = Int(expected)
        let client = step["admin"] == .bool(true) ? admin : http
        var reply = try await client.send(method, path, body: body, headers: headers)
        if step["eventually"] == .bool(true) {
            let deadline = ContinuousClock.now + .seconds(5)
            while reply.status != status, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(200))
                reply = try await client.send(method, path, body: body, headers: headers)
            }
        }
        #expect(reply.status == status, "\(name): \(method) \(path) answered \(reply.status), not \(status): \(String(decoding: reply.body.prefix(400), as: UTF8.self))")
        if let scimType = expect["scimType"], reply.status >= 400 {
            #expect(reply.object["scimType"] == (scimType.isNull ? nil : scimType), "\(name): scimType \(reply.object["scimType"].map { "\($0)" } ?? "none")")
        }
        for (key, value) in expect["json"]?.objectValue ?? [:] {
            #expect(reply.object[key] == value, "\(name): '\(key)' is \(reply.object[key].map { "\($0)" } ?? "missing"), not \(value)")
        }
        for (variable, member) in step["save"]?.objectValue ?? [:] {
            if let key = member.stringValue, let value = reply.object[key]?.stringValue { saved[variable] = value }
        }
    }
}
