import NIOCore

/// Deadlines on a connection's input, before the line decoder: the first line must be complete
/// within `firstLineTimeout` of connecting, and every line within `lineTimeout` of its first
/// byte. A client that misses one is told (`too-slow`) and disconnected — so slow senders (a
/// byte a second, or nothing at all) cannot hold the connection slots that people need. The
/// idle timeout still lets a person sit quietly between two questions.
///
/// Used on the channel's event loop only (a `ChannelHandler`).
final class LineDeadlineHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let firstLine: TimeAmount
    private let line: TimeAmount
    private var sawFirstLine = false
    /// The first byte the client sent (`{`: it speaks JSON, and is told in JSON).
    private var firstByte: UInt8?
    private var deadline: Scheduled<Void>?

    init(limits: SessionLimits) {
        firstLine = .milliseconds(Int64(limits.firstLineTimeout * 1000))
        line = .milliseconds(Int64(limits.lineTimeout * 1000))
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(firstLine, context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        if deadline == nil, !sawFirstLine { arm(firstLine, context: context) }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        let view = bytes.readableBytesView
        if firstByte == nil { firstByte = view.first(where: { $0 != 0x20 && $0 != 0x0a && $0 != 0x0d }) }
        if let lastNewline = view.lastIndex(of: 0x0a) {
            sawFirstLine = true
            cancel()
            // Bytes after the last newline start the next line, whose clock starts now.
            if lastNewline < view.endIndex - 1 { arm(line, context: context) }
        } else if deadline == nil, !view.isEmpty {
            arm(line, context: context)
        }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancel()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancel()
    }

    private func arm(_ amount: TimeAmount, context: ChannelHandlerContext) {
        cancel()
        let seconds = Double(amount.nanoseconds) / 1e9
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        deadline = context.eventLoop.scheduleTask(in: amount) {
            let (handler, context) = loopBound.value
            handler.expire(seconds, context: context)
        }
    }

    private func cancel() {
        deadline?.cancel()
        deadline = nil
    }

    private func expire(_ seconds: Double, context: ChannelHandlerContext) {
        deadline = nil
        let error = ProtocolError.tooSlow(seconds)
        let line = firstByte == UInt8(ascii: "{") ? error.json(re: nil) : "Lỗi (\(error.code)): \(error.message)\n."
        context.writeAndFlush(NIOAny(ByteBuffer(string: line + "\n"))).whenComplete { _ in context.close(promise: nil) }
    }
}
