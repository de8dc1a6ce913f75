import NIOCore

/// Closes a connection whose client stopped reading: once the replies waiting for it pass the
/// write buffer's high mark, they must drain below the low mark within `slowReaderTimeout`.
/// The time is the event loop's (an embedded loop's in tests). Replies, pushes and long lists
/// alike: one reply however long gets the whole time to drain.
///
/// Every member is used on the channel's event loop only (the `LineInbox` habit).
final class SlowReaderHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer

    private let timeout: TimeAmount
    private var deadline: Scheduled<Void>?

    init(limits: SessionLimits) {
        timeout = .milliseconds(Int64(limits.slowReaderTimeout * 1000))
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            deadline?.cancel()
            deadline = nil
        } else if deadline == nil {
            let channel = context.channel
            deadline = context.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
        }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }
}
