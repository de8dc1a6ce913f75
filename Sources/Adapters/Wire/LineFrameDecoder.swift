import NIOCore

/// The NIO face of `LineFramer`: bytes in, `InputLine`s out.
package struct LineFrameDecoder: ByteToMessageDecoder {
    /// Lines out.
    package typealias InboundOut = InputLine

    private var framer: LineFramer

    /// Creates a decoder with a line limit.
    package init(maximumLineBytes: Int) {
        framer = LineFramer(maximumLineBytes: maximumLineBytes)
    }

    /// Frames everything readable.
    package mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard buffer.readableBytes > 0 else { return .needMoreData }
        let lines = buffer.readableBytesView.withContiguousStorageIfAvailable { framer.feed($0) }
            ?? framer.feed(Array(buffer.readableBytesView))
        buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
        for line in lines { context.fireChannelRead(wrapInboundOut(line)) }
        return .needMoreData
    }

    /// At end of input, a last line without a newline still counts.
    package mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws
        -> DecodingState
    {
        _ = try decode(context: context, buffer: &buffer)
        for line in framer.finish() { context.fireChannelRead(wrapInboundOut(line)) }
        return .needMoreData
    }
}
