import NIOCore
import NIOHTTP1
import NIOPosix
import Wire

/// A small HTTP/1.1 server for gateway webhooks: each request's method, path, headers and body
/// go to `respond`, whose status and text are sent back. (NIO's HTTP codec is the well-kept part;
/// what is written here only gathers a body and calls a function.)
package final class HTTPReceiver: Sendable {
    /// A request as received.
    package struct Request: Sendable {
        package var method: HTTPMethod
        package var path: String
        package var headers: HTTPHeaders
        package var body: [UInt8]
    }

    let channel: any Channel

    /// Starts listening; `respond` runs for each request.
    package init(host: String, port: Int, maximumBody: Int = 1 << 20,
                 respond: @escaping @Sendable (Request) async -> (HTTPResponseStatus, String)) async throws
    {
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(Handler(maximumBody: maximumBody, respond: respond))
                }
            }
            .bind(host: host, port: port).get()
    }

    /// The port it listens on.
    package var port: Int { channel.localAddress?.port ?? 0 }

    /// Stops listening.
    package func stop() async { try? await channel.close() }

    final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let maximumBody: Int
        let respond: @Sendable (Request) async -> (HTTPResponseStatus, String)
        var head: HTTPRequestHead?
        var body: [UInt8] = []
        var tooLarge = false

        init(maximumBody: Int, respond: @escaping @Sendable (Request) async -> (HTTPResponseStatus, String)) {
            self.maximumBody = maximumBody
            self.respond = respond
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body = []
                tooLarge = false
            case .body(let chunk):
                if body.count + chunk.readableBytes > maximumBody { tooLarge = true } else { body += chunk.readableBytesView }
            case .end:
                guard let head else { return }
                let loop = context.eventLoop
                let bound = NIOLoopBound((self, context), eventLoop: loop)
                if tooLarge {
                    write(context, .payloadTooLarge, "too large", keepAlive: head.isKeepAlive)
                    return
                }
                let request = Request(method: head.method, path: head.uri, headers: head.headers, body: body)
                let respond = self.respond
                Task {
                    let (status, text) = await respond(request)
                    loop.execute {
                        let (handler, context) = bound.value
                        handler.write(context, status, text, keepAlive: head.isKeepAlive)
                    }
                }
            }
        }

        func write(_ context: ChannelHandlerContext, _ status: HTTPResponseStatus, _ text: String, keepAlive: Bool) {
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
            headers.add(name: "Content-Length", value: "\(text.utf8.count)")
            if !keepAlive { headers.add(name: "Connection", value: "close") }
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))),
                          promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
                if !keepAlive { context.close(promise: nil) }
            }
        }
    }
}
