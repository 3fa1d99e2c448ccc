import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// Hummingbird's HTTP/1.1 child channel with ``HTTPGuard`` around the codec: read timeouts, a
/// connection cap, request-line and header limits, and a SCIM error body for everything NIO's
/// parser rejects (Hummingbird answers those with an empty 400, or a 500 once the body is read).
struct SCIMHTTPChannel: ServerChildChannel, HTTPChannelHandler {
    typealias Value = NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>

    let responder: HTTPChannelHandler.Responder
    let limits: HTTPLimits
    let idleTimeout: Duration
    let connections: ConnectionCounter

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            let guardState = HTTPGuard(limits: limits, connections: connections)
            var decoderLimits = NIOHTTPDecoderLimitConfiguration()
            // The request line counts towards NIO's header total; HTTPByteGuard bounds it first.
            decoderLimits.maxHeaderFieldSize = limits.maxHeaderBytes
            decoderLimits.maxHeaderListSize = limits.maxHeaderBytes + limits.maxRequestLineBytes
            decoderLimits.maxHeaderFieldCount = 1000
            let pipeline = channel.pipeline.syncOperations
            try pipeline.addHandler(HTTPByteGuard(guardState))
            try pipeline.configureHTTPServerPipeline(
                withPipeliningAssistance: false, withErrorHandling: false, withOutboundHeaderValidation: false,
                withEncoderConfiguration: .init(), withDecoderLimitConfiguration: decoderLimits)
            try pipeline.addHandler(HTTP1ToHTTPServerCodec(secure: false))
            try pipeline.addHandler(HTTPRequestGuard(guardState))
            try pipeline.addHandler(HTTPConnectionStateHandler(idleTimeout: idleTimeout, logger: logger))
            return try NIOAsyncChannel(wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
        }
    }

    func handle(value asyncChannel: Value, logger: Logger) async {
        await handleHTTP(asyncChannel: asyncChannel, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 behind ``HTTPGuard``.
    static func guardedHTTP1(limits: HTTPLimits, idleTimeout: Duration) -> HTTPServerBuilder {
        let connections = ConnectionCounter()
        return .init { responder in
            SCIMHTTPChannel(responder: responder, limits: limits, idleTimeout: idleTimeout, connections: connections)
        }
    }
}
