import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Testing

@testable import Daemon
@testable import Dialogue
@testable import Server
@testable import Wire

/// The real TCP server in process: a service group on 127.0.0.1:0, real clients.
@Suite struct ServerTests {
    /// Runs the server, gives `body` its port, and always shuts the group down.
    func withServer(limits: SessionLimits = SessionLimits(), _ body: @Sendable @escaping (Int) async throws -> Void)
        async throws
    {
        try await Self.serve(try await TestDaemon.service(), limits: limits, body)
    }

    /// Runs a TCP server over `service` on a free port for `body`, then shuts it down (open
    /// connections get 2 s).
    static func serve(_ service: DialogueService, limits: SessionLimits = SessionLimits(), port: Int = 0,
                      logger: Logger = Logger(label: "test"), _ body: @Sendable @escaping (Int) async throws -> Void)
        async throws
    {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        var configuration = ChatServer.Configuration()
        configuration.port = port
        configuration.limits = limits
        let server = ChatServer(configuration: configuration, service: service, logger: logger,
                                onBound: { continuation.yield($0) })
        // On a shared store the daemon also follows what other daemons change.
        let services: [any Service] = [server] + (ChangeFollower(daemon: service).map { [$0] } ?? [])
        var groupConfiguration = ServiceGroupConfiguration(services: services, logger: logger)
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(2)
        let group = ServiceGroup(configuration: groupConfiguration)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { return }
            do {
                try await body(port)
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    /// Sends lines (optionally half-closing) and reads until `replies` lines came back.
    /// - Parameter replies: lines to wait for (text mode: the dot lines that end replies).
    static func exchange(port: Int, send lines: [String], halfClose: Bool = false, replies: Int,
                         countingDotsOnly: Bool = false) async throws -> [String]
    {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.allowRemoteHalfClosure, value: true)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(LineFrameDecoder(maximumLineBytes: 1 << 20)))
                    return try NIOAsyncChannel<InputLine, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var buffer = ByteBuffer()
            for line in lines { buffer.writeString(line + "\n") }
            try await outbound.write(buffer)
            if halfClose { outbound.finish() }
            var received: [String] = []
            var counted = 0
            for try await line in inbound {
                guard case .text(let text) = line else { continue }
                received.append(text)
                if !countingDotsOnly || text == "." { counted += 1 }
                if counted >= replies { break }
            }
            return received
        }
    }

    /// JSON Lines over TCP: hello, a question, an error, and the connection lives on.
    @Test func jsonOverTCP() async throws {
        try await withServer { port in
            let lines = try await Self.exchange(
                port: port,
                send: [#"{"type":"hello","id":1}"#, #"{"type":"say","text":"nộp báo cáo định kỳ khi nào","id":2}"#,
                       "{broken", #"{"type":"say","text":"xin chào","id":3}"#],
                replies: 4)
            #expect(lines.count == 4)
            #expect(lines[0].contains(#""type":"welcome""#))
            #expect(lines[1].contains(#""kb":"bao-cao""#))
            #expect(lines[2].contains(#""code":"bad-json""#))
            #expect(lines[3].contains(#""re":3"#))
        }
    }

    /// A client that half-closes after its question (`printf '…\n' | nc`) still gets the answer;
    /// an overlong line gets `line-too-long` and the next line is answered.
    @Test func halfCloseAndOverlongLine() async throws {
        var limits = SessionLimits()
        limits.maximumLineBytes = 200
        try await withServer(limits: limits) { port in
            let answered = try await Self.exchange(port: port, send: ["chữ ký số chuyên dùng cấp cho ai"],
                                                   halfClose: true, replies: 1, countingDotsOnly: true)
            #expect(answered.contains { $0.contains("cán bộ, công chức") })
            #expect(answered.last == ".")
            let afterLong = try await Self.exchange(
                port: port, send: [String(repeating: "a", count: 1000), "xin chào"], replies: 2, countingDotsOnly: true)
            #expect(afterLong[0].contains("line-too-long"))
            #expect(afterLong.contains { $0.contains("Xin chào") })
        }
    }

    /// Several clients at once are each answered.
    @Test func concurrentClients() async throws {
        try await withServer { port in
            try await withThrowingTaskGroup(of: [String].self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        try await Self.exchange(port: port, send: [#"{"type":"say","text":"LGSP dùng để làm gì"}"#],
                                                replies: 1)
                    }
                }
                for try await lines in group { #expect(lines.first?.contains(#""kb":"lgsp""#) == true) }
            }
        }
    }
}

/// Clients that send without reading.
@Suite struct SlowReaderTests {
    /// A client that sends many questions and never reads its replies is disconnected once
    /// its unread replies stop draining, and the daemon goes on answering everyone else.
    @Test func clientThatNeverReadsIsDisconnected() async throws {
        var limits = SessionLimits()
        limits.burst = 1_000_000
        limits.messagesPerSecond = 1_000_000
        limits.slowReaderTimeout = 0.5
        try await ServerTests().withServer(limits: limits) { port in
            let counter = ByteCounter()
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .channelOption(.socketOption(.so_rcvbuf), value: 4096)
                .channelOption(.autoRead, value: false)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(counter) }
                }
                .connect(host: "127.0.0.1", port: port).get()
            // 50,000 requests for the help text: far more replies than socket buffers hold.
            let count = 50_000
            var flood = ByteBuffer()
            for _ in 0..<count { flood.writeString("/help\n") }
            channel.writeAndFlush(flood, promise: nil)
            // Read nothing for a while (the server should give up on us meanwhile), then drain
            // what was sent and see whether the server hung up before answering everything.
            try await Task.sleep(for: .seconds(2))
            try await channel.setOption(.autoRead, value: true)
            channel.read()
            let closed = try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    try? await channel.closeFuture.get()
                    return true
                }
                group.addTask {
                    try await Task.sleep(for: .seconds(20))
                    return false
                }
                defer { group.cancelAll() }
                return try await group.next() ?? false
            }
            #expect(closed, "the server kept the slow reader's connection")
            let dots = try await channel.eventLoop.submit { counter.dotLines }.get()
            #expect(dots < count, "every request was answered: the server never gave up")
            // Everyone else is still served.
            let lines = try await ServerTests.exchange(port: port, send: [#"{"type":"say","text":"xin chào"}"#], replies: 1)
            #expect(lines.first?.contains(#""type":"chat""#) == true)
            try? await channel.close()
        }
    }

    /// Lines are read only as fast as they are answered: a burst of many lines in one write
    /// is answered in order, every one of them.
    @Test func burstIsAnsweredInOrder() async throws {
        var limits = SessionLimits()
        limits.burst = 1_000
        try await ServerTests().withServer(limits: limits) { port in
            let lines = (1...300).map { #"{"type":"help","id":\#($0)}"# }
            let replies = try await ServerTests.exchange(port: port, send: lines, replies: 300)
            let ids = try replies.map { try #require(JSONValue.parse($0)["re"]?.int) }
            #expect(ids == Array(1...300))
        }
    }
}

/// One conversation on pipes, as `motcua serve --stdio < questions.txt` runs it.
@Suite struct StdioServerTests {
    /// Every line of the input is answered and the server returns at the end of input.
    @Test func answersEveryLineAndEnds() async throws {
        let input = Pipe()
        let output = Pipe()
        let server = StdioServer(service: try await TestDaemon.service(), logger: Logger(label: "test"),
                                 input: input.fileHandleForReading, output: output.fileHandleForWriting)
        input.fileHandleForWriting.write(Data("xin chào\nnộp báo cáo định kỳ khi nào\n/quit\nkhông đọc tới\n".utf8))
        input.fileHandleForWriting.closeFile()
        try await server.run()
        output.fileHandleForWriting.closeFile()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(text.contains("Xin chào"))
        #expect(text.contains("ngày 15"))
        #expect(text.contains("Tạm biệt"))
        #expect(text.components(separatedBy: "\n").filter { $0 == "." }.count == 3)
    }
}

/// Counts the reply frames (dot lines) a test client receives, without keeping them.
final class ByteCounter: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer

    /// Lines that were exactly "." (the end of one text-mode reply).
    var dotLines = 0
    private var lineStart = true
    private var sawDot = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        for byte in unwrapInboundIn(data).readableBytesView {
            if byte == UInt8(ascii: "\n") {
                if sawDot { dotLines += 1 }
                lineStart = true
                sawDot = false
            } else {
                sawDot = lineStart && byte == UInt8(ascii: ".")
                lineStart = false
            }
        }
    }
}
