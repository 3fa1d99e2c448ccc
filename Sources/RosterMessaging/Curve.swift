import Foundation
internal import CZeroMQ
#if canImport(Glibc)
import Glibc
#endif

/// A CURVE key pair (Curve25519, as libzmq's CurveZMQ uses), 32 bytes each.
public struct CurveKeyPair: Sendable, Equatable {
    public var publicKey: [UInt8]
    public var secretKey: [UInt8]

    /// A new random pair (`zmq_curve_keypair`).
    public static func generate() throws(CurveKeyError) -> CurveKeyPair {
        var publicText = [CChar](repeating: 0, count: 41), secretText = [CChar](repeating: 0, count: 41)
        guard zmq_curve_keypair(&publicText, &secretText) == 0 else { throw CurveKeyError("this libzmq has no CURVE support (built without libsodium)") }
        defer { for i in secretText.indices { secretText[i] = 0 } }
        let publicKey = Curve.decode(Curve.string(publicText)), secretKey = Curve.decode(Curve.string(secretText))
        guard let publicKey, let secretKey else { throw CurveKeyError("zmq_curve_keypair returned keys that do not decode") }
        return CurveKeyPair(publicKey: publicKey, secretKey: secretKey)
    }

    /// The pair of a secret key: its public key is derived (`zmq_curve_public`).
    public init(secretKey: [UInt8]) throws(CurveKeyError) {
        guard secretKey.count == 32 else { throw CurveKeyError("a CURVE secret key is 32 bytes") }
        var publicText = [CChar](repeating: 0, count: 41)
        guard zmq_curve_public(&publicText, Curve.encode(secretKey)) == 0, let publicKey = Curve.decode(Curve.string(publicText)) else {
            throw CurveKeyError("this libzmq has no CURVE support (built without libsodium)")
        }
        self.init(publicKey: publicKey, secretKey: secretKey)
    }

    public init(publicKey: [UInt8], secretKey: [UInt8]) {
        self.publicKey = publicKey
        self.secretKey = secretKey
    }
}

public struct CurveKeyError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// A worker socket's CURVE side: its key pair, and the client public keys it accepts (checked by
/// a ZAP handler: without one, any client that knows the worker's public key could connect).
public struct CurveServer: Sendable {
    public var keyPair: CurveKeyPair
    public var authorizedClients: Set<[UInt8]>
    public init(keyPair: CurveKeyPair, authorizedClients: Set<[UInt8]>) {
        self.keyPair = keyPair
        self.authorizedClients = authorizedClients
    }
}

/// A client socket's CURVE side: its key pair, and the public key of the workers it connects to.
public struct CurveClient: Sendable {
    public var keyPair: CurveKeyPair
    public var serverPublicKey: [UInt8]
    public init(keyPair: CurveKeyPair, serverPublicKey: [UInt8]) {
        self.keyPair = keyPair
        self.serverPublicKey = serverPublicKey
    }
}

/// Z85 text of keys (ZeroMQ RFC 32), and the key files `roster keys generate` writes.
public enum Curve {
    /// Whether this libzmq can do CURVE at all.
    public static var isAvailable: Bool { zmq_has("curve") == 1 }

    /// The text of a NUL-terminated C buffer.
    static func string(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public static func encode(_ key: [UInt8]) -> String {
        precondition(key.count % 4 == 0, "Z85 encodes multiples of 4 bytes")
        var text = [CChar](repeating: 0, count: key.count * 5 / 4 + 1)
        _ = zmq_z85_encode(&text, key, key.count)
        return Curve.string(text)
    }

    /// The 32 bytes of a 40-character Z85 key; nil for anything else.
    public static func decode(_ text: String) -> [UInt8]? {
        guard text.utf8.count == 40 else { return nil }
        var key = [UInt8](repeating: 0, count: 32)
        return zmq_z85_decode(&key, text) == nil ? nil : key
    }

    /// The keys in a key file: lines `public-key = <Z85>` / `secret-key = <Z85>`, or bare Z85
    /// public keys (an authorized-clients list); a line starting with `#` is a comment. (Z85 has
    /// `#` and `=` in its alphabet but no space: a line is split on spaces only.)
    public static func read(_ path: String) throws(CurveKeyError) -> (publicKeys: [[UInt8]], secretKey: [UInt8]?) {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw CurveKeyError("cannot read the key file \(path)") }
        var publicKeys: [[UInt8]] = [], secret: [UInt8]?
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            let name = words.count == 1 ? "public-key" : words[0]
            let form = words.count == 1 || words.count == 2 || (words.count == 3 && words[1] == "=")
            guard form, let value = words.last, let key = decode(value), ["public-key", "secret-key"].contains(name) else {
                // Never the line itself: it may be a secret key with a typo.
                throw CurveKeyError("\(path), line \(number + 1): not 'public-key = <40 Z85 characters>' or 'secret-key = …'")
            }
            if name == "secret-key" { secret = key } else { publicKeys.append(key) }
        }
        return (publicKeys, secret)
    }

    /// A file's secret key, refused when every user of the host may read it, or others than its
    /// owner may change it (as ssh refuses a key). Group read stays allowed: Kubernetes mounts a
    /// secret for the pod's group (`defaultMode: 0440` with `fsGroup`). The mode is the target's
    /// (`stat`), so a secret volume's symbolic links are judged by the file they lead to.
    public static func readSecret(_ path: String) throws(CurveKeyError) -> CurveKeyPair {
        var info = stat()
        if stat(path, &info) == 0, info.st_mode & 0o027 != 0 {
            throw CurveKeyError("the secret key file \(path) may be read by every user of the host or changed by others than its owner (mode \(String(info.st_mode & 0o777, radix: 8))); chmod 600 it")
        }
        guard let secret = try read(path).secretKey else { throw CurveKeyError("\(path) holds no 'secret-key = …' line") }
        return try CurveKeyPair(secretKey: secret)
    }

    /// The text of a secret key file (mode 0600 is the writer's job).
    public static func secretFile(_ pair: CurveKeyPair, role: String) -> String {
        "# Roster CURVE \(role) key. Secret: readable by its owner only, never copied elsewhere.\n"
            + "public-key = \(encode(pair.publicKey))\nsecret-key = \(encode(pair.secretKey))\n"
    }

    public static func publicFile(_ key: [UInt8], role: String) -> String {
        "# Roster CURVE \(role) public key. Not a secret.\npublic-key = \(encode(key))\n"
    }
}
