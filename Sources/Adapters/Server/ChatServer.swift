import Dialogue
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// The TCP face of the daemon: one `ChatSession` a connection, lines framed by
/// `LineFrameDecoder`, replies written and flushed per input line. Runs as a
/// swift-service-lifecycle `Service`: on graceful shutdown it stops accepting and lets the
/// connections finish the line they are answering.
package final class ChatServer: Service, Sendable {
    /// Where to listen.
    package struct Configuration: Sendable {
        /// Host to bind.
        package var host = "127.0.0.1"
        /// Port to bind (0: any free port, reported through `onBound`).
        package var port = 7420
        /// Per-connection limits.
        package var limits = SessionLimits()

        /// The defaults.
        package init() {}
    }

    let configuration: Configuration
    let service: DialogueService
    let logger: Logger
    let onBound: @Sendable (Int) -> Void
    let connections = Atomic<Int>(0)

    /// Creates a server.
    /// - Parameter onBound: called with the port once listening (tests bind port 0).
    package init(configuration: Configuration, service: DialogueService, logger: Logger,
                 onBound: @escaping @Sendable (Int) -> Void = { _ in })
    {
        self.configuration = configuration
        self.service = service
        self.logger = logger
        self.onBound = onBound
    }

    /// Accepts connections until cancelled or shut down gracefully.
    package func run() async throws {
        let limits = configuration.limits
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            // `printf 'câu hỏi\n' | nc …` half-closes after sending: keep the channel open to answer.
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelOption(.writeBufferWaterMark, value: .init(low: 32 * 1024, high: 64 * 1024))
            .bind(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        IdleStateHandler(readTimeout: .milliseconds(Int64(limits.idleTimeout * 1000))))
                    try channel.pipeline.syncOperations.addHandler(CloseOnIdleHandler())
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(LineFrameDecoder(maximumLineBytes: limits.maximumLineBytes)))
                    return try NIOAsyncChannel<InputLine, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        onBound(server.channel.localAddress?.port ?? configuration.port)
        logger.info("listening", metadata: ["host": "\(configuration.host)", "port": "\(server.channel.localAddress?.port ?? 0)"])
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { inbound in
                    for try await connection in inbound {
                        group.addTask { await self.serve(connection) }
                    }
                }
            }
        } onGracefulShutdown: {
            // Stop accepting; connections end when their clients do or on cancellation.
            server.channel.close(promise: nil)
        }
    }

    /// Serves one connection; its failure never ends the accept loop.
    func serve(_ connection: NIOAsyncChannel<InputLine, ByteBuffer>) async {
        let count = connections.wrappingAdd(1, ordering: .relaxed).newValue
        defer { connections.wrappingSubtract(1, ordering: .relaxed) }
        var logger = self.logger
        logger[metadataKey: "conn.id"] = "\(ObjectIdentifier(connection.channel).hashValue)"
        do {
            try await connection.executeThenClose { inbound, outbound in
                let allocator = connection.channel.allocator
                if count > configuration.limits.maximumConnections {
                    var buffer = allocator.buffer(capacity: 256)
                    buffer.writeString(JSONWire.encode(["type": "error", "code": ProtocolError.busy.code,
                                                        "message": ProtocolError.busy.message]) + "\n")
                    try await outbound.write(buffer)
                    return
                }
                let session = ChatSession(service: service, limits: configuration.limits)
                for try await line in inbound {
                    let output = await session.handle(line)
                    if !output.lines.isEmpty {
                        var buffer = allocator.buffer(capacity: output.lines.reduce(0) { $0 + $1.utf8.count + 1 })
                        for text in output.lines {
                            buffer.writeString(text)
                            buffer.writeInteger(UInt8(ascii: "\n"))
                        }
                        try await outbound.write(buffer)
                    }
                    if output.close { break }
                }
            }
        } catch {
            logger.debug("connection ended", metadata: ["error": "\(error)"])
        }
    }
}

/// Closes a connection that has sent nothing for the idle timeout.
final class CloseOnIdleHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}
