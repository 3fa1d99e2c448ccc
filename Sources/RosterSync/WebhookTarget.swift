import Foundation
import SCIMCore
#if canImport(Glibc)
import Glibc
#endif

/// Where a webhook may post: `http` or `https`, no credentials in the URL, and, unless
/// `webhooks.allowPrivateTargets`, a host whose every address is public: no loopback,
/// link-local (cloud metadata at 169.254.169.254), private, shared (CGNAT), multicast or
/// unspecified address, so that a subscription cannot make Roster reach into its own network.
/// Checked when a subscription is made and again before each delivery (a name can be pointed
/// elsewhere later); redirects are never followed.
enum WebhookTarget {
    /// The URL's syntax and, when its host is an address literal, that address.
    static func checkSyntax(_ text: String, allowPrivate: Bool) throws(SCIMError) -> URL {
        guard text.utf8.count <= 2048, let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = url.host, !host.isEmpty
        else { throw SCIMError.invalidValue("A webhook URL must be an absolute http or https URL, not '\(text.prefix(200))'.") }
        guard url.user == nil, url.password == nil else {
            throw SCIMError.invalidValue("A webhook URL must not carry credentials: the signature authenticates Roster to the receiver.")
        }
        if !allowPrivate, let address = IPAddress(host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))), !address.isPublic {
            throw refused(host, address)
        }
        return url
    }

    /// The syntax, then every address the host resolves to.
    static func check(_ text: String, allowPrivate: Bool) throws(SCIMError) -> URL {
        let url = try checkSyntax(text, allowPrivate: allowPrivate)
        guard !allowPrivate, let host = url.host?.trimmingCharacters(in: CharacterSet(charactersIn: "[]")) else { return url }
        let addresses = resolve(host)
        guard !addresses.isEmpty else { throw SCIMError.invalidValue("The webhook host '\(host)' does not resolve.") }
        if let bad = addresses.first(where: { !$0.isPublic }) { throw refused(host, bad) }
        return url
    }

    static func refused(_ host: String, _ address: IPAddress) -> SCIMError {
        SCIMError.invalidValue("The webhook host '\(host)' is \(address) on a loopback, link-local or private network, which webhooks may not reach "
            + "(the sync worker's webhooks.allowPrivateTargets allows it).")
    }

    static func resolve(_ host: String) -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { return [] }
        defer { freeaddrinfo(first) }
        var out: [IPAddress] = []
        var next: UnsafeMutablePointer<addrinfo>? = first
        while let info = next {
            if let sa = info.pointee.ai_addr {
                if info.pointee.ai_family == AF_INET {
                    let v4 = sa.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr.s_addr }
                    out.append(.v4(withUnsafeBytes(of: v4) { Array($0) }))
                } else if info.pointee.ai_family == AF_INET6 {
                    let v6 = sa.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
                    out.append(.v6(withUnsafeBytes(of: v6) { Array($0) }))
                }
            }
            next = info.pointee.ai_next
        }
        return out
    }
}

/// An IPv4 or IPv6 address, as its bytes in network order.
enum IPAddress: Equatable, CustomStringConvertible {
    case v4([UInt8])
    case v6([UInt8])

    init?(_ text: String) {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            self = .v4(withUnsafeBytes(of: v4) { Array($0) })
            return
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            self = .v6(withUnsafeBytes(of: v6) { Array($0) })
            return
        }
        return nil
    }

    /// Reachable on the public internet: none of the special-purpose ranges of RFC 6890.
    var isPublic: Bool {
        switch self {
        case .v4(let b):
            switch (b[0], b[1]) {
            case (0, _), (10, _), (127, _), (169, 254), (192, 168): return false
            case (172, 16...31), (100, 64...127), (198, 18...19): return false
            case (224...255, _): return false  // multicast, reserved, broadcast
            case (192, 0) where b[2] == 0 || b[2] == 2: return false
            default: return true
            }
        case .v6(let b):
            if b.allSatisfy({ $0 == 0 }) { return false }  // ::
            if b[0..<15].allSatisfy({ $0 == 0 }) && b[15] == 1 { return false }  // ::1
            // Forms that carry an IPv4 address: judged by it. IPv4-compatible ::a.b.c.d, mapped
            // ::ffff:a.b.c.d, translated ::ffff:0:a.b.c.d, NAT64 64:ff9b::/96, and 6to4 2002:aabb:ccdd::/16.
            if b[0..<12].allSatisfy({ $0 == 0 }) { return IPAddress.v4(Array(b[12...])).isPublic }
            if b[0..<10].allSatisfy({ $0 == 0 }) && b[10] == 0xFF && b[11] == 0xFF { return IPAddress.v4(Array(b[12...])).isPublic }
            if b[0..<8].allSatisfy({ $0 == 0 }) && b[8] == 0xFF && b[9] == 0xFF && b[10] == 0 && b[11] == 0 { return IPAddress.v4(Array(b[12...])).isPublic }
            if b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B && b[4..<12].allSatisfy({ $0 == 0 }) { return IPAddress.v4(Array(b[12...])).isPublic }
            if b[0] == 0x20 && b[1] == 0x02 { return IPAddress.v4(Array(b[2..<6])).isPublic }
            if b[0] == 0xFE && b[1] & 0xC0 == 0x80 { return false }  // fe80::/10 link-local
            if b[0] == 0xFE && b[1] & 0xC0 == 0xC0 { return false }  // fec0::/10 site-local (deprecated, still routed in places)
            if b[0] & 0xFE == 0xFC { return false }  // fc00::/7 unique local
            if b[0] == 0xFF { return false }  // multicast
            if b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8 { return false }  // documentation
            return true
        }
    }

    var description: String {
        switch self {
        case .v4(let b): return b.map(String.init).joined(separator: ".")
        case .v6(let b): return stride(from: 0, to: 16, by: 2).map { String(UInt16(b[$0]) << 8 | UInt16(b[$0 + 1]), radix: 16) }.joined(separator: ":")
        }
    }
}
