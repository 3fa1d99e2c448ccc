import Foundation

/// The proxies (`http.trustedProxies`: addresses or CIDR blocks) whose `Forwarded` /
/// `X-Forwarded-For` headers name the real client. A peer outside the list is the client itself,
/// whatever it sends; through trusted proxies the client is the right-most address that is not one
/// of them, so a client cannot pick its own source by prepending addresses.
public struct TrustedProxies: Sendable {
    struct Block: Sendable, Equatable {
        var bytes: [UInt8]
        var prefix: Int

        func contains(_ address: [UInt8]) -> Bool {
            guard address.count == bytes.count else { return false }
            var bits = prefix
            for (a, b) in zip(address, bytes) {
                guard bits > 0 else { return true }
                let mask: UInt8 = bits >= 8 ? 0xFF : ~(0xFF >> UInt8(bits))
                if a & mask != b & mask { return false }
                bits -= 8
            }
            return true
        }
    }

    /// The one header the proxies write (`http.forwardedHeader`). Only it is read: a proxy that
    /// writes `X-Forwarded-For` passes a client's own `Forwarded` through untouched, so reading
    /// both would let the client pick its source.
    public enum Header: String, Sendable {
        case xForwardedFor = "x-forwarded-for"
        case forwarded
    }

    let blocks: [Block]
    public var header = Header.xForwardedFor

    /// Entries that are neither an address nor a CIDR block are reported, not ignored.
    public init(_ entries: [String]) throws(TrustedProxyError) {
        blocks = try entries.map { entry throws(TrustedProxyError) in
            let parts = entry.split(separator: "/", maxSplits: 1).map(String.init)
            guard let bytes = Self.address(parts[0]) else { throw TrustedProxyError(entry: entry) }
            let prefix = parts.count == 2 ? Int(parts[1]) : bytes.count * 8
            guard let prefix, (0...(bytes.count * 8)).contains(prefix) else { throw TrustedProxyError(entry: entry) }
            return Block(bytes: bytes, prefix: prefix)
        }
    }

    public var isEmpty: Bool { blocks.isEmpty }

    func isTrusted(_ address: String) -> Bool {
        guard let bytes = Self.address(address) else { return false }
        return blocks.contains { $0.contains(bytes) }
    }

    /// The client's address: `peer` unless it is a trusted proxy, in which case the chain of the
    /// configured header (`X-Forwarded-For`, or `Forwarded` of RFC 7239) is walked from the right.
    func client(peer: String?, forwarded: String?, forwardedFor: String?) -> String? {
        guard let peer, isTrusted(peer) else { return peer }
        let chain = switch header {
        case .forwarded: forwarded.map(Self.forwardedFor) ?? []
        case .xForwardedFor: forwardedFor.map { $0.split(separator: ",").map { Self.clean($0) } } ?? []
        }
        for hop in chain.reversed() where !isTrusted(hop) {
            return Self.address(hop) == nil ? peer : hop  // an obfuscated or garbled hop: the proxy is the source
        }
        return chain.first ?? peer
    }

    /// The `for=` values of a `Forwarded` header, in order.
    static func forwardedFor(_ header: String) -> [String] {
        header.split(separator: ",").compactMap { element in
            element.split(separator: ";").lazy
                .map { $0.trimmingCharacters(in: .whitespaces) }
                .first { $0.lowercased().hasPrefix("for=") }
                .map { clean($0.dropFirst(4)) }
        }
    }

    /// An address without quotes, brackets or port: `"[2001:db8::1]:443"` → `2001:db8::1`.
    static func clean(_ raw: some StringProtocol) -> String {
        var value = raw.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        if value.hasPrefix("["), let end = value.firstIndex(of: "]") {
            return String(value[value.index(after: value.startIndex)..<end])
        }
        if value.filter({ $0 == ":" }).count == 1, let colon = value.firstIndex(of: ":") { value = String(value[..<colon]) }
        return value
    }

    /// The bytes of an IPv4 or IPv6 address; nil when it is neither. An IPv4-mapped IPv6 address
    /// (`::ffff:10.1.2.3`, a dual-stack listener's peer) is its IPv4 address.
    static func address(_ text: String) -> [UInt8]? {
        if text.lowercased().hasPrefix("::ffff:"), text.contains("."), let v4 = address(String(text.dropFirst(7))), v4.count == 4 { return v4 }
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }
}

public struct TrustedProxyError: Error, CustomStringConvertible {
    public var entry: String
    public var description: String { "http.trustedProxies: '\(entry)' is neither an IP address nor a CIDR block" }
}
