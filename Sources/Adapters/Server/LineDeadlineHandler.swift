import NIOCore
import Wire

/// Deadlines on a connection's input, before the line decoder: the first request must come
/// within `firstLineTimeout` of connecting, every line must be complete within `lineTimeout` of
/// its first byte, and a connection that makes no request for `idleTimeout` is closed. What
/// counts as a request is what the session answered (`served()`, called by the connection's
/// loop): a blank line — spaces, NBSP, zero-width characters — is nothing, so a client sending
/// one every few seconds is idle. A client that misses the first two is told (`too-slow`) and
/// disconnected — slow senders (a byte a second, or nothing but blank lines) cannot hold the
/// connection slots that people need; an idle one is closed quietly, as a person who walked away.
///
/// Every member is used on the channel's event loop only (the `LineInbox` habit).
final class LineDeadlineHandler: ChannelInboundHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let firstLine: TimeAmount
    private let line: TimeAmount
    private var idle: TimeAmount
    /// A gateway's link: pinged when quiet this long, closed when quiet three times as long
    /// (nil: an ordinary connection, closed when idle).
    private var pingInterval: TimeAmount?
    private var pinged = false
    private var sawFirstLine = false
    /// The first byte the client sent that was not white space (`{`: it speaks JSON, and is told
    /// in JSON).
    private var firstByte: UInt8?
    /// A line has begun and not ended.
    private var lineOpen = false
    private var firstLineDeadline: Scheduled<Void>?
    private var lineDeadline: Scheduled<Void>?
    private var idleDeadline: Scheduled<Void>?

    init(limits: SessionLimits) {
        firstLine = .milliseconds(Int64(limits.firstLineTimeout * 1000))
        line = .milliseconds(Int64(limits.lineTimeout * 1000))
        idle = .milliseconds(Int64(limits.idleTimeout * 1000))
    }

    func handlerAdded(context: ChannelHandlerContext) {
        eventLoop = context.eventLoop
        self.context = context
        if context.channel.isActive { start(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        if firstLineDeadline == nil, !sawFirstLine { start(context) }
        context.fireChannelActive()
    }

    private func start(_ context: ChannelHandlerContext) {
        firstLineDeadline = schedule(firstLine, context: context) { $0.tooSlow(context, after: $0.firstLine) }
        lastServed = context.eventLoop.now
        armIdle(context, in: idle)
    }

    /// When the session last answered a request, by the event loop's clock (an embedded loop's
    /// in tests, which move it with `advanceTime`).
    private var lastServed = NIODeadline.now()
    private var eventLoop: (any EventLoop)?
    private var context: ChannelHandlerContext?

    /// The idle check, due `amount` from now: it closes the connection if nothing was served
    /// for the idle time, or looks again when that time would be up. (One timer for the whole
    /// idle time, not one a request: `served()` only notes the time, which keeps it off the
    /// hot path, as NIO's `IdleStateHandler` does.)
    private func armIdle(_ context: ChannelHandlerContext, in amount: TimeAmount) {
        idleDeadline = schedule(amount, context: context) { handler in
            let quiet = context.eventLoop.now - handler.lastServed
            if let interval = handler.pingInterval {
                handler.checkGateway(context, quiet: quiet, interval: interval)
            } else if quiet >= handler.idle {
                context.close(promise: nil)
            } else {
                handler.armIdle(context, in: handler.idle - quiet)
            }
        }
    }

    /// A gateway's link quiet for `quiet`: pinged after one interval, closed (a dead peer)
    /// after three.
    private func checkGateway(_ context: ChannelHandlerContext, quiet: TimeAmount, interval: TimeAmount) {
        if quiet >= interval * 3 {
            context.close(promise: nil)
            return
        }
        if quiet >= interval, !pinged {
            pinged = true
            context.writeAndFlush(NIOAny(ByteBuffer(string: #"{"type":"ping"}"# + "\n")), promise: nil)
        }
        let next = quiet < interval ? interval - quiet : interval
        armIdle(context, in: next)
    }

    /// The connection became a gateway's link: it is no longer closed for idleness, but pinged
    /// when quiet for `seconds`. On the channel's event loop.
    func keepAlive(pingEvery seconds: Double) {
        let interval = TimeAmount.milliseconds(Int64(seconds * 1000))
        pingInterval = interval
        guard let context = self.context else { return }
        idleDeadline?.cancel()
        armIdle(context, in: interval)
    }

    /// The session answered a request: the first line has come, and the idle time starts again.
    /// On the channel's event loop.
    func served() {
        lastServed = eventLoop?.now ?? .now()
        pinged = false
        guard !sawFirstLine else { return }
        sawFirstLine = true
        firstLineDeadline?.cancel()
        firstLineDeadline = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let view = unwrapInboundIn(data).readableBytesView
        if firstByte == nil { firstByte = view.first { $0 != 0x20 && $0 != 0x0d && $0 != 0x09 && $0 != 0x0a } }
        // Only the bytes after the last line end matter: they are a line still open.
        var newLineBegun = false
        if let last = view.lastIndex(of: 0x0a) {
            lineOpen = last < view.endIndex - 1
            newLineBegun = lineOpen
        } else if !view.isEmpty, !lineOpen {
            lineOpen = true
            newLineBegun = true
        }
        if !lineOpen {
            lineDeadline?.cancel()
            lineDeadline = nil
        } else if newLineBegun || lineDeadline == nil {
            // The open line began in this read: its clock starts now.
            lineDeadline?.cancel()
            lineDeadline = schedule(line, context: context) { $0.tooSlow(context, after: $0.line) }
        }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelAll()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelAll()
        self.context = nil
    }

    private func schedule(_ amount: TimeAmount, context: ChannelHandlerContext,
                          _ fire: @escaping (LineDeadlineHandler) -> Void) -> Scheduled<Void>
    {
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let action = NIOLoopBound(fire, eventLoop: context.eventLoop)
        return context.eventLoop.scheduleTask(in: amount) { action.value(loopBound.value) }
    }

    private func cancelAll() {
        for deadline in [firstLineDeadline, lineDeadline, idleDeadline] { deadline?.cancel() }
        firstLineDeadline = nil
        lineDeadline = nil
        idleDeadline = nil
    }

    private func tooSlow(_ context: ChannelHandlerContext, after amount: TimeAmount) {
        cancelAll()
        let error = ProtocolError.tooSlow(Double(amount.nanoseconds) / 1e9)
        let line = firstByte == UInt8(ascii: "{") ? error.json(re: nil) : "Lỗi (\(error.code)): \(error.message)\n."
        let channel = context.channel
        context.writeAndFlush(NIOAny(ByteBuffer(string: line + "\n"))).whenComplete { _ in channel.close(promise: nil) }
    }
}
