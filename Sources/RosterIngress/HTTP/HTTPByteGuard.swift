import NIOCore
import SCIMCore

/// First handler of a connection, in front of NIO's HTTP decoder: admits the connection under the
/// cap, starts the header timer with a request's first byte (a slowloris head is dropped after
/// `headerTimeout`, however slowly it trickles), and answers 414 once the request line outgrows
/// its limit, before the decoder has buffered it.
final class HTTPByteGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let state: HTTPGuard
    private var admitted = false

    init(_ state: HTTPGuard) { self.state = state }

    func handlerAdded(context: ChannelHandlerContext) {
        state.byteContext = context
        if context.channel.isActive { admit() }
    }

    func channelActive(context: ChannelHandlerContext) {
        admit()
        context.fireChannelActive()
    }

    private func admit() {
        guard !admitted, state.phase != .answered else { return }
        guard state.connections.admit(limit: state.limits.maxConnections) else {
            state.answer(.unavailable("This server has \(state.limits.maxConnections) connections open, its limit; try again shortly.", retryAfter: 1))
            return
        }
        admitted = true
    }

    func channelInactive(context: ChannelHandlerContext) {
        if admitted { state.connections.release() }
        admitted = false
        state.stopTimer()
        state.byteContext = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if state.phase == .answered { return }
        let buffer = unwrapInboundIn(data)
        if state.phase == .idle {
            state.phase = .head
            state.lineBytes = 0
            state.sawLineEnd = false
            state.headPrefix.clear()
            let seconds = state.limits.headerTimeout.components.seconds
            state.startTimer(after: state.limits.headerTimeout, answering: SCIMError(
                status: 408, detail: "The request headers did not arrive within \(seconds) s; the connection is closed."))
        }
        if state.phase == .head {
            let room = HTTPGuard.headPrefixLimit - state.headPrefix.readableBytes
            if room > 0, let slice = buffer.getSlice(at: buffer.readerIndex, length: min(room, buffer.readableBytes)) {
                state.headPrefix.writeImmutableBuffer(slice)
            }
            if !state.sawLineEnd {
                if let lf = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) {
                    state.lineBytes += lf - buffer.readerIndex
                    state.sawLineEnd = true
                } else {
                    state.lineBytes += buffer.readableBytes
                }
                if state.lineBytes > state.limits.maxRequestLineBytes {
                    state.answer(SCIMError(status: 414, detail: "The request line is longer than \(state.limits.maxRequestLineBytes) bytes, the limit of this server."))
                    return
                }
            }
        }
        context.fireChannelRead(data)
    }
}
