import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import SCIMCore

/// Behind the codec: times the body, refuses transfer codings this server cannot decode (501) and
/// SCIM writes without a length (411), and turns every parser error into a SCIM error
/// (``HTTPGuard/answer(_:)``). The error still travels on, so a handler reading the body fails
/// instead of taking a truncated body for a whole one; its own answer is then dropped here.
final class HTTPRequestGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let state: HTTPGuard

    init(_ state: HTTPGuard) { self.state = state }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if state.phase == .answered { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            state.cancelTimer()
            if let refusal = Self.refusal(of: head) {
                state.answer(refusal)
                return
            }
            state.headPrefix.clear()
            state.phase = .body
            state.forwarded += 1
            let timeout = state.limits.bodyTimeout(path: head.path ?? "")
            let seconds = timeout.components.seconds
            state.startTimer(after: timeout, answering: SCIMError(
                status: 408, detail: "The request body did not arrive within \(seconds) s; the connection is closed."), failsBody: true)
        case .body:
            break
        case .end:
            state.cancelTimer()
            // Answered already (e.g. a 413 before the body ended): the connection is idle again.
            state.phase = state.responseEnds == state.forwarded ? .idle : .handling
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if state.phase == .answered {
            promise?.succeed(())
            return
        }
        switch unwrapOutboundIn(data) {
        case .head(let head) where head.status.kind != .informational:
            state.responseHeads += 1
        case .end:
            state.responseEnds += 1
            // Only a request waiting for its answer goes idle: a body still arriving keeps its
            // timer, and a next head already arriving keeps its phase.
            if state.phase == .handling, state.responseEnds == state.forwarded { state.phase = .idle }
        default:
            break
        }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let error = error as? HTTPParserError {
            state.answer(Self.scimError(for: error, sawRequestLine: state.sawLineEnd, head: state.headText))
        }
        context.fireErrorCaught(error)
    }

    /// A head the router must not see.
    static func refusal(of head: HTTPRequest) -> SCIMError? {
        // CONNECT would turn the rest of the connection into a tunnel for the parser; TRACE echoes
        // the request, credentials included.
        if head.method == .connect || head.method == .trace {
            return .methodNotAllowed("\(head.method.rawValue) is not served by this server.")
        }
        if let codings = head.headerFields[.transferEncoding] {
            let unsupported = codings.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { $0 != "chunked" }
            if !unsupported.isEmpty {
                return SCIMError(status: 501, detail: "The transfer coding '\(unsupported.joined(separator: ", "))' is not supported; send the body with Content-Length or 'Transfer-Encoding: chunked'.")
            }
        }
        let isWrite = head.method == .post || head.method == .put || head.method == .patch
        if isWrite, head.headerFields[.contentLength] == nil, head.headerFields[.transferEncoding] == nil,
           head.path?.prefix(6).lowercased() == "/scim/" {
            return SCIMError(status: 411, detail: "A SCIM \(head.method.rawValue) needs a body: send it with Content-Length or 'Transfer-Encoding: chunked'.")
        }
        return nil
    }

    /// The status and detail for what NIO's parser refused.
    static func scimError(for error: HTTPParserError, sawRequestLine: Bool, head: String) -> SCIMError {
        switch error {
        case .headerOverflow:
            return sawRequestLine
                ? SCIMError(status: 431, detail: "The request headers are larger than this server accepts.")
                : SCIMError(status: 414, detail: "The request line is longer than this server accepts.")
        case .invalidMethod where Self.isRequestLine(head):
            return SCIMError(status: 501, detail: "The request method is not one this server implements.")
        case .invalidContentLength, .unexpectedContentLength:
            return .invalidSyntax("The Content-Length header is malformed, repeated, or sent with Transfer-Encoding.")
        case .invalidChunkSize:
            return .invalidSyntax("The chunked request body is malformed: a chunk size is not valid hexadecimal or is too large.")
        case .invalidURL, .invalidPath, .invalidQueryString, .invalidFragment:
            return .invalidSyntax("The request target is not a valid URI.")
        case .invalidHeaderToken:
            return .invalidSyntax("A request header is malformed.")
        case .invalidVersion, .paused:  // llhttp pauses on the HTTP/2 preface
            return SCIMError(status: 505, detail: "Only HTTP/1.0 and HTTP/1.1 are served on this port.")
        case .unknown where head.contains("transfer-encoding"):
            return SCIMError(status: 501, detail: "The request's Transfer-Encoding is not supported; send the body with Content-Length or 'Transfer-Encoding: chunked'.")
        default:
            return .invalidSyntax("The request is not valid HTTP/1.1.")
        }
    }

    /// Whether the first line has the shape `method SP target SP HTTP/x.y`: then an unknown method
    /// is 501 (RFC 9110 §9.1), anything else a malformed request (400).
    static func isRequestLine(_ head: String) -> Bool {
        // Split on isNewline: "\r\n" is one Character in Swift.
        let line = (head.split(whereSeparator: \.isNewline).first ?? "").split(separator: " ", omittingEmptySubsequences: false)
        return line.count == 3 && line[2].hasPrefix("http/") && !line[0].isEmpty
    }
}
