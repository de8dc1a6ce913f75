import ArgumentParser
import Foundation
import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import Bot
@testable import Clients
@testable import Dialogue
@testable import Gateways
@testable import Wire

/// Clients and adapters given several daemons (`--daemon h1:p1,h2:p2`): the list as operators
/// write it, and what users see when the daemon they use goes away — the adapter's gateway link
/// and the terminal clients move to the next daemon and carry on where they were.
@Suite(.serialized) struct FailoverTests {
    static let question = "Hệ thống thông tin có mấy cấp độ an toàn?"

    // MARK: - The address lists

    /// `--daemon` takes a comma-separated list in the order it is tried, for the adapters and
    /// the terminal clients alike; `chat` without it still takes `--host`/`--port`.
    @Test func addressListsParse() throws {
        let telegram = try #require(
            try Motcua.parseAsRoot(["adapter", "telegram", "--daemon", "10.0.0.5:7420, db2.example.vn:7421"])
                as? AdapterCommand.Telegram)
        #expect(
            try telegram.link.endpoints() == [
                DaemonEndpoint(host: "10.0.0.5", port: 7420),
                DaemonEndpoint(host: "db2.example.vn", port: 7421),
            ])
        let zalo = try #require(try Motcua.parseAsRoot(["adapter", "zalo"]) as? AdapterCommand.Zalo)
        #expect(try zalo.link.endpoints() == [DaemonEndpoint(host: "127.0.0.1", port: 7420)], "one daemon by default")

        let chat = try #require(try Motcua.parseAsRoot(["chat", "--daemon", "10.0.0.5:7420,10.0.0.6:7420"]) as? Chat)
        #expect(
            try chat.server.endpoints() == [
                DaemonEndpoint(host: "10.0.0.5", port: 7420),
                DaemonEndpoint(host: "10.0.0.6", port: 7420),
            ])
        let single = try #require(try Motcua.parseAsRoot(["chat", "--host", "10.0.0.9", "--port", "7500"]) as? Chat)
        #expect(try single.server.endpoints() == [DaemonEndpoint(host: "10.0.0.9", port: 7500)])
        let tickets = try #require(
            try Motcua.parseAsRoot(["tickets", "--daemon", "10.0.0.5:7420,10.0.0.6:7421"]) as? Tickets)
        #expect(try tickets.server.endpoints().map(\.port) == [7420, 7421])
    }

    /// A list with a bad entry is refused naming that entry; an empty list, an empty entry and
    /// port 0 are refused too — before anything connects.
    @Test func badAddressListsAreRefusedClearly() {
        func refusal(_ arguments: [String]) -> String {
            do {
                _ = try Motcua.parseAsRoot(arguments)
                return ""
            } catch {
                return Motcua.message(for: error)
            }
        }
        let bad = refusal(["adapter", "telegram", "--daemon", "192.168.1.10:7420,may-chu-2"])
        #expect(bad.contains("\"may-chu-2\"") && bad.contains("HOST:PORT") && !bad.contains("192.168.1.10"), "\(bad)")
        let badChat = refusal(["chat", "--daemon", "10.0.0.5:7420,10.0.0.6:99999"])
        #expect(badChat.contains("\"10.0.0.6:99999\"") && badChat.contains("cổng 1–65535"), "\(badChat)")
        #expect(refusal(["tickets", "--daemon", "10.0.0.5:0"]).contains("\"10.0.0.5:0\""))
        #expect(refusal(["adapter", "zalo", "--daemon", ""]).contains("cần ít nhất một máy chủ"))
        #expect(refusal(["chat", "--daemon", " , "]).contains("cần ít nhất một máy chủ"))
        #expect(refusal(["adapter", "telegram", "--daemon", "10.0.0.5:7420,,10.0.0.6:7420"]).contains("để trống"))
    }

    // MARK: - The gateway link

    /// A link whose first daemon refuses connections logs in on the second at once, and its
    /// users are answered there; the log names the daemon it moved to, never the token.
    @Test func linkSkipsADaemonThatIsDown() async throws {
        let closed = try await Self.closedPort()
        let capture = LogCapture()
        let (daemon, _, _, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        let (_, token) = try await daemon.addGateway(channel: "telegram")
        try await daemon.run { port in
            var settings = DeskDaemon.link(port: closed, token: token)
            settings.fallbacks = [DaemonEndpoint(host: "127.0.0.1", port: port)]
            let link = GatewayLink(settings: settings, logger: capture.logger()) { _ in }
            await link.start()
            let started = ContinuousClock.now
            let answer = try await link.request(["type": "say", "text": .string(Self.question)], user: "42")
            #expect(answer["type"] == "answer" && answer["user"] == "42")
            // Not the backoff of a daemon retried until it comes back (10 s at its longest): one refused
            // connect, then the next daemon (generous, for the whole suite on two cores).
            #expect(ContinuousClock.now - started < .seconds(10), "the dead daemon costs one refused connect")
            try await Self.wait { await link.connected == 2 }
            let lines = capture.lines
            #expect(lines.contains { $0.contains("daemon unreachable") && Self.names($0, closed) })
            #expect(lines.contains { $0.contains("moving to the next daemon") && Self.names($0, port) })
            #expect(lines.filter { $0.contains("linked to the daemon") && Self.names($0, port) }.count == 2)
            #expect(!lines.contains { $0.contains(token) }, "the token is never logged")
            await link.close()
        }
    }

    /// Two daemons on one store: a Telegram user escalates through the link on A; A shuts down;
    /// the link logs in on B by itself, and the unit's reply written on B reaches the adapter,
    /// which acknowledges it there.
    @Test(.enabled(if: SharedStoreTests.enabled, SharedStoreTests.reason)) func linkResumesOnTheOtherDaemon()
        async throws
    {
        let (daemon, attt, _, _) = try await DeskDaemon.make(postgres: true)
        defer { daemon.remove() }
        let (_, token) = try await daemon.addGateway(channel: "telegram")
        let capture = LogCapture()
        let events = Tally.Box<[JSONValue]>([])
        try await daemon.run { b in
            let shared = Tally.Box<(link: GatewayLink?, ticket: Int)>((nil, 0))
            try await daemon.run { a in
                var settings = DeskDaemon.link(port: a, token: token)
                settings.fallbacks = [DaemonEndpoint(host: "127.0.0.1", port: b)]
                let link = GatewayLink(settings: settings, logger: capture.logger()) { event in
                    events.withLock { $0.append(event) }
                }
                await link.start()
                let escalated = try await link.request(
                    ["type": "escalate", "text": .string(DeskTests.unanswerable)], user: "77")
                let number = try #require(escalated["ticket"]?.int)
                #expect(capture.lines.contains { $0.contains("linked to the daemon") && Self.names($0, a) })
                shared.withLock { $0 = (link, number) }
            }
            // A is gone.
            let (stored, number) = shared.withLock { $0 }
            let link = try #require(stored)
            try await Self.wait(15) {
                capture.lines.filter { $0.contains("linked to the daemon") && Self.names($0, b) }.count == 2
            }
            #expect(capture.lines.contains { $0.contains("moving to the next daemon") && Self.names($0, b) })

            let handler = try await JSONClient(port: b)
            _ = try await handler.ask(["type": "login", "token": .string(attt)])
            let answer = "Theo định mức chi phí đánh giá an toàn hệ thống thông tin, tính theo ngày công chuyên gia."
            #expect(
                try await handler.ask(["type": "reply", "ticket": .int(number), "text": .string(answer)])["type"]
                    == "ok")
            try await Self.wait(10) {
                events.withLock { $0.contains { $0["type"] == "reply" && $0["ticket"]?.int == number } }
            }
            let reply = try #require(events.withLock { $0.first { $0["type"] == "reply" } })
            #expect(reply["user"] == "77" && reply["text"]?.string == answer)
            let delivery = try #require(reply["delivery"]?.int)
            #expect(try await link.request(["type": "ack", "delivery": .int(delivery)], user: "77")["type"] == "ok")
            let shown = try await handler.ask(["type": "show", "ticket": .int(number)])
            #expect(shown["deliveries"]?.array?.first?["state"] == "delivered")
            #expect(!capture.lines.contains { $0.contains(token) }, "the token is never logged")
            await handler.close()
            await link.close()
        }
    }

    // MARK: - The terminal clients

    /// `chat` on two daemons of one store: the user asks on A; A shuts down; the client says
    /// so, moves to B and resumes the same conversation (kept in memory: no state file), and
    /// the next question is answered there, in the same conversation; `/quit` ends it.
    @Test(.enabled(if: SharedStoreTests.enabled, SharedStoreTests.reason)) func chatResumesOnTheOtherDaemon()
        async throws
    {
        let (daemon, _, _, _) = try await DeskDaemon.make(postgres: true)
        defer { daemon.remove() }
        let screen = Screen()
        let (typed, keyboard) = AsyncStream.makeStream(of: String.self)
        try await daemon.run { b in
            let shared = Tally.Box<(run: Task<Void, any Error>?, a: Int, conversation: String)>((nil, 0, ""))
            try await daemon.run { a in
                let chat = TerminalChat(
                    endpoints: [
                        DaemonEndpoint(host: "127.0.0.1", port: a),
                        DaemonEndpoint(host: "127.0.0.1", port: b),
                    ],
                    stateFile: nil, input: typed, output: { screen.show($0) })
                let run = Task { try await chat.run() }
                keyboard.yield(Self.question)
                try await screen.wait { $0.contains { $0.contains("Có 5 cấp độ") } }
                let conversation = try #require(screen.conversation)
                shared.withLock { $0 = (run, a, conversation) }
            }
            // A is gone.
            let (run, a, conversation) = shared.withLock { $0 }
            try await screen.wait(15) { $0.contains("Đã tiếp tục cuộc trò chuyện \(conversation).") }
            let lines = screen.lines
            let lost = try #require(
                lines.firstIndex(of: "Mất kết nối tới máy chủ 127.0.0.1:\(a); đang chuyển sang máy chủ khác…"))
            let moved = try #require(lines.firstIndex(of: "Đã kết nối tới máy chủ 127.0.0.1:\(b)."))
            #expect(lost < moved)

            keyboard.yield("Nền tảng LGSP của tỉnh dùng để làm gì?")
            try await screen.wait { $0.contains { $0.contains("Kết nối, chia sẻ dữ liệu") } }
            keyboard.yield("/quit")
            try await screen.wait { $0.contains("Tạm biệt anh/chị!") }
            try await #require(run).value
            #expect(screen.lines.filter { $0.hasPrefix("Mất kết nối") }.count == 1, "/quit is not a loss")
            let messages = try await daemon.openStore().messages(of: conversation, last: 100)
            #expect(
                messages.filter { $0.direction == .incoming }.map(\.text)
                    == [Self.question, "Nền tảng LGSP của tỉnh dùng để làm gì?"],
                "both questions in the one conversation")
        }
    }

    /// `chat` on one daemon that restarts on its port: the client reconnects to it and resumes
    /// the conversation of its state file; the end of input ends it without a word of loss.
    @Test func chatReconnectsToARestartedDaemon() async throws {
        let (daemon, _, _, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        let state = daemon.directory + "/conversation"
        let screen = Screen()
        let (typed, keyboard) = AsyncStream.makeStream(of: String.self)
        let shared = Tally.Box<(run: Task<Void, any Error>?, port: Int)>((nil, 0))
        try await daemon.run { port in
            let chat = TerminalChat(
                endpoints: [DaemonEndpoint(host: "127.0.0.1", port: port)], stateFile: state,
                input: typed, output: { screen.show($0) })
            shared.withLock { $0 = (Task { try await chat.run() }, port) }
            try await screen.wait { $0.contains { $0.hasPrefix("Chào anh/chị!") } }
            keyboard.yield(Self.question)
            try await screen.wait { $0.contains { $0.contains("Có 5 cấp độ") } }
        }
        let (run, port) = shared.withLock { $0 }
        let conversation = try #require(screen.conversation)
        #expect(
            try String(contentsOfFile: state, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
                == conversation)
        try await screen.wait { $0.contains("Mất kết nối tới máy chủ 127.0.0.1:\(port); đang kết nối lại…") }
        try await daemon.run(port: port) { _ in
            try await screen.wait(15) { $0.contains("Đã tiếp tục cuộc trò chuyện \(conversation).") }
            keyboard.finish()
            try await #require(run).value
        }
        #expect(screen.lines.filter { $0.hasPrefix("Mất kết nối") }.count == 1, "the end of input is not a loss")
    }

    /// `tickets` on a daemon that restarts: the handler is logged in again on the new
    /// connection without typing anything, and what they type next is answered as theirs.
    @Test func ticketsLogInAgainAfterARestart() async throws {
        let (daemon, attt, _, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        let screen = Screen()
        let (typed, keyboard) = AsyncStream.makeStream(of: String.self)
        let shared = Tally.Box<(run: Task<Void, any Error>?, port: Int)>((nil, 0))
        let signedIn = "Đã đăng nhập: Cán bộ An toàn, đơn vị ATTT (duyệt câu trả lời)."
        try await daemon.run { port in
            let tickets = TerminalChat(
                endpoints: [DaemonEndpoint(host: "127.0.0.1", port: port)], stateFile: nil,
                login: attt, input: typed, output: { screen.show($0) })
            shared.withLock { $0 = (Task { try await tickets.run() }, port) }
            try await screen.wait { $0.contains(signedIn) }
        }
        let (run, port) = shared.withLock { $0 }
        try await screen.wait { $0.contains("Mất kết nối tới máy chủ 127.0.0.1:\(port); đang kết nối lại…") }
        keyboard.yield("/whoami")
        try await daemon.run(port: port) { _ in
            try await screen.wait(15) { $0.filter { $0 == signedIn }.count == 2 }
            try await screen.wait { $0.contains { $0.hasPrefix("Cán bộ Cán bộ An toàn") } }
            keyboard.yield("/quit")
            try await #require(run).value
        }
        let lines = screen.lines
        let again = try #require(lines.lastIndex(of: signedIn))
        let whoami = try #require(lines.firstIndex { $0.hasPrefix("Cán bộ Cán bộ An toàn") })
        #expect(again < whoami, "the line typed while disconnected went after the login")
    }

    /// No daemon comes back: the client gives up after its patience with a clear error, and at
    /// the start it says at once that no daemon of the list answers.
    @Test func chatGivesUpWhenNoDaemonAnswers() async throws {
        let closed = try await Self.closedPort()
        let start = TerminalChat(
            endpoints: [DaemonEndpoint(host: "127.0.0.1", port: closed)], stateFile: nil,
            input: AsyncStream { _ in }, output: { _ in })
        let refused = await #expect(throws: TerminalChat.Unreachable.self) { try await start.run() }
        #expect(refused?.description.hasPrefix("Không kết nối được tới máy chủ motcua 127.0.0.1:\(closed)") == true)

        let (daemon, _, _, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        let screen = Screen()
        let (typed, keyboard) = AsyncStream.makeStream(of: String.self)
        let shared = Tally.Box<(run: Task<Void, any Error>?, port: Int)>((nil, 0))
        try await daemon.run { port in
            var chat = TerminalChat(
                endpoints: [
                    DaemonEndpoint(host: "127.0.0.1", port: port),
                    DaemonEndpoint(host: "127.0.0.1", port: closed),
                ],
                stateFile: nil, input: typed, output: { screen.show($0) })
            chat.patience = .seconds(2)
            let patient = chat
            shared.withLock { $0 = (Task { try await patient.run() }, port) }
            keyboard.yield(Self.question)
            try await screen.wait { $0.contains { $0.contains("Có 5 cấp độ") } }
        }
        let (run, port) = shared.withLock { $0 }
        let gaveUp = ContinuousClock.now
        let running = try #require(run)
        let gone = await #expect(throws: TerminalChat.Unreachable.self) { try await running.value }
        #expect(
            gone?.description
                == "Không kết nối lại được tới máy chủ motcua nào (127.0.0.1:\(port), 127.0.0.1:\(closed)) trong 2 giây; dừng."
        )
        #expect(ContinuousClock.now - gaveUp < .seconds(8))
        #expect(screen.lines.contains("Mất kết nối tới máy chủ 127.0.0.1:\(port); đang chuyển sang máy chủ khác…"))
        keyboard.finish()
    }

    // MARK: - Helpers

    /// A port nothing listens on (bound, then closed).
    static func closedPort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(channel.localAddress?.port)
        try await channel.close()
        return port
    }

    /// Whether a captured log line names the daemon on `port` of loopback.
    static func names(_ line: String, _ port: Int) -> Bool {
        line.contains("127.0.0.1:\(port),") || line.contains("127.0.0.1:\(port)]")
    }

    /// Waits until `condition` holds; fails after `seconds`.
    static func wait(_ seconds: Double = 10, _ condition: @Sendable () async -> Bool) async throws {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while !(await condition()) {
            guard ContinuousClock.now < deadline else {
                Issue.record("not within \(seconds) s")
                throw ClientTimeout()
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}

/// What a terminal client showed, line by line (its output sink in these tests).
final class Screen: Sendable {
    private let shown = Mutex<[String]>([])

    /// Every line so far.
    var lines: [String] { shown.withLock { $0 } }

    /// Shows a block.
    func show(_ block: [String]) { shown.withLock { $0 += block } }

    /// The conversation id the daemon gave (its "Mã cuộc trò chuyện" line).
    var conversation: String? {
        lines.lazy.compactMap { line in
            line.range(of: "Mã cuộc trò chuyện: ").map { String(line[$0.upperBound...].prefix(32)) }
        }.first
    }

    /// Waits until the lines satisfy `condition`; fails after `seconds`, with what was shown.
    func wait(_ seconds: Double = 10, _ condition: ([String]) -> Bool) async throws {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while !condition(lines) {
            guard ContinuousClock.now < deadline else {
                Issue.record("not shown within \(seconds) s: \(lines)")
                throw ClientTimeout()
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
