import NIOCore
import Wire

/// The last handler of a connection's pipeline: holds the lines the decoder produced until the
/// connection's loop asks for the next one, and reads from the socket only when it has none
/// (the channel runs with `autoRead` off). So a client that floods the daemon is read only as
/// fast as it is answered, and nothing it sent is held beyond one socket read.
///
/// Written instead of using `NIOAsyncChannel`'s inbound stream because the loop that consumes
/// the lines runs on this channel's own event loop (`ConnectionLoop`): handing a line over is
/// then a plain call, where the stream's `next()` hopped to the global executor and back for
/// every message.
///
/// Every member is used on the channel's event loop only (checked in debug builds).
final class LineInbox: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = InputLine

    private var lines: [InputLine] = []
    private var head = 0
    private var waiter: CheckedContinuation<InputLine?, any Error>?
    /// Set when the input ended (nil error: the client closed its side).
    private var end: (any Error)??
    private var context: ChannelHandlerContext?
    private var readPending = false

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        finish(nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let line = unwrapInboundIn(data)
        if let waiter {
            self.waiter = nil
            waiter.resume(returning: line)
        } else {
            lines.append(line)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        readPending = false
        // A read that brought no complete line (half a line, or bytes of an overlong one): the
        // consumer is still waiting, so read on.
        if waiter != nil { requestRead() }
        context.fireChannelReadComplete()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed { finish(nil) }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(nil)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(error)
        context.close(promise: nil)
    }

    /// What the consumer gets now.
    enum Poll {
        /// The next line.
        case line(InputLine)
        /// The input ended (no error: the client closed its side).
        case ended((any Error)?)
        /// Nothing yet: wait with `wait(_:)`.
        case empty
    }

    /// The next buffered line, the end of input, or nothing yet. On the channel's event loop.
    func poll() -> Poll {
        context?.eventLoop.assertInEventLoop()
        if head < lines.count {
            let line = lines[head]
            head += 1
            if head == lines.count {
                lines.removeAll(keepingCapacity: true)
                head = 0
            }
            return .line(line)
        }
        if let end { return .ended(end) }
        return .empty
    }

    /// Parks the consumer until a line arrives or the input ends (after `poll()` found
    /// nothing), and asks the socket for more. On the channel's event loop.
    func wait(_ continuation: CheckedContinuation<InputLine?, any Error>) {
        context?.eventLoop.assertInEventLoop()
        waiter = continuation
        requestRead()
    }

    private func requestRead() {
        guard !readPending, let context else { return }
        readPending = true
        context.read()
    }

    private func finish(_ error: (any Error)?) {
        guard end == nil else { return }
        end = .some(error)
        guard let waiter else { return }
        self.waiter = nil
        if let error { waiter.resume(throwing: error) } else { waiter.resume(returning: nil) }
    }
}
