import Foundation
import Logging
import Synchronization
import Testing

@testable import Dialogue
@testable import Gateways
@testable import Server
@testable import Storage
@testable import Wire

/// Every log line the loggers made, as one string each: level, message, metadata, error.
final class LogCapture: Sendable {
    private let captured = Mutex<[String]>([])

    /// The lines so far.
    var lines: [String] { captured.withLock { $0 } }

    /// A logger that writes here, at every level.
    func logger(_ label: String = "test") -> Logger {
        Logger(label: label) { _ in Handler(capture: self) }
    }

    /// A swift-log handler that keeps what it is given.
    struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { _, new in new }
            let line = "\(event.level) \(event.message) \(all)" + (event.error.map { " \($0)" } ?? "")
            capture.captured.withLock { $0.append(line) }
        }
    }
}

/// What the daemon does with personal data while it runs: its logs carry ids and counts, never
/// what people wrote, their names or tokens; and a conversation erased under it (`motcua
/// privacy erase` from another process) ends cleanly for the clients that held it.
@Suite(.serialized) struct PrivacyDaemonTests {
    static let name = "Nguyễn Văn An"
    static let idNumber = "012345678901"
    static let phone = "0912345678"
    static let question = "Tôi là Nguyễn Văn An, CCCD 012345678901, số điện thoại 0912345678. " + DeskTests.unanswerable

    /// A conversation through the daemon and a Telegram adapter — a named asker's question
    /// with a CCCD and a phone number, the unit's answer, the rating, a Telegram user who blocked
    /// the bot, Telegram failing for a while — logs neither those nor any token.
    @Test func logsCarryNoPersonalDataNorTokens() async throws {
        let capture = LogCapture()
        let logger = capture.logger()
        let (daemon, attt, _, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        let (_, gatewayToken) = try await daemon.addGateway(channel: "telegram")
        let fake = try await FakeTelegram.start()
        let botToken = "123456:bot-secret"
        try await daemon.run(logger: logger) { port in
            let asker = try await JSONClient(port: port)
            _ = try await asker.ask(["type": "hello", "name": .string(Self.name), "agency": "Sở Tư pháp tỉnh Lào Cai"])
            let escalated = try await asker.ask(["type": "say", "text": .string(Self.question)])
            let number = try #require(escalated["ticket"]?.int)
            let handler = try await JSONClient(port: port)
            _ = try await handler.ask(["type": "login", "token": .string(attt)])
            let answer = "Anh \(Self.name) gọi \(Self.phone) nếu cần; CCCD \(Self.idNumber) đã ghi nhận."
            #expect(try await handler.ask(["type": "reply", "ticket": .int(number), "text": .string(answer)])["type"] == "ok")
            let reply = try await asker.next()
            _ = try await asker.ask(["type": "ack", "delivery": .int(try #require(reply["delivery"]?.int))])
            _ = try await asker.ask(["type": "rate", "ticket": .int(number), "score": 2,
                                     "comment": .string("Gọi lại \(Self.phone)")])
            _ = try await JSONClient(port: port).ask(["type": "hello", "conversation": "ffffffffffffffffffffffffffffffff"])
            _ = try await JSONClient(port: port).ask(["type": "login", "token": .string(attt + "x")])

            // On Telegram: Telegram fails twice, then a user asks and blocks the bot before the answer.
            fake.state.withLock {
                $0.failures = 2
                $0.failureStatus = .badGateway
            }
            let adapter = TelegramAdapter(
                api: TelegramAPI(apiBase: fake.base, token: botToken, logger: logger),
                link: DeskDaemon.link(port: port, token: gatewayToken), stateFile: daemon.directory + "/telegram.offset",
                pollTimeout: 1, logger: logger)
            let running = Task { try await adapter.run() }
            defer { running.cancel() }
            fake.receive(chat: 43, text: Self.question)
            try await fake.wait { sent in sent.contains { $0.chat == 43 && $0.text.contains("phiếu số") } }
            fake.state.withLock { _ = $0.blocked.insert(43) }
            let telegramTicket = try await JSONClient.newestTicket(port: port, token: attt)
            #expect(telegramTicket != number)
            _ = try await handler.ask(["type": "reply", "ticket": .int(telegramTicket), "text": .string(answer)])
            var told = false
            for _ in 0..<100 where !told {
                told = capture.lines.contains { $0.contains("not delivered") }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(told, "the undeliverable answer is logged")
            await handler.close()
            await asker.close()
        }
        await fake.stop()

        let lines = capture.lines
        #expect(lines.contains { $0.contains("listening") } && lines.contains { $0.contains("index built") })
        #expect(lines.contains { $0.contains("gateway busy, retrying") }, "Telegram's failures are logged")
        for secret in [Self.idNumber, Self.phone, Self.name, "định mức", attt, gatewayToken, botToken, "bot-secret"] {
            #expect(!lines.contains { $0.contains(secret) }, "logged: \(lines.filter { $0.contains(secret) })")
        }
    }

    /// A conversation erased while its client is connected: the web or TCP client is told the
    /// conversation is unknown (and may start another); a Telegram user writing again is carried
    /// into a new conversation and answered as usual.
    @Test func erasedUnderALiveConnection() async throws {
        let (daemon, _, _, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        let (_, gatewayToken) = try await daemon.addGateway(channel: "telegram")
        let fake = try await FakeTelegram.start()
        try await daemon.run { port in
            let asker = try await JSONClient(port: port)
            let welcome = try await asker.ask(["type": "hello", "name": .string(Self.name)])
            let id = try #require(welcome["conversation"]?.string)
            #expect(try await asker.ask(["type": "say", "text": "Hệ thống thông tin có mấy cấp độ an toàn?"])["type"] == "answer")

            let adapter = TelegramAdapterTests.adapter(fake: fake, port: port, token: gatewayToken,
                                                       state: daemon.directory + "/telegram.offset")
            let running = Task { try await adapter.run() }
            defer { running.cancel() }
            fake.receive(chat: 42, text: "Hệ thống thông tin có mấy cấp độ an toàn?")
            try await fake.wait { sent in sent.contains { $0.chat == 42 } }
            #expect(fake.sent(to: 42).first?.contains("Có 5 cấp độ") == true)

            // `motcua privacy erase`, from another process: a store of its own on the directory.
            let other = try SQLiteStore.open(directory: daemon.directory)
            let telegram = try #require(try await other.findConversation(.gatewayUser(channel: "telegram", user: "42")))
            #expect(try await other.erase(conversation: id, at: Date()) != nil)
            #expect(try await other.erase(conversation: telegram.id, at: Date()) != nil)

            let refused = try await asker.ask(["type": "say", "text": "Hệ thống thông tin có mấy cấp độ an toàn?"])
            #expect(refused["type"] == "error" && refused["code"] == "unknown-conversation")
            #expect(try await asker.ask(["type": "say", "text": .string(Self.question)])["code"] == "unknown-conversation")
            let fresh = try await asker.ask(["type": "hello"])
            #expect(fresh["type"] == "welcome" && fresh["conversation"]?.string != id)
            #expect(try await asker.ask(["type": "say", "text": "Hệ thống thông tin có mấy cấp độ an toàn?"])["type"] == "answer")

            fake.receive(chat: 42, text: "Hệ thống thông tin có mấy cấp độ an toàn?")
            try await fake.wait { sent in sent.filter { $0.chat == 42 }.count >= 2 }
            #expect(fake.sent(to: 42).last?.contains("Có 5 cấp độ") == true, "\(fake.sent(to: 42))")
            let again = try #require(try await other.findConversation(.gatewayUser(channel: "telegram", user: "42")))
            #expect(again.id != telegram.id)
            #expect(try await other.findConversation(.id(id)) == nil)
            await asker.close()
        }
        await fake.stop()
    }
}
