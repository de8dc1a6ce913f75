import Dialogue
import Foundation
import NIOCore
import NIOEmbedded
import NIOTestUtils
import Synchronization
import Testing

@testable import Gateways
@testable import Server
@testable import Wire

/// The line decoder as NIO's verifier drives it: every split of the input, one byte at a
/// time, all at once, and the end of input.
@Suite struct LineDecoderVerifierTests {
    @Test func decoderHoldsUpUnderEverySplit() throws {
        func bytes(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }
        var invalid = ByteBuffer()
        invalid.writeBytes([0x78, 0xff, 0xfe, 0x0a])
        try ByteToMessageDecoderVerifier.verifyDecoder(
            inputOutputPairs: [
                (bytes("xin chào\n"), [.text("xin chào")]),
                (bytes("một\r\nhai\n"), [.text("một"), .text("hai")]),
                (bytes("\n"), [.text("")]),
                (bytes(String(repeating: "ă", count: 20) + "\nok\n"), [.tooLong, .text("ok")]),
                (invalid, [.badUTF8]),
            ],
            decoderFactory: { LineFrameDecoder(maximumLineBytes: 16) })
    }
}

/// Deadlines on a connection's input, run on an embedded event loop whose clock the test moves
/// (no real waiting): the first request, each line, and idleness.
@Suite struct LineDeadlineTests {
    static func channel(_ limits: SessionLimits) throws -> (EmbeddedChannel, LineDeadlineHandler) {
        let handler = LineDeadlineHandler(limits: limits)
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(handler)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 7420)).wait()
        return (channel, handler)
    }

    static func written(_ channel: EmbeddedChannel) throws -> String {
        var text = ""
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { text += String(buffer: buffer) }
        return text
    }

    @Test func idleConnectionClosesAfterTheIdleTimeAndAnswersPutItOff() throws {
        var limits = SessionLimits()
        limits.idleTimeout = 600
        let (channel, handler) = try Self.channel(limits)
        handler.served()  // the first request was answered
        channel.embeddedEventLoop.advanceTime(by: .seconds(300))
        handler.served()  // another, half-way through
        channel.embeddedEventLoop.advanceTime(by: .seconds(599))
        #expect(channel.isActive, "599 s after the last answer")
        channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        #expect(!channel.isActive, "closed once 600 s passed without a request")
        #expect(try Self.written(channel).isEmpty, "an idle client is closed quietly")
    }

    @Test func noFirstRequestInTimeIsToldInItsOwnMode() throws {
        var limits = SessionLimits()
        limits.firstLineTimeout = 10
        let (channel, _) = try Self.channel(limits)
        try channel.writeInbound(ByteBuffer(string: #"{"type":"hel"#))
        channel.embeddedEventLoop.advanceTime(by: .seconds(9))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        let told = try JSONValue.parse(try Self.written(channel).trimmingCharacters(in: .newlines))
        #expect(told["type"] == "error" && told["code"] == "too-slow")
        #expect(!channel.isActive)
    }

    @Test func aLineMustBeCompleteInTime() throws {
        var limits = SessionLimits()
        limits.lineTimeout = 5
        let (channel, handler) = try Self.channel(limits)
        try channel.writeInbound(ByteBuffer(string: "xin chào\n"))
        handler.served()
        try channel.writeInbound(ByteBuffer(string: "một dòng chưa"))
        channel.embeddedEventLoop.advanceTime(by: .seconds(4))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        #expect(try Self.written(channel).hasPrefix("Lỗi (too-slow)"))
        #expect(!channel.isActive)
    }
}

/// A client that stops reading is let go once its replies stay above the high mark for the
/// slow-reader time, by the event loop's clock; one that drains in time keeps its connection.
@Suite struct SlowReaderHandlerTests {
    static func channel(timeout: Double) throws -> EmbeddedChannel {
        var limits = SessionLimits()
        limits.slowReaderTimeout = timeout
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(SlowReaderHandler(limits: limits))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 7420)).wait()
        return channel
    }

    static func writability(_ channel: EmbeddedChannel, _ writable: Bool) {
        channel.isWritable = writable
        channel.pipeline.fireChannelWritabilityChanged()
    }

    @Test func repliesThatNeverDrainEndTheConnection() throws {
        let channel = try Self.channel(timeout: 30)
        Self.writability(channel, false)
        channel.embeddedEventLoop.advanceTime(by: .seconds(29))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        #expect(!channel.isActive)
    }

    @Test func repliesThatDrainInTimeKeepIt() throws {
        let channel = try Self.channel(timeout: 30)
        for _ in 0..<5 {
            Self.writability(channel, false)
            channel.embeddedEventLoop.advanceTime(by: .seconds(20))
            Self.writability(channel, true)  // drained: the clock starts again next time
            channel.embeddedEventLoop.advanceTime(by: .seconds(20))
        }
        #expect(channel.isActive, "200 s in all, never 30 s in a row above the mark")
        _ = try channel.finish()
    }
}

/// The line inbox: lines wait in order until the connection's loop asks, a waiting loop gets the
/// next line at once, and the end of input reaches it.
@Suite struct LineInboxTests {
    @Test func linesWaitInOrderThenAWaiterGetsTheNext() async throws {
        let inbox = LineInbox()
        let channel = NIOAsyncTestingChannel()
        try await channel.pipeline.addHandler(inbox)
        for text in ["một", "hai", "ba"] { try await channel.writeInbound(InputLine.text(text)) }
        let first = try await channel.testingEventLoop.executeInContext { [inbox] in
            (0..<4).map { _ -> String in
                switch inbox.poll() {
                case .line(.text(let text)): text
                case .empty: "empty"
                default: "other"
                }
            }
        }
        #expect(first == ["một", "hai", "ba", "empty"])
        let next = Task {
            try await withCheckedThrowingContinuation { continuation in
                channel.testingEventLoop.execute { inbox.wait(continuation) }
            }
        }
        try await Task.sleep(for: .milliseconds(20))  // let the waiter park (ordering only)
        try await channel.writeInbound(InputLine.tooLong)
        #expect(try await next.value == .tooLong)
        let ended = Task {
            try await withCheckedThrowingContinuation { continuation in
                channel.testingEventLoop.execute { inbox.wait(continuation) }
            }
        }
        try await Task.sleep(for: .milliseconds(20))
        channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        #expect(try await ended.value == nil, "the client closed its side")
        let after = try await channel.testingEventLoop.executeInContext { [inbox] () -> Bool in
            if case .ended(nil) = inbox.poll() { return true }
            return false
        }
        #expect(after)
        _ = try? await channel.finish()
    }
}

/// The users' lanes: one user's jobs one at a time in order, different users side by side,
/// bounded, and nothing left of a user whose jobs are done.
@Suite struct UserLanesTests {
    @Test func oneUserInOrderUsersSideBySide() async throws {
        let lanes = UserLanes()
        let handled = Log<String>()
        let running = Running()
        let gate = Gate()
        // A's first job waits until B's job has run: B is not held behind A.
        await lanes.submit("A") {
            running.enter()
            await gate.wait()
            handled.add("A0")
            running.leave()
        }
        for index in 1..<20 {
            await lanes.submit("A") {
                running.enter()
                await Task.yield()
                handled.add("A\(index)")
                running.leave()
            }
        }
        await lanes.submit("B") {
            handled.add("B")
            gate.open()
        }
        await lanes.idle()
        let all = handled.all
        #expect(all.first == "B")
        #expect(all.filter { $0.hasPrefix("A") } == (0..<20).map { "A\($0)" })
        #expect(await lanes.busyUsers == 0, "a user whose jobs are done leaves no trace")
    }

    @Test func boundsRefuseWhatDoesNotFit() async throws {
        let lanes = UserLanes(perUser: 3, total: 5)
        let gate = Gate()
        var accepted: [Bool] = []
        for _ in 0..<4 { accepted.append(await lanes.submit("A") { await gate.wait() }) }
        #expect(accepted == [true, true, true, false], "at most three jobs for one user")
        #expect(await lanes.submit("B") { await gate.wait() })
        #expect(await lanes.submit("C") { await gate.wait() })
        #expect(await lanes.submit("D") { await gate.wait() } == false, "at most five for all")
        gate.open()
        await lanes.idle()
        #expect(await lanes.waiting == 0)
    }

    @Test func idsAreRememberedUpToTheLimit() async throws {
        let seen = RecentIDs()
        #expect(await seen.add("first"))
        for item in 1...10_000 { _ = await seen.add("id-\(item)") }
        #expect(await seen.add("id-10000") == false, "a recent id is still known")
        #expect(await seen.add("first"), "the oldest id was forgotten: memory stays bounded")
    }
}

/// Opens once; everyone waiting goes on.
final class Gate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func wait() async {
        await withCheckedContinuation { continuation in
            let go = state.withLock { state -> Bool in
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if go { continuation.resume() }
        }
    }

    func open() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.open = true
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}

/// What concurrent tasks did, in the order they did it.
final class Log<Item: Sendable>: Sendable {
    private let items = Mutex<[Item]>([])

    func add(_ item: Item) { items.withLock { $0.append(item) } }

    var all: [Item] { items.withLock { $0 } }
}

/// How many handlers ran at once, at most.
final class Running: Sendable {
    private let counts = Mutex((now: 0, most: 0))

    func enter() { counts.withLock { $0.now += 1; $0.most = max($0.most, $0.now) } }
    func leave() { counts.withLock { $0.now -= 1 } }
    var most: Int { counts.withLock { $0.most } }
}
