import Foundation
import NIOCore
import NIOPosix

/// Drives a line server with many connections, each sending one request and waiting for its
/// reply before the next (so a reply's latency is the server's, not a queue in the client).
/// Used by `motcua bench load` against the daemon, and against `EchoServer` for the ceiling.
package struct LoadGenerator: Sendable {
    /// What one run measured.
    package struct Result: Sendable {
        /// Replies received.
        package var replies: Int
        /// Seconds the load ran.
        package var seconds: Double
        /// Latency percentiles, seconds.
        package var p50: Double
        /// 99th percentile, seconds.
        package var p99: Double
        /// Connections that failed.
        package var failures: Int
        /// Replies that were protocol errors (`"type":"error"`), not answers.
        package var errors: Int

        /// Replies a second.
        package var perSecond: Double { seconds > 0 ? Double(replies) / seconds : 0 }
    }

    let host: String
    let port: Int

    /// Creates a generator for a server.
    package init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Opens a connection framed by lines.
    package func connect() async throws -> NIOAsyncChannel<InputLine, ByteBuffer> {
        try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(30))
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(LineFrameDecoder(maximumLineBytes: 1 << 20)))
                    return try NIOAsyncChannel<InputLine, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
    }

    /// Runs `connections` clients for `duration` seconds, each sending `lines` in turn.
    package func run(connections: Int, duration: Double, lines: [String]) async throws -> Result {
        let channels = try await withThrowingTaskGroup(of: NIOAsyncChannel<InputLine, ByteBuffer>.self) { group in
            for _ in 0..<connections { group.addTask { try await connect() } }
            var all: [NIOAsyncChannel<InputLine, ByteBuffer>] = []
            for try await channel in group { all.append(channel) }
            return all
        }
        let deadline = ContinuousClock.now + .milliseconds(Int(duration * 1000))
        let start = ContinuousClock.now
        var latencies: [Double] = []
        var failures = 0
        var errors = 0
        await withTaskGroup(of: (latencies: [Double], errors: Int, failed: Bool).self) { group in
            for (number, channel) in channels.enumerated() {
                group.addTask {
                    var mine: [Double] = []
                    var errorReplies = 0
                    do {
                        try await channel.executeThenClose { inbound, outbound in
                            var replies = inbound.makeAsyncIterator()
                            var index = number
                            while ContinuousClock.now < deadline {
                                let sent = ContinuousClock.now
                                try await outbound.write(ByteBuffer(string: lines[index % lines.count] + "\n"))
                                guard let reply = try await replies.next() else { break }
                                if case .text(let text) = reply, text.contains(#""type":"error""#) {
                                    errorReplies += 1
                                    continue
                                }
                                let elapsed = ContinuousClock.now - sent
                                mine.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
                                index += 1
                            }
                        }
                        return (mine, errorReplies, false)
                    } catch {
                        return (mine, errorReplies, true)
                    }
                }
            }
            for await outcome in group {
                latencies += outcome.latencies
                errors += outcome.errors
                if outcome.failed { failures += 1 }
            }
        }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let sorted = latencies.sorted()
        return Result(replies: sorted.count, seconds: seconds,
                      p50: sorted.isEmpty ? 0 : sorted[sorted.count / 2],
                      p99: sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))],
                      failures: failures, errors: errors)
    }

    /// Opens `count` connections that send nothing, holds them for `seconds`, then closes them.
    /// - Returns: how many were opened.
    package func holdIdle(_ count: Int, seconds: Double, whileHolding: @Sendable () async -> Void) async throws -> Int {
        var channels: [NIOAsyncChannel<InputLine, ByteBuffer>] = []
        for _ in 0..<count { channels.append(try await connect()) }
        await whileHolding()
        try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
        for channel in channels { try? await channel.channel.close() }
        return channels.count
    }
}

/// The ceiling a line server on this machine can reach: NIO echoing each line, nothing else.
package final class EchoServer: Sendable {
    let channel: any Channel

    /// Starts echoing on a free port of 127.0.0.1.
    package init() async throws {
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 1024)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(EchoHandler())
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    /// The port it listens on.
    package var port: Int { channel.localAddress?.port ?? 0 }

    /// Stops it.
    package func stop() async throws { try await channel.close() }

    /// Writes back what it reads, flushing when a read burst ends.
    final class EchoHandler: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            context.write(data, promise: nil)
        }

        func channelReadComplete(context: ChannelHandlerContext) {
            context.flush()
        }
    }
}
