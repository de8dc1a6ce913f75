import Clients
import Foundation
import NIOCore
import NIOPosix
import Wire

/// Drives a line server with many connections, each sending one request and waiting for its
/// reply before the next (so a reply's latency is the server's, not a queue in the client).
/// Used by `motcua-bench load` against the daemon, and against `EchoServer` for the ceiling.
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
    /// Speak to the daemon's `/ws` (a frame a line) instead of TCP lines.
    let webSocket: Bool

    /// Creates a generator for a server.
    package init(host: String, port: Int, webSocket: Bool = false) {
        self.host = host
        self.port = port
        self.webSocket = webSocket
    }

    /// Runs `connections` clients for `duration` seconds, each sending `lines` in turn.
    ///
    /// The clients are NIO handlers on the event loops, not tasks: the generator shares the
    /// machine with the server it measures, and every microsecond it spends is one the server
    /// does not get.
    /// - Parameter rate: nil: each client sends its next line as soon as its reply arrives (the
    ///   server's saturation). A rate: the clients together offer this many lines a second, each
    ///   on its own schedule, and a reply's latency counts from when its line was due, so a
    ///   server that falls behind is charged for the wait (no coordinated omission).
    package func run(connections: Int, duration: Double, lines: [String], rate: Double? = nil) async throws -> Result {
        let payloads = lines.map { ByteBuffer(string: $0 + "\n") }
        let interval = rate.map { TimeAmount.nanoseconds(Int64(Double(connections) / $0 * 1e9)) }
        var clients: [(channel: any Channel, client: LoadClient)] = []
        var failures = 0
        for number in 0..<connections {
            let client = LoadClient(lines: payloads, first: number, interval: interval)
            do {
                if webSocket {
                    clients.append((try await WebSocketLoad.connect(host: host, port: port, client: client), client))
                    continue
                }
                let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .connectTimeout(.seconds(30))
                    .channelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHandler(
                                ByteToMessageHandler(LineFrameDecoder(maximumLineBytes: 1 << 20)))
                            try channel.pipeline.syncOperations.addHandler(client)
                        }
                    }
                    .connect(host: host, port: port).get()
                clients.append((channel, client))
            } catch {
                failures += 1
            }
        }
        let start = NIODeadline.now()
        let end = start + .nanoseconds(Int64(duration * 1e9))
        var finished: [EventLoopFuture<LoadClient.Outcome>] = []
        for (number, entry) in clients.enumerated() {
            // Paced clients start spread over one interval, not all at once.
            let offset = interval.map { TimeAmount.nanoseconds($0.nanoseconds * Int64(number) / Int64(max(connections, 1))) }
            finished.append(entry.channel.eventLoop.flatSubmit {
                entry.client.start(at: start + (offset ?? .zero), until: end)
            })
        }
        var latencies: [Int64] = []
        var errors = 0
        for (index, future) in finished.enumerated() {
            do {
                let outcome = try await future.get()
                latencies += outcome.latencies
                errors += outcome.errors
                if outcome.failed { failures += 1 }
            } catch {
                failures += 1
            }
            try? await clients[index].channel.close()
        }
        let seconds = Double((NIODeadline.now() - start).nanoseconds) / 1e9
        latencies.sort()
        func percentile(_ p: Double) -> Double {
            latencies.isEmpty ? 0 : Double(latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))]) / 1e9
        }
        return Result(replies: latencies.count, seconds: min(seconds, duration + 1), p50: percentile(0.5),
                      p99: percentile(0.99), failures: failures, errors: errors)
    }

    /// Whether a reply line is a protocol error. A plain byte search: Foundation's `contains`
    /// and the standard library's generic `firstRange(of:)` each cost the generator most of a
    /// core at these rates, which the daemon it measures then lacked.
    static func isError(_ line: String) -> Bool {
        var line = line
        return line.withUTF8 { bytes in
            let needle = errorMarker
            guard bytes.count >= needle.count else { return false }
            outer: for start in 0...(bytes.count - needle.count) where bytes[start] == needle[0] {
                for offset in 1..<needle.count where bytes[start + offset] != needle[offset] { continue outer }
                return true
            }
            return false
        }
    }

    private static let errorMarker = Array(#""type":"error""#.utf8)

    /// Opens `count` connections that send nothing, holds them for `seconds`, then closes them.
    /// - Returns: how many were opened.
    package func holdIdle(_ count: Int, seconds: Double, whileHolding: @Sendable () async -> Void) async throws -> Int {
        var channels: [NIOAsyncChannel<InputLine, ByteBuffer>] = []
        for _ in 0..<count { channels.append(try await DaemonConnection.connect(host: host, port: port)) }
        await whileHolding()
        try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
        for channel in channels { try? await channel.channel.close() }
        return channels.count
    }
}

/// One load client: sends a line, waits for the reply line, records the latency, sends the
/// next (at once, or when due on a paced schedule). Lives on its channel's event loop.
final class LoadClient: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = InputLine
    typealias OutboundOut = ByteBuffer

    /// What one client measured.
    struct Outcome: Sendable {
        var latencies: [Int64]
        var errors: Int
        var failed: Bool
    }

    private let lines: [ByteBuffer]
    private var index: Int
    private let interval: TimeAmount?
    private var context: ChannelHandlerContext?
    private var end = NIODeadline.distantFuture
    private var due = NIODeadline.now()
    private var sent = NIODeadline.now()
    private var waiting = false
    private var outcome = Outcome(latencies: [], errors: 0, failed: false)
    private var done: EventLoopPromise<Outcome>?

    init(lines: [ByteBuffer], first: Int, interval: TimeAmount?) {
        self.lines = lines
        self.index = first
        self.interval = interval
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    /// Starts sending at `start`; the future completes at `end` (or when the connection fails).
    func start(at start: NIODeadline, until end: NIODeadline) -> EventLoopFuture<Outcome> {
        guard let context else { return MultiThreadedEventLoopGroup.singleton.next().makeFailedFuture(ChannelError.ioOnClosedChannel) }
        let promise = context.eventLoop.makePromise(of: Outcome.self)
        done = promise
        self.end = end
        due = start
        outcome.latencies.reserveCapacity(4096)
        sendWhenDue()
        return promise.futureResult
    }

    private func sendWhenDue() {
        guard let context else { return finish(failed: true) }
        let now = NIODeadline.now()
        guard now < end else { return finish(failed: false) }
        if interval != nil, due > now {
            context.eventLoop.scheduleTask(deadline: due) { self.sendWhenDue() }
            return
        }
        guard due < end else { return finish(failed: false) }
        sent = interval == nil ? now : due
        if let interval { due = due + interval }
        waiting = true
        context.writeAndFlush(wrapOutboundOut(lines[index % lines.count]), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard waiting else { return }
        waiting = false
        if case .text(let text) = unwrapInboundIn(data), LoadGenerator.isError(text) {
            outcome.errors += 1
        } else {
            outcome.latencies.append((NIODeadline.now() - sent).nanoseconds)
            index += 1
        }
        sendWhenDue()
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(failed: waiting)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(failed: true)
        context.close(promise: nil)
    }

    private func finish(failed: Bool) {
        guard let done else { return }
        self.done = nil
        outcome.failed = failed
        done.succeed(outcome)
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
