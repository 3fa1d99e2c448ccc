public import Configuration
public import RosterConfig

extension CurveServer {
    /// A worker's CURVE settings: `zmq.curve.serverKey` (its secret key file) and
    /// `zmq.curve.authorizedClients` (the client public keys it accepts); nil when neither is set.
    public static func configured(reader: ConfigReader) throws(StartupError) -> CurveServer? {
        try Curve.configured(("zmq.curve.serverKey", reader.string(forKey: "zmq.curve.serverKey", default: "")),
                             ("zmq.curve.authorizedClients", reader.string(forKey: "zmq.curve.authorizedClients", default: ""))) { key, clients throws(CurveKeyError) in
            try CurveServer(keyFile: key, authorizedClientsFile: clients)
        }
    }

    public init(keyFile: String, authorizedClientsFile: String) throws(CurveKeyError) {
        let clients = try Curve.read(authorizedClientsFile).publicKeys
        guard !clients.isEmpty else { throw CurveKeyError("\(authorizedClientsFile) lists no client public key") }
        self.init(keyPair: try Curve.readSecret(keyFile), authorizedClients: Set(clients))
    }
}

extension CurveClient {
    /// A client's CURVE settings (the ingress, and the users worker towards the groups workers):
    /// `zmq.curve.clientKey` (its secret key file) and `zmq.curve.serverPublicKey` (the workers'
    /// public key file); nil when neither is set.
    public static func configured(reader: ConfigReader) throws(StartupError) -> CurveClient? {
        try Curve.configured(("zmq.curve.clientKey", reader.string(forKey: "zmq.curve.clientKey", default: "")),
                             ("zmq.curve.serverPublicKey", reader.string(forKey: "zmq.curve.serverPublicKey", default: ""))) { key, server throws(CurveKeyError) in
            try CurveClient(keyFile: key, serverPublicKeyFile: server)
        }
    }

    public init(keyFile: String, serverPublicKeyFile: String) throws(CurveKeyError) {
        guard let server = try Curve.read(serverPublicKeyFile).publicKeys.first else { throw CurveKeyError("\(serverPublicKeyFile) holds no public key") }
        self.init(keyPair: try Curve.readSecret(keyFile), serverPublicKey: server)
    }
}

extension Curve {
    /// The two files a CURVE side needs, both or neither; an unusable one stops the process.
    static func configured<T>(_ first: (key: String, file: String), _ second: (key: String, file: String),
                              _ load: (String, String) throws(CurveKeyError) -> T) throws(StartupError) -> T? {
        let (a, b) = (first.file, second.file)
        if a.isEmpty && b.isEmpty { return nil }
        guard !a.isEmpty, !b.isEmpty else { throw StartupError("CURVE needs both \(first.key) and \(second.key) (roster keys generate writes them)") }
        guard isAvailable else { throw StartupError("\(first.key) is set, but this libzmq has no CURVE support") }
        do throws(CurveKeyError) {
            return try load(a, b)
        } catch {
            throw StartupError(error.description)
        }
    }
}

/// Where a ZeroMQ endpoint can be reached from.
public enum EndpointScope {
    /// True for `ipc://`, `inproc://` and tcp on a loopback address (127.0.0.0/8, ::1, localhost,
    /// the `lo` interface); false for everything else, `*` and 0.0.0.0 included.
    public static func isLocal(_ endpoint: String) -> Bool {
        if endpoint.hasPrefix("ipc://") || endpoint.hasPrefix("inproc://") { return true }
        guard endpoint.hasPrefix("tcp://") else { return false }
        var host = String(endpoint.dropFirst(6))
        // `tcp://source;address:port`: libzmq binds the part after the last ';', so that is the one judged.
        if let semicolon = host.lastIndex(of: ";") { host = String(host[host.index(after: semicolon)...]) }
        if host.hasPrefix("[") {
            host = String(host.dropFirst().prefix { $0 != "]" })
        } else if let colon = host.lastIndex(of: ":") {
            host = String(host[..<colon])
        }
        if host == "localhost" || host == "lo" || host == "::1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}
