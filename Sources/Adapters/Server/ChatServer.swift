import CoreMetrics
import Dialogue
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import ServiceLifecycle
import Synchronization
import Wire

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
        /// TLS for every connection (nil: plain TCP, for a loopback listener or `--insecure`).
        package var tls: TLSConfiguration?

        /// The defaults.
        package init() {}
    }

    let configuration: Configuration
    let service: DialogueService
    let logger: Logger
    let onBound: @Sendable (Int) -> Void
    let connections = Atomic<Int>(0)
    /// `motcua_connections{kind="tcp"}`.
    let gauge: Meter

    /// Creates a server.
    /// - Parameter onBound: called with the port once listening (tests bind port 0).
    package init(configuration: Configuration, service: DialogueService, logger: Logger,
                 onBound: @escaping @Sendable (Int) -> Void = { _ in })
    {
        self.configuration = configuration
        self.service = service
        self.logger = logger
        self.onBound = onBound
        gauge = service.metrics.connections("tcp")
    }

    /// Accepts connections until cancelled or shut down gracefully.
    package func run() async throws {
        let limits = configuration.limits
        let budget = DescriptorBudget(limit: DescriptorBudget.raiseLimit(), configured: limits.maximumConnections)
        if budget.connections < limits.maximumConnections {
            logger.notice("connections capped by the file descriptor limit",
                          metadata: ["descriptors": "\(budget.limit)", "connections": "\(budget.connections)"])
        }
        // One context for every connection: the certificate and key are read and checked once,
        // here, so that a bad file stops the start rather than each handshake.
        let tls = try configuration.tls.map { try NIOSSLContext(configuration: $0) }
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            // `printf 'câu hỏi\n' | nc …` half-closes after sending: keep the channel open to answer.
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelOption(.writeBufferWaterMark, value: .init(low: 32 * 1024, high: 64 * 1024))
            // Input is read when the connection's loop wants its next line (`LineInbox`).
            .childChannelOption(.autoRead, value: false)
            .bind(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    // TLS next to the socket: every handler after it sees plain lines. A client
                    // that does not speak TLS fails the handshake and is closed, unanswered.
                    if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                    // A client whose replies stop draining is let go.
                    try channel.pipeline.syncOperations.addHandler(SlowReaderHandler(limits: limits))
                    // First-request, line and idle deadlines (blank lines are not activity).
                    let deadlines = LineDeadlineHandler(limits: limits)
                    try channel.pipeline.syncOperations.addHandler(deadlines)
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(LineFrameDecoder(maximumLineBytes: limits.maximumLineBytes)))
                    let inbox = LineInbox()
                    try channel.pipeline.syncOperations.addHandler(inbox)
                    return ServedConnection(channel: channel, inbox: inbox, deadlines: deadlines)
                }
            }
        onBound(server.channel.localAddress?.port ?? configuration.port)
        logger.info("listening", metadata: [
            "host": "\(configuration.host)", "port": "\(server.channel.localAddress?.port ?? 0)", "tls": "\(tls != nil)",
        ])
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { inbound in
                    for try await connection in inbound {
                        // The task runs on its connection's event loop (see EventLoopTaskExecutor).
                        group.addTask(executorPreference: EventLoopTaskExecutor(connection.channel.eventLoop)) {
                            await self.serve(connection, budget: budget)
                        }
                        // At the ceiling, stop accepting (NIO then leaves clients in the backlog)
                        // until connections close, rather than let accept run out of descriptors.
                        while connections.load(ordering: .relaxed) >= budget.ceiling {
                            try await Task.sleep(for: .milliseconds(20))
                        }
                    }
                }
            }
        } onGracefulShutdown: {
            // Stop accepting; connections end when their clients do or on cancellation.
            server.channel.close(promise: nil)
        }
    }

    /// Serves one connection; its failure never ends the accept loop.
    func serve(_ connection: ServedConnection, budget: DescriptorBudget) async {
        let count = connections.wrappingAdd(1, ordering: .relaxed).newValue
        gauge.increment()
        defer {
            connections.wrappingSubtract(1, ordering: .relaxed)
            gauge.decrement()
        }
        var logger = self.logger
        logger[metadataKey: "conn.id"] = "\(ObjectIdentifier(connection.channel).hashValue)"
        let loop = ConnectionLoop(connection: connection)
        do {
            if count > budget.connections {
                await loop.refuse(ProtocolError.busy.json(re: nil))
            } else {
                let session = ChatSession(
                    service: service, limits: configuration.limits,
                    source: connection.channel.remoteAddress?.ipAddress ?? "unknown",
                    push: Self.pushWriter(connection.channel, limits: configuration.limits),
                    end: { [channel = connection.channel] in
                        // After the writes already queued on the loop.
                        channel.eventLoop.execute { channel.close(promise: nil) }
                    })
                try await loop.run(session, limits: configuration.limits)
            }
        } catch {
            logger.debug("connection ended", metadata: ["error": "\(error)"])
        }
    }
}

extension ChatServer {
    /// Writes lines the desk pushes (replies, new tickets) into a connection, from any thread;
    /// `written` runs once the socket took them. A client that leaves more than
    /// `maximumPendingOutputBytes` unread is disconnected.
    static func pushWriter(_ channel: any Channel, limits: SessionLimits) -> PushWriter {
        let limit = limits.maximumPendingOutputBytes
        return { lines, written in
            var buffer = channel.allocator.buffer(capacity: lines.reduce(0) { $0 + $1.utf8.count + 1 })
            for line in lines {
                buffer.writeString(line)
                buffer.writeInteger(UInt8(ascii: "\n"))
            }
            let bytes = buffer
            channel.eventLoop.execute {
                let promise = written.map { written in
                    let promise = channel.eventLoop.makePromise(of: Void.self)
                    promise.futureResult.whenSuccess { written() }
                    return promise
                }
                channel.writeAndFlush(bytes, promise: promise)
                let pending = (try? channel.syncOptions?.getOption(.bufferedWritableBytes)) ?? 0
                if pending > limit { channel.close(promise: nil) }
            }
        }
    }
}

/// An accepted connection: its channel and the handler its lines come from.
struct ServedConnection: Sendable {
    /// The socket's channel.
    let channel: any Channel
    /// Where its decoded lines wait.
    let inbox: LineInbox
    /// Its deadlines, told of each request the session answers.
    let deadlines: LineDeadlineHandler
}

/// One connection's read–answer–write loop, isolated to its channel's event loop (the actor's
/// executor is that loop): the line is decoded, answered (search included) and its reply
/// written on one thread, without hopping to the global pool and back for every message. Only
/// the store's commit leaves the loop, and many connections share each commit.
actor ConnectionLoop {
    nonisolated let unownedExecutor: UnownedSerialExecutor
    let connection: ServedConnection
    /// The last reply written; the connection closes once it is out.
    private var lastWrite: EventLoopFuture<Void>?

    init(connection: ServedConnection) {
        self.connection = connection
        unownedExecutor = connection.channel.eventLoop.executor.asUnownedSerialExecutor()
    }

    /// Answers each line in turn until the client leaves, the session closes, or the task is
    /// cancelled (the daemon's shutdown); then closes the connection once its replies are out.
    func run(_ session: sending ChatSession, limits: SessionLimits) async throws {
        let channel = connection.channel
        defer { close() }
        try await withTaskCancellationHandler {
            defer { session.close() }
            let allocator = channel.allocator
            while let line = try await nextLine() {
                let output = await session.handle(line)
                if output.gatewayLink { connection.deadlines.keepAlive(pingEvery: limits.gatewayPingInterval) }
                if output.alive { connection.deadlines.served() }
                if !output.lines.isEmpty {
                    connection.deadlines.served()
                    var buffer = allocator.buffer(capacity: output.lines.reduce(0) { $0 + $1.utf8.count + 1 })
                    for text in output.lines {
                        buffer.writeString(text)
                        buffer.writeInteger(UInt8(ascii: "\n"))
                    }
                    let written = try await send(buffer, limits: limits)
                    if !output.deliveredOnWrite.isEmpty {
                        // Replies to a client that cannot acknowledge them are delivered once
                        // the socket took them, and not if the connection went away first.
                        if (try? await written.get()) != nil { await session.written(output) }
                    }
                }
                if output.close { break }
            }
        } onCancel: {
            channel.close(promise: nil)
        }
    }

    /// The client's next line (nil at the end of its input). The continuation is made here, in
    /// the actor, so that the line resumes this loop on the event loop directly.
    private func nextLine() async throws -> InputLine? {
        switch connection.inbox.poll() {
        case .line(let line): return line
        case .ended(let error?): throw error
        case .ended(nil): return nil
        case .empty: return try await withCheckedThrowingContinuation { connection.inbox.wait($0) }
        }
    }

    /// Writes a reply straight into the channel (this actor runs on its event loop, so the
    /// write needs no hop). A client that does not read is held back here: above the write
    /// buffer's high mark its next line is not read until the reply drains; if more than
    /// `maximumPendingOutputBytes` wait the connection is closed, and if they do not drain
    /// within `slowReaderTimeout` `SlowReaderHandler` closes it — memory per connection stays
    /// bounded.
    /// - Returns: the write's future (complete when the socket took the bytes).
    @discardableResult
    func send(_ buffer: ByteBuffer, limits: SessionLimits) async throws -> EventLoopFuture<Void> {
        let channel = connection.channel
        let written = channel.eventLoop.makePromise(of: Void.self)
        channel.writeAndFlush(buffer, promise: written)
        lastWrite = written.futureResult
        guard !channel.isWritable else { return written.futureResult }
        let pending = (try? channel.syncOptions?.getOption(.bufferedWritableBytes)) ?? 0
        // The bound is on what a client leaves unread from earlier replies: one reply, however
        // long (a queue, a review list), is given the slow-reader time to drain.
        guard pending - buffer.readableBytes <= limits.maximumPendingOutputBytes else {
            channel.close(promise: nil)
            throw SlowReader(pendingBytes: pending)
        }
        do {
            try await written.futureResult.get()
        } catch {
            throw SlowReader(pendingBytes: pending)
        }
        return written.futureResult
    }

    /// Writes one line (the reason) and closes; returns once the connection is closed, so that
    /// the refusal holds its descriptor no longer than it must.
    func refuse(_ line: String) async {
        let channel = connection.channel
        try? await channel.writeAndFlush(ByteBuffer(string: line + "\n")).get()
        try? await channel.close()
    }

    /// Closes the connection after the last reply is written.
    private func close() {
        let channel = connection.channel
        if let lastWrite {
            lastWrite.whenComplete { _ in channel.close(promise: nil) }
        } else {
            channel.close(promise: nil)
        }
    }
}

/// A client left its replies unread too long (or too many of them): it was disconnected.
struct SlowReader: Error, CustomStringConvertible {
    /// Bytes waiting to be sent when the client was found stuck.
    var pendingBytes: Int

    var description: String { "slow reader disconnected with \(pendingBytes) bytes unsent" }
}
