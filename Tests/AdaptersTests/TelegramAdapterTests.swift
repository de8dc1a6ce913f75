import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import Testing

@testable import Dialogue
@testable import Gateways
@testable import Wire

/// The Telegram adapter between a fake Bot API and a real daemon (with the desk), on loopback.
@Suite(.serialized) struct TelegramAdapterTests {
    /// Runs daemon, fake Telegram and adapter for `body`.
    func withAdapter(_ body: @Sendable @escaping (_ fake: FakeTelegram, _ port: Int, _ attt: String, _ state: String) async throws -> Void)
        async throws
    {
        let (daemon, attt, _, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        let fake = try await FakeTelegram.start()
        let state = daemon.directory + "/telegram.offset"
        try await daemon.run { port in
            let adapter = TelegramAdapter(
                api: TelegramAPI(apiBase: fake.base, token: "123:test", logger: Logger(label: "test")),
                daemonHost: "127.0.0.1", daemonPort: port, stateFile: state, pollTimeout: 1, logger: Logger(label: "test"))
            let running = Task { try await adapter.run() }
            defer { running.cancel() }
            try await body(fake, port, attt, state)
        }
        await fake.stop()
    }

    /// A question on Telegram is answered on Telegram; a sticker gets a polite reply.
    @Test func questionAnswered() async throws {
        try await withAdapter { fake, _, _, state in
            fake.receive(chat: 42, text: "Hệ thống thông tin có mấy cấp độ an toàn?")
            fake.receive(chat: 42, text: nil)
            try await fake.wait { sent in sent.count >= 2 }
            #expect(fake.sent(to: 42).first?.contains("Có 5 cấp độ") == true)
            #expect(fake.sent(to: 42).last == TelegramAdapter.textOnly)
            // The offset is saved past the last update handled (give a busy machine a few seconds).
            for _ in 0..<50 where (try? String(contentsOfFile: state, encoding: .utf8)) != "103" {
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(try String(contentsOfFile: state, encoding: .utf8) == "103")
        }
    }

    /// An escalated question's unit reply arrives later, through a Telegram outage (three 502s),
    /// exactly once, and is acknowledged to the daemon only after Telegram took it.
    @Test func laterReplyThroughAnOutage() async throws {
        try await withAdapter { fake, port, attt, _ in
            fake.receive(chat: 77, text: DeskTests.unanswerable)
            try await fake.wait { sent in sent.contains { $0.text.contains("phiếu số") } }
            let number = try await JSONClient.newestTicket(port: port, token: attt)
            #expect(fake.sent(to: 77).first?.contains("phiếu số \(number)") == true)

            fake.state.withLock {
                $0.failures = 3
                $0.failureStatus = .badGateway
            }
            let handler = try await JSONClient(port: port)
            _ = try await handler.ask(["type": "login", "token": .string(attt)])
            let reply = "Theo định mức ngày công chuyên gia."
            #expect(try await handler.ask(["type": "reply", "ticket": .int(number), "text": .string(reply)])["type"] == "ok")
            try await fake.wait { sent in sent.contains { $0.text.hasSuffix(reply) } }
            try await Task.sleep(for: .milliseconds(500))
            #expect(fake.sent(to: 77).filter { $0.hasSuffix(reply) }.count == 1)

            // Acknowledged: a client resuming the same Telegram user gets nothing again.
            let resumed = try await JSONClient(port: port)
            #expect(try await resumed.ask(["type": "hello", "channel": "telegram", "user": "77"])["resumed"] == true)
            #expect(try await resumed.isQuiet(for: 0.3))
            await handler.close()
            await resumed.close()
        }
    }

    /// A reply longer than Telegram's 4,096 characters goes out in parts, split between lines.
    @Test func longReplySplit() async throws {
        try await withAdapter { fake, port, attt, _ in
            fake.receive(chat: 5, text: DeskTests.unanswerable)
            try await fake.wait { sent in sent.contains { $0.text.contains("phiếu số") } }
            let number = try await JSONClient.newestTicket(port: port, token: attt)
            #expect(fake.sent(to: 5).first?.contains("phiếu số \(number)") == true)
            // About 9,000 characters (within the protocol's 16 KiB line): three Telegram messages.
            let line = Array(repeating: "Hướng dẫn chi tiết về định mức.", count: 25).joined(separator: " ")
            let long = Array(repeating: line, count: 11).joined(separator: "\n")
            let handler = try await JSONClient(port: port)
            _ = try await handler.ask(["type": "login", "token": .string(attt)])
            _ = try await handler.ask(["type": "reply", "ticket": .int(number), "text": .string(long)])
            try await fake.wait { sent in sent.filter { $0.chat == 5 }.count >= 4 }
            let parts = Array(fake.sent(to: 5).dropFirst())
            #expect(parts.count >= 3 && parts.allSatisfy { $0.count <= 4_096 })
            #expect(parts.joined(separator: "\n") == "Trả lời của đơn vị ATTT cho phiếu số \(number):\n" + long)
            await handler.close()
        }
    }

    /// The daemon is down when a message comes: the adapter keeps trying, and the message is
    /// answered once the daemon is back (the offset does not move past it meanwhile).
    @Test func daemonRestartLosesNothing() async throws {
        let (daemon, _, _, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        let fake = try await FakeTelegram.start()
        let port = TicketNumber()
        try await daemon.run { await port.set($0) }
        let daemonPort = await port.value
        let adapter = TelegramAdapter(
            api: TelegramAPI(apiBase: fake.base, token: "123:test", logger: Logger(label: "test")), daemonHost: "127.0.0.1",
            daemonPort: daemonPort, stateFile: daemon.directory + "/telegram.offset", pollTimeout: 1, logger: Logger(label: "test"))
        let running = Task { try await adapter.run() }
        defer { running.cancel() }
        fake.receive(chat: 9, text: "Hệ thống thông tin có mấy cấp độ an toàn?")
        try await Task.sleep(for: .milliseconds(800))
        #expect(fake.sent(to: 9).isEmpty)
        try await daemon.run(port: daemonPort) { _ in
            try await fake.wait { sent in sent.contains { $0.chat == 9 } }
        }
        #expect(fake.sent(to: 9).count == 1 && fake.sent(to: 9).first?.contains("Có 5 cấp độ") == true)
        await fake.stop()
    }

    /// Webhook mode: an update posted with the secret is answered, once even if posted twice;
    /// without the secret: 401 and nothing happens.
    @Test func webhookMode() async throws {
        try await withAdapter { fake, port, _, _ in
            let adapter = TelegramAdapter(
                api: TelegramAPI(apiBase: fake.base, token: "123:test", logger: Logger(label: "test")),
                daemonHost: "127.0.0.1", daemonPort: port, stateFile: "/dev/null", logger: Logger(label: "test"))
            let receiver = try await HTTPReceiver(host: "127.0.0.1", port: 0) { await adapter.handleWebhook($0, secret: "s3cret") }
            func post(_ secret: String, id: Int) async throws -> Int {
                var request = HTTPClientRequest(url: "http://127.0.0.1:\(receiver.port)/telegram")
                request.method = .POST
                request.headers.add(name: "X-Telegram-Bot-Api-Secret-Token", value: secret)
                request.body = .bytes(ByteBuffer(string: JSONValue.object([
                    "update_id": .int(id),
                    "message": ["message_id": 1, "chat": ["id": 31, "type": "private"], "text": "Nền tảng LGSP của tỉnh dùng để làm gì?"],
                ]).encoded()))
                return Int(try await HTTPClient.shared.execute(request, timeout: .seconds(10)).status.code)
            }
            #expect(try await post("wrong", id: 900) == 401)
            #expect(try await post("s3cret", id: 901) == 200)
            #expect(try await post("s3cret", id: 901) == 200)
            try await fake.wait { sent in sent.contains { $0.chat == 31 } }
            try await Task.sleep(for: .milliseconds(300))
            #expect(fake.sent(to: 31).count == 1 && fake.sent(to: 31).first?.contains("chia sẻ dữ liệu") == true)
            await receiver.stop()
        }
    }

    @Test func splitterKeepsTheText() {
        let text = (1...500).map { "Dòng số \($0) của một câu trả lời dài." }.joined(separator: "\n")
        let parts = MessageSplitter.split(text, limit: 1_000)
        #expect(parts.allSatisfy { $0.count <= 1_000 } && parts.joined(separator: "\n") == text)
        let word = String(repeating: "x", count: 2_500)
        #expect(MessageSplitter.split(word, limit: 1_000).map(\.count) == [1_000, 1_000, 500])
    }
}
