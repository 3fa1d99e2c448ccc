import ArgumentParser
import Foundation
import RosterMessaging
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `roster ping ENDPOINT`: is this process alive? A container health check (compose, Kubernetes)
/// for a worker (`tcp://…`, over ZeroMQ, with CURVE when its keys are given) or an ingress
/// (`http://…/readyz`). Exits 0 when it answers, 1 otherwise, with one line either way.
struct PingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ping", abstract: "Check that a worker (tcp://host:port) or an ingress (http://host:port/readyz) answers.")

    @Argument(help: "tcp://host:port of a worker, or the http(s) URL of an ingress's /readyz.") var endpoint: String
    @Option(help: "CURVE: this client's secret key file (client.key).") var zmqCurveClientKey: String?
    @Option(help: "CURVE: the worker's public key file (worker.pub).") var zmqCurveServerPublicKey: String?
    @Option(help: "Seconds to wait for the answer.") var timeout: Int = 3

    func run() async throws {
        if endpoint.hasPrefix("http://") || endpoint.hasPrefix("https://") {
            guard let url = URL(string: endpoint) else { throw CLIError("'\(endpoint)' is not a URL.") }
            let status = try? await URLSession.shared.data(for: URLRequest(url: url, timeoutInterval: TimeInterval(timeout))).1 as? HTTPURLResponse
            guard let status, status.statusCode == 200 else {
                print("DOWN: \(endpoint) answered \(status.map { "\($0.statusCode)" } ?? "nothing")")
                throw ExitCode(1)
            }
            print("UP: \(endpoint)")
            return
        }
        var curve: CurveClient?
        switch (zmqCurveClientKey, zmqCurveServerPublicKey) {
        case (nil, nil): break
        case (let key?, let server?):
            do { curve = try CurveClient(keyFile: key, serverPublicKeyFile: server) } catch { throw CLIError(error.description) }
        default: throw CLIError("CURVE needs both --zmq-curve-client-key and --zmq-curve-server-public-key.")
        }
        let context = ZMQContext()
        let client = WorkerClient(kind: "worker", endpoints: [endpoint], context: context,
                                  options: .init(requestTimeout: .seconds(max(1, timeout)), queueTimeout: .seconds(max(1, timeout)), curve: curve))
        let down = await client.unreachableEndpoints()
        await client.shutdown()
        context.terminate()
        guard down.isEmpty else {
            print("DOWN: \(endpoint) did not answer\(curve == nil ? "" : " (or refused this client's CURVE key)")")
            throw ExitCode(1)
        }
        print("UP: \(endpoint)")
    }
}
