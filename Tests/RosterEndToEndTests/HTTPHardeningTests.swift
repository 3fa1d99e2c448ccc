import Foundation
import RosterTestSupport
import SCIMCore
import Testing

/// The HTTP layer under hostile input, against a real ingress: every refusal NIO's parser or the
/// guard makes is a SCIM error (RFC 7644 §3.12) with the right status, and the connection closes.
@Suite(.serialized)
struct HTTPHardeningTests {
    static let auth = "Authorization: Bearer \(e2eToken)\r\n"

    /// Raw requests and the status and scimType each must get.
    static let rejections: [(name: String, request: String, status: Int, scimType: SCIMErrorType?)] = [
        ("malformed request line", "GARBAGE\r\n\r\n", 400, .invalidSyntax),
        ("unknown method (RFC 9110 §9.1)", "BREW /scim/v2/Users HTTP/1.1\r\nHost: x\r\n\r\n", 501, nil),
        ("header without a colon", "GET /scim/v2/Users HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n", 400, .invalidSyntax),
        ("repeated Content-Length (RFC 9112 §6.3)", "POST /scim/v2/Users HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}", 400, .invalidSyntax),
        ("non-numeric Content-Length", "POST /scim/v2/Users HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n{}", 400, .invalidSyntax),
        ("request line over 8 KiB", "GET /scim/v2/Users?filter=\(String(repeating: "a", count: 9000)) HTTP/1.1\r\nHost: x\r\n\r\n", 414, nil),
        ("headers over 32 KiB", "GET /scim/v2/Users HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "a", count: 40000))\r\n\r\n", 431, nil),
        ("chunk size not hexadecimal", "POST /scim/v2/Users HTTP/1.1\r\nHost: x\r\n\(auth)Content-Type: application/scim+json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n", 400, .invalidSyntax),
        ("chunk size overflowing 64 bits", "POST /scim/v2/Users HTTP/1.1\r\nHost: x\r\n\(auth)Content-Type: application/scim+json\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\n{}\r\n0\r\n\r\n", 400, .invalidSyntax),
        ("unknown transfer coding", "POST /scim/v2/Users HTTP/1.1\r\nHost: x\r\n\(auth)Content-Type: application/scim+json\r\nTransfer-Encoding: gzip\r\n\r\n{}", 501, nil),
        ("gzip before chunked", "POST /scim/v2/Users HTTP/1.1\r\nHost: x\r\n\(auth)Content-Type: application/scim+json\r\nTransfer-Encoding: gzip, chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n", 501, nil),
        ("CONNECT (this is not a proxy)", "CONNECT /scim/v2/Users HTTP/1.1\r\nHost: x\r\n\r\n", 405, nil),
        ("TRACE (it would echo credentials)", "TRACE /scim/v2/Users HTTP/1.1\r\nHost: x\r\n\(auth)\r\n", 405, nil),
        ("SCIM write without a length", "POST /scim/v2/Users HTTP/1.1\r\nHost: x\r\n\(auth)Content-Type: application/scim+json\r\n\r\n", 411, nil),
        ("HTTP/3.0 on an HTTP/1.1 port", "GET / HTTP/3.0\r\nHost: x\r\n\r\n", 505, nil),
    ]

    @Test func everyParserRejectionIsASCIMErrorAndClosesTheConnection() async throws {
        try await withRunningSystem { system in
            try #require(await system.ready(), "\(system.logText)")
            for rejection in Self.rejections {
                let answer = try await RawHTTP.exchange(port: system.httpPort, rejection.request)
                #expect(answer.status == rejection.status, "\(rejection.name): \(answer.head)")
                let body = answer.json?.objectValue ?? [:]
                #expect(body["schemas"] == .array([.string("urn:ietf:params:scim:api:messages:2.0:Error")]), "\(rejection.name): \(answer.body)")
                #expect(body["status"] == .string(String(rejection.status)), "\(rejection.name)")
                #expect(body["scimType"]?.stringValue == rejection.scimType?.rawValue, "\(rejection.name)")
                #expect(answer.header("Content-Type")?.hasPrefix("application/scim+json") == true, "\(rejection.name)")
                #expect(answer.closed, "\(rejection.name): the connection stayed open after a framing error")
            }
            // A well-formed request on a fresh connection is unaffected.
            #expect(try await system.http.send("GET", "/scim/v2/Users").status == 200)
        }
    }

    /// The JSON of a user is whole before the chunked framing breaks: nothing may be stored from it.
    @Test func aBodyWhoseFramingBreaksAfterTheJSONIsNotApplied() async throws {
        try await withRunningSystem { system in
            try #require(await system.ready(), "\(system.logText)")
            let json = #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"framing.broken"}"#
            let request = "POST /scim/v2/Users HTTP/1.1\r\nHost: x\r\n\(Self.auth)Content-Type: application/scim+json\r\nTransfer-Encoding: chunked\r\n\r\n"
                + String(json.utf8.count, radix: 16) + "\r\n" + json + "\r\nxyz\r\n\r\n"
            let answer = try await RawHTTP.exchange(port: system.httpPort, request)
            #expect(answer.status == 400, "\(answer.head)")
            #expect(answer.json?.objectValue?["scimType"] == .string("invalidSyntax"))
            let found = try await system.http.send("GET", "/scim/v2/Users?filter=" + "userName eq \"framing.broken\"".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)
            #expect(found.object["totalResults"] == .int(0), "a user was created from a request answered 400")
        }
    }

    @Test func aHeadTrickledSlowerThanTheHeaderTimeoutIsAnswered408() async throws {
        try await withRunningSystem(configure: { $0.ingressArguments = ["--http-header-timeout-seconds", "1"] }) { system in
            try #require(await system.ready(), "\(system.logText)")
            let started = ContinuousClock.now
            // Slowloris: one header line every 300 ms, never the blank line that ends the head.
            let trickle = [Data("GET /scim/v2/Users HTTP/1.1\r\nHost: x\r\n".utf8)] + (0..<40).map { Data("X-Slow-\($0): y\r\n".utf8) }
            let answer = try await RawHTTP.exchange(port: system.httpPort, trickle, pause: .milliseconds(300), timeout: .seconds(20))
            #expect(answer.status == 408, "\(answer.head)")
            #expect(answer.closed)
            #expect(ContinuousClock.now - started < .seconds(10), "the trickling client was held for \(ContinuousClock.now - started)")
            #expect(try await system.http.send("GET", "/scim/v2/Users").status == 200)
        }
    }

    @Test func aBodyThatStallsIsAnswered408() async throws {
        try await withRunningSystem(configure: { $0.ingressArguments = ["--http-body-timeout-seconds", "1"] }) { system in
            try #require(await system.ready(), "\(system.logText)")
            let head = "POST /scim/v2/Users HTTP/1.1\r\nHost: x\r\n\(Self.auth)Content-Type: application/scim+json\r\nContent-Length: 500\r\n\r\n{\"schemas\":"
            let answer = try await RawHTTP.exchange(port: system.httpPort, head, timeout: .seconds(20))
            #expect(answer.status == 408, "\(answer.head)")
            #expect(answer.json?.objectValue?["status"] == .string("408"))
            #expect(answer.closed)
        }
    }

    @Test func aConnectionBeyondTheCapGets503WithRetryAfter() async throws {
        try await withRunningSystem(configure: { $0.ingressArguments = ["--http-max-connections", "4"] }) { system in
            try #require(await system.ready(), "\(system.logText)")
            // Connections held open (each answered once, so the server has admitted it) until one
            // is refused; the readiness probe's kept-alive connection may hold one of the four.
            var held: [RawHTTP.Connection] = []
            var refused: RawHTTP.Answer?
            for _ in 0..<6 {
                let connection = try RawHTTP.Connection(port: system.httpPort)
                let answer = await RawHTTP.onThread { connection.roundTrip("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n") }
                if answer.status != 200 {
                    refused = answer
                    #expect(await RawHTTP.onThread { connection.readAll().closed }, "the refused connection is closed")
                    break
                }
                held.append(connection)
            }
            #expect((3...4).contains(held.count), "\(held.count) connections admitted under a cap of 4")
            let answer = try #require(refused, "no connection was refused")
            #expect(answer.status == 503, "\(answer.head)")
            #expect(answer.header("Retry-After") == "1")
            #expect(answer.json?.objectValue?["status"] == .string("503"))
            for connection in held { connection.close() }
            held.removeAll()
            let admitted = await eventually(timeout: .seconds(5)) {
                (try? await RawHTTP.exchange(port: system.httpPort, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").status) == 200
            }
            #expect(admitted, "a freed slot was not reused")
        }
    }

    /// IdPs keep connections alive: a refusal on the second request of a connection is still a
    /// SCIM error, not a bare close.
    @Test func aRefusalLaterOnAKeptAliveConnectionIsStillASCIMError() async throws {
        try await withRunningSystem { system in
            try #require(await system.ready(), "\(system.logText)")
            let connection = try RawHTTP.Connection(port: system.httpPort)
            let answers = await RawHTTP.onThread { () -> (Int?, RawHTTP.Answer) in
                let first = connection.roundTrip("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").status
                connection.write(Data("POST /scim/v2/Users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(e2eToken)\r\nContent-Type: application/scim+json\r\n\r\n".utf8))
                return (first, connection.readAll())
            }
            #expect(answers.0 == 200)
            #expect(answers.1.status == 411, "\(answers.1.head)")
            #expect(answers.1.json?.objectValue?["status"] == .string("411"))
        }
    }

    /// A chunked body whose first chunk is a whole user, then silence: 408, and nothing stored.
    @Test func aBodyCutShortByTheTimeoutIsNotApplied() async throws {
        try await withRunningSystem(configure: { $0.ingressArguments = ["--http-body-timeout-seconds", "1"] }) { system in
            try #require(await system.ready(), "\(system.logText)")
            let json = #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"timeout.cut"}"#
            let request = "POST /scim/v2/Users HTTP/1.1\r\nHost: x\r\n\(Self.auth)Content-Type: application/scim+json\r\nTransfer-Encoding: chunked\r\n\r\n"
                + String(json.utf8.count, radix: 16) + "\r\n" + json + "\r\n"
            let answer = try await RawHTTP.exchange(port: system.httpPort, request, timeout: .seconds(20))
            #expect(answer.status == 408, "\(answer.head)")
            try await Task.sleep(for: .milliseconds(500))
            let found = try await system.http.send("GET", "/scim/v2/Users?filter=" + "userName eq \"timeout.cut\"".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)
            #expect(found.object["totalResults"] == .int(0), "a user was created from a body the server timed out")
        }
    }
}
