import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket
import Wire

/// The load generator's WebSocket side: a connection to the daemon's `/ws`, upgraded from
/// HTTP/1.1 with NIO's own client upgrader, whose text frames the same `LoadClient` reads as
/// lines (so TCP and WebSocket are measured by one client, in one run).
enum WebSocketLoad {
    /// Connects, upgrades, and puts `client` behind a frame ↔ line adapter; returns once the
    /// client is in the pipeline.
    static func connect(host: String, port: Int, client: LoadClient) async throws -> any Channel {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(30))
            .connect(host: host, port: port).get()
        let upgraded = channel.eventLoop.makePromise(of: Void.self)
        let upgrader = NIOWebSocketClientUpgrader(maxFrameSize: 1 << 20, automaticErrorHandling: false) { channel, _ in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(FrameLines())
                try channel.pipeline.syncOperations.addHandler(client)
            }.map { upgraded.succeed() }
        }
        try await channel.pipeline.addHTTPClientHandlers(withClientUpgrade: (upgraders: [upgrader], completionHandler: { _ in })).get()
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: "\(host):\(port)")
        headers.add(name: "Content-Length", value: "0")
        channel.write(HTTPClientRequestPart.head(HTTPRequestHead(version: .http1_1, method: .GET, uri: "/ws", headers: headers)),
                      promise: nil)
        try await channel.writeAndFlush(HTTPClientRequestPart.end(nil)).get()
        try await upgraded.futureResult.get()
        return channel
    }

    /// Text frames in as lines; lines out (each ending in a line feed) as masked text frames.
    final class FrameLines: ChannelDuplexHandler, @unchecked Sendable {
        typealias InboundIn = WebSocketFrame
        typealias InboundOut = InputLine
        typealias OutboundIn = ByteBuffer
        typealias OutboundOut = WebSocketFrame

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let frame = unwrapInboundIn(data)
            guard frame.opcode == .text else { return }
            var payload = frame.unmaskedData
            context.fireChannelRead(wrapInboundOut(.text(payload.readString(length: payload.readableBytes) ?? "")))
        }

        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            var line = unwrapOutboundIn(data)
            if line.readableBytes > 0, line.getInteger(at: line.writerIndex - 1, as: UInt8.self) == 0x0a { line.moveWriterIndex(to: line.writerIndex - 1) }
            let frame = WebSocketFrame(fin: true, opcode: .text, maskKey: .random(), data: line)
            context.write(wrapOutboundOut(frame), promise: promise)
        }
    }
}
