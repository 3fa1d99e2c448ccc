import Foundation
import NIOCore
import NIOHTTP1
import RosterConfig
@testable import RosterIngress
import SCIMCore
import Testing

struct TrustedProxiesTests {
    @Test func anUntrustedPeerIsTheClientWhateverItForwards() throws {
        let proxies = try TrustedProxies(["10.0.0.0/8"])
        #expect(proxies.client(peer: "192.0.2.1", forwarded: "for=203.0.113.9", forwardedFor: "203.0.113.9") == "192.0.2.1")
    }

    @Test func throughTrustedProxiesTheRightMostUntrustedHopIsTheClient() throws {
        var proxies = try TrustedProxies(["10.0.0.0/8", "2001:db8::/32"])
        #expect(proxies.client(peer: "10.1.2.3", forwarded: nil, forwardedFor: "198.51.100.1, 203.0.113.9, 10.9.9.9") == "203.0.113.9")
        #expect(proxies.client(peer: "10.1.2.3", forwarded: "for=198.51.100.66", forwardedFor: "203.0.113.9") == "203.0.113.9",
                "a client's own Forwarded header is not read when the proxies write X-Forwarded-For")
        #expect(proxies.client(peer: "::ffff:10.1.2.3", forwarded: nil, forwardedFor: "203.0.113.9") == "203.0.113.9", "an IPv4-mapped peer")
        proxies.header = .forwarded
        #expect(proxies.client(peer: "10.1.2.3", forwarded: "for=198.51.100.1, for=\"[2001:db9::5]:4711\";proto=https", forwardedFor: "203.0.113.9") == "2001:db9::5",
                "Forwarded (RFC 7239 §4), with IPv6 in brackets and a port, when the proxies write that one")
        proxies.header = .xForwardedFor
        #expect(proxies.client(peer: "2001:db8::1", forwarded: nil, forwardedFor: "203.0.113.9:443") == "203.0.113.9")
        #expect(proxies.client(peer: "10.1.2.3", forwarded: nil, forwardedFor: nil) == "10.1.2.3", "no header: the proxy itself")
        #expect(proxies.client(peer: "10.1.2.3", forwarded: nil, forwardedFor: "_hidden") == "10.1.2.3", "an obfuscated hop: the proxy")
    }

    @Test func cidrBlocksMatchOnTheirPrefixOnly() throws {
        let proxies = try TrustedProxies(["192.168.4.0/22", "127.0.0.1"])
        #expect(proxies.isTrusted("192.168.7.255"))
        #expect(!proxies.isTrusted("192.168.8.0"))
        #expect(proxies.isTrusted("127.0.0.1"))
        #expect(!proxies.isTrusted("127.0.0.2"))
        #expect(proxies.isTrusted("::ffff:192.168.4.1"), "an IPv4-mapped address is its IPv4 address")
        #expect(!proxies.isTrusted("2001:db8::c0a8:401"), "another IPv6 address never matches an IPv4 block")
    }

    @Test func aMalformedEntryIsRefused() {
        for entry in ["10.0.0.0/33", "example.com", "10.0.0.0/x", "::1/129"] {
            #expect(throws: TrustedProxyError.self, "\(entry)") { try TrustedProxies([entry]) }
        }
    }
}

struct RateLimiterTests {
    @Test func aBucketServesItsBurstThenRefillsAtItsRate() {
        let limiter = RateLimiter(perSecond: 10, burst: 20)
        let start = ContinuousClock.now
        for _ in 0..<20 { #expect(limiter.take("okta", now: start) == nil) }
        #expect(limiter.take("okta", now: start) == 1, "past the burst: wait a whole second (integer Retry-After)")
        #expect(limiter.take("entra", now: start) == nil, "another configuration keeps its own budget")
        #expect(limiter.take("okta", now: start + .milliseconds(150)) == nil, "150 ms refill one and a half requests")
    }

    @Test func zeroTurnsTheLimitOff() {
        let limiter = RateLimiter(perSecond: 0, burst: 1)
        for _ in 0..<10_000 { #expect(limiter.take("x") == nil) }
    }
}

struct HTTPGuardTests {
    @Test func parserErrorsMapToTheirHTTPStatus() {
        let cases: [(HTTPParserError, Bool, String, Int, SCIMErrorType?)] = [
            (.headerOverflow, true, "", 431, nil),
            (.headerOverflow, false, "", 414, nil),
            (.invalidMethod, false, "brew / http/1.1\r\nhost: x\r\n", 501, nil),
            (.invalidMethod, false, "garbage\r\n", 400, .invalidSyntax),
            (.invalidChunkSize, true, "", 400, .invalidSyntax),
            (.unexpectedContentLength, true, "", 400, .invalidSyntax),
            (.unknown, true, "post / http/1.1\r\ntransfer-encoding: br\r\n", 501, nil),
            (.unknown, true, "post / http/1.1\r\n", 400, .invalidSyntax),
            (.invalidVersion, false, "", 505, nil),
        ]
        for (error, sawLine, head, status, type) in cases {
            let scim = HTTPRequestGuard.scimError(for: error, sawRequestLine: sawLine, head: head)
            #expect(scim.status == status, "\(error) \(head)")
            #expect(scim.scimType == type, "\(error) \(head)")
        }
    }

    @Test func aRawAnswerIsACompleteHTTPResponseWithASCIMBody() {
        let raw = String(buffer: HTTPGuard.rawResponse(SCIMError(status: 503, detail: "busy", retryAfter: 2)))
        #expect(raw.hasPrefix("HTTP/1.1 503 Service Unavailable\r\n"))
        #expect(raw.contains("\r\nRetry-After: 2\r\n"))
        #expect(raw.contains("\r\nConnection: close\r\n"))
        let body = raw.components(separatedBy: "\r\n\r\n")[1]
        #expect(raw.contains("Content-Length: \(body.utf8.count)\r\n"))
        #expect(body.contains("\"status\":\"503\""))
    }
}

struct IngressConfigurationListTests {
    /// The command-line provider splits `a,b` into two values itself: a list read as one string
    /// used to fall back to its default (a shard map or a proxy list silently ignored).
    @Test func commaSeparatedListsFromTheCommandLineKeepEveryItem() throws {
        let reader = RosterConfiguration.reader(arguments: [
            "roster-ingress", "--zmq-users", "tcp://10.0.0.1:5551,tcp://10.0.0.2:5551", "--http-trusted-proxies", "10.0.0.0/8, ::1",
        ])
        let configuration = try IngressConfiguration(reader: reader)
        #expect(configuration.usersEndpoints == ["tcp://10.0.0.1:5551", "tcp://10.0.0.2:5551"])
        #expect(configuration.trustedProxies.blocks.count == 2)
    }

    @Test func aMalformedTrustedProxyStopsTheIngressAtStartup() {
        let reader = RosterConfiguration.reader(arguments: ["roster-ingress", "--http-trusted-proxies", "10.0.0.0/40"])
        #expect(throws: StartupError.self) { try IngressConfiguration(reader: reader) }
    }
}
