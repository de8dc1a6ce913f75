import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import Testing

@testable import Dialogue
@testable import Gateways
@testable import Server
@testable import Wire

/// The Telegram adapter between a fake Bot API and a real daemon (with the desk), on loopback,
/// logged in as a gateway.
@Suite(.serialized) struct TelegramAdapterTests {
    /// Runs daemon, fake Telegram and adapter for `body`.
    func withAdapter(limits: SessionLimits = SessionLimits(),
                     _ body: @Sendable @escaping (_ fake: FakeTelegram, _ port: Int, _ attt: String, _ state: String,
                                                  _ adapter: TelegramAdapter) async throws -> Void)
        async throws
    {
        let (daemon, attt, _, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        let (_, token) = try await daemon.addGateway(channel: "telegram")
        let fake = try await FakeTelegram.start()
        let state = daemon.directory + "/telegram.offset"
        try await daemon.run(limits: limits) { port in
            let adapter = Self.adapter(fake: fake, port: port, token: token, state: state)
            let running = Task { try await adapter.run() }
            defer { running.cancel() }
            try await body(fake, port, attt, state, adapter)
        }
        await fake.stop()
    }

    static func adapter(fake: FakeTelegram, port: Int, token: String, state: String) -> TelegramAdapter {
        TelegramAdapter(api: TelegramAPI(apiBase: fake.base, token: "123:test", logger: Logger(label: "test")),
                        link: DeskDaemon.link(port: port, token: token), stateFile: state, pollTimeout: 1,
                        logger: Logger(label: "test"))
    }

    /// The offset is saved over plain files only: a state file that is a device, a pipe or a
    /// directory is never replaced by the atomic write; a symbolic link is followed.
    @Test func offsetNeverReplacesAnythingButAFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("motcua-offset-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let pipe = directory + "/pipe"
        #expect(mkfifo(pipe, 0o600) == 0)
        #expect(TelegramAdapter.replaceablePath(pipe) == nil)
        #expect(TelegramAdapter.replaceablePath("/dev/null") == nil)
        #expect(TelegramAdapter.replaceablePath(directory) == nil)
        let file = directory + "/offset"
        #expect(TelegramAdapter.replaceablePath(file) == file)
        try "7".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(TelegramAdapter.replaceablePath(file) == file)
        let link = directory + "/link"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: file)
        #expect(TelegramAdapter.replaceablePath(link) == URL(fileURLWithPath: file).resolvingSymlinksInPath().path)
    }

    /// A question on Telegram is answered on Telegram; a sticker gets a polite reply.
    @Test func questionAnswered() async throws {
        try await withAdapter { fake, _, _, state, _ in
            fake.receive(chat: 42, text: "Hệ thống thông tin có mấy cấp độ an toàn?")
            fake.receive(chat: 42, text: nil)
            try await fake.wait { sent in sent.count >= 2 }
            #expect(fake.sent(to: 42).first?.contains("Có 5 cấp độ") == true, "\(fake.sent(to: 42))")
            #expect(fake.sent(to: 42).last == TelegramAdapter.textOnly)
            // The offset is saved past the last update handled (give a busy machine a few seconds).
            for _ in 0..<50 where (try? String(contentsOfFile: state, encoding: .utf8)) != "103" {
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(try String(contentsOfFile: state, encoding: .utf8) == "103")
        }
    }

    /// The user asks, gets the receipt and stays silent longer than the daemon's idle timeout:
    /// the gateway's link is not closed, and the unit's reply reaches Telegram within seconds,
    /// through a Telegram outage (three 502s), exactly once, acknowledged only after Telegram
    /// took it.
    @Test func silentUserGetsTheLateReply() async throws {
        var limits = SessionLimits()
        limits.idleTimeout = 1
        try await withAdapter(limits: limits) { fake, port, attt, _, adapter in
            fake.receive(chat: 77, text: DeskTests.unanswerable)
            try await fake.wait { sent in sent.contains { $0.text.contains("phiếu số") } }
            let number = try await JSONClient.newestTicket(port: port, token: attt)
            #expect(fake.sent(to: 77).first?.contains("phiếu số \(number)") == true)
            try await Task.sleep(for: .milliseconds(2_500))  // silent past the idle timeout
            #expect(await adapter.relay.link.connected == 2, "the pool's links are still up")

            fake.state.withLock {
                $0.failures = 3
                $0.failureStatus = .badGateway
            }
            let handler = try await JSONClient(port: port)
            _ = try await handler.ask(["type": "login", "token": .string(attt)])
            let reply = "Theo định mức ngày công chuyên gia."
            let written = ContinuousClock.now
            #expect(try await handler.ask(["type": "reply", "ticket": .int(number), "text": .string(reply)])["type"] == "ok")
            try await fake.wait(5) { sent in sent.contains { $0.text.contains(reply) } }
            #expect(ContinuousClock.now - written < .seconds(5))
            try await Task.sleep(for: .milliseconds(500))
            #expect(fake.sent(to: 77).filter { $0.contains(reply) }.count == 1)
            // Acknowledged: the ticket shows it delivered (a new handler connection: the first
            // one was idle past the timeout meanwhile, and closed, as it should be).
            await handler.close()
            let reader = try await JSONClient(port: port)
            _ = try await reader.ask(["type": "login", "token": .string(attt)])
            let shown = try await reader.ask(["type": "show", "ticket": .int(number)])
            #expect(shown["deliveries"]?.array?.first?["state"] == "delivered")
            await reader.close()
        }
    }

    /// The adapter is down when the unit replies: the reply reaches the user once it is back,
    /// without the user writing again.
    @Test func replyWrittenWhileTheAdapterWasDown() async throws {
        let (daemon, attt, _, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        let (_, token) = try await daemon.addGateway(channel: "telegram")
        let fake = try await FakeTelegram.start()
        let state = daemon.directory + "/telegram.offset"
        try await daemon.run { port in
            let first = Task { try await Self.adapter(fake: fake, port: port, token: token, state: state).run() }
            fake.receive(chat: 88, text: DeskTests.unanswerable)
            try await fake.wait { sent in sent.contains { $0.text.contains("phiếu số") } }
            first.cancel()
            _ = try? await first.value
            let number = try await JSONClient.newestTicket(port: port, token: attt)
            let handler = try await JSONClient(port: port)
            _ = try await handler.ask(["type": "login", "token": .string(attt)])
            let reply = "Đã có hướng dẫn mới, anh/chị xem tại cổng dịch vụ công."
            _ = try await handler.ask(["type": "reply", "ticket": .int(number), "text": .string(reply)])
            try await Task.sleep(for: .milliseconds(500))
            #expect(!fake.sent(to: 88).contains { $0.contains(reply) })
            let shown = try await handler.ask(["type": "show", "ticket": .int(number)])
            #expect(shown["deliveries"]?.array?.first?["state"] == "pending")

            let second = Task { try await Self.adapter(fake: fake, port: port, token: token, state: state).run() }
            defer { second.cancel() }
            try await fake.wait { sent in sent.contains { $0.text.contains(reply) } }
            #expect(fake.sent(to: 88).filter { $0.contains(reply) }.count == 1)
            await handler.close()
        }
        await fake.stop()
    }

    /// More replies waited than one page of the backlog (250, for five users): the adapter,
    /// linking, pages through them all, and each reaches Telegram once.
    @Test func longBacklogAfterAnOutage() async throws {
        let (daemon, attt, _, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        let (_, token) = try await daemon.addGateway(channel: "telegram")
        let fake = try await FakeTelegram.start()
        var limits = SessionLimits()
        limits.burst = 100_000
        try await daemon.run(limits: limits) { port in
            let (gateway, _) = try await JSONClient.gateway(port: port, token: token)
            var numbers: [Int] = []
            for chat in 1...5 {
                let escalated = try await gateway.ask(["type": "escalate", "user": .string("\(500 + chat)"), "text": .string(DeskTests.unanswerable)])
                numbers.append(try #require(escalated["ticket"]?.int))
            }
            await gateway.close()
            let handler = try await JSONClient(port: port)
            _ = try await handler.ask(["type": "login", "token": .string(attt)])
            for index in 0..<250 {
                _ = try await handler.ask(["type": "update", "ticket": .int(numbers[index % 5]), "text": .string("Tiến độ số \(index)")])
            }
            await handler.close()
            let adapter = Self.adapter(fake: fake, port: port, token: token, state: daemon.directory + "/telegram.offset")
            let running = Task { try await adapter.run() }
            defer { running.cancel() }
            try await fake.wait(30) { sent in sent.filter { $0.text.contains("Tiến độ số") }.count >= 250 }
            try await Task.sleep(for: .milliseconds(300))
            let texts = fake.state.withLock { $0.sent.map(\.text) }.filter { $0.contains("Tiến độ số") }
            #expect(texts.count == 250 && Set(texts).count == 250, "each once")
        }
        await fake.stop()
    }

    /// A burst of 50 messages from one user does not hold up another user's answer by more than
    /// a second (against the same answer without the burst).
    @Test func burstFromOneUserDoesNotDelayAnother() async throws {
        try await withAdapter { fake, _, _, _, _ in
            let question = "Nền tảng LGSP của tỉnh dùng để làm gì?"
            let quiet = ContinuousClock.now
            fake.receive(chat: 2, text: question)
            try await fake.wait { sent in sent.contains { $0.chat == 2 } }
            let alone = try #require(fake.firstSent(to: 2)) - quiet

            for index in 0..<50 { fake.receive(chat: 1, text: "Câu hỏi thứ \(index) về chữ ký số") }
            let asked = ContinuousClock.now
            fake.receive(chat: 3, text: question)
            try await fake.wait { sent in sent.contains { $0.chat == 3 } }
            let behindBurst = try #require(fake.firstSent(to: 3)) - asked
            #expect(behindBurst - alone < .seconds(1), "alone \(alone), behind a burst \(behindBurst)")
            // The burst itself is answered, each message once (over the rate limit: asked to wait).
            try await fake.wait(30) { sent in sent.filter { $0.chat == 1 }.count >= 50 }
        }
    }

    /// `/human` right after the receipt answers with the same ticket; the unit has one ticket.
    @Test func humanAfterTheReceiptGivesTheSameTicket() async throws {
        try await withAdapter { fake, port, attt, _, _ in
            fake.receive(chat: 61, text: DeskTests.unanswerable)
            try await fake.wait { sent in sent.contains { $0.chat == 61 && $0.text.contains("phiếu số") } }
            let number = try await JSONClient.newestTicket(port: port, token: attt)
            fake.receive(chat: 61, text: "/human")
            try await fake.wait { sent in sent.filter { $0.chat == 61 && $0.text.contains("phiếu số") }.count >= 2 }
            #expect(fake.sent(to: 61).last?.contains("phiếu số \(number)") == true)
            #expect(try await JSONClient.newestTicket(port: port, token: attt) == number)
            // A command the gateway does not know gets the help, never a ticket.
            fake.receive(chat: 61, text: "/login mc1.00000000." + String(repeating: "0", count: 64))
            try await fake.wait { sent in sent.contains { $0.chat == 61 && $0.text.contains("/tickets — xem các phiếu") } }
            #expect(!fake.sent(to: 61).last!.contains("/resume"), "no conversation ids on a messaging app")
            #expect(try await JSONClient.newestTicket(port: port, token: attt) == number)
        }
    }

    /// A handler asks the asker for details: the question reaches Telegram, the asker's next
    /// message goes to the ticket (the unit is told), `/tickets` shows the statuses; a reply the
    /// network refuses for good shows to the unit as undelivered, with why and the attempts.
    @Test func twoWayTicketAndUndeliveredReply() async throws {
        try await withAdapter { fake, port, attt, _, _ in
            fake.receive(chat: 70, text: DeskTests.unanswerable)
            try await fake.wait { sent in sent.contains { $0.chat == 70 && $0.text.contains("phiếu số") } }
            let number = try await JSONClient.newestTicket(port: port, token: attt)
            let handler = try await JSONClient(port: port)
            _ = try await handler.ask(["type": "login", "token": .string(attt)])
            let asked = try await handler.ask(["type": "ask", "ticket": .int(number), "text": "Anh/chị dùng phần mềm nào?"])
            #expect(asked["ticket"]?["status"] == "waiting-for-asker")
            try await fake.wait { sent in sent.contains { $0.chat == 70 && $0.text.contains("Anh/chị dùng phần mềm nào?") } }

            fake.receive(chat: 70, text: "Phần mềm quản lý văn bản của tỉnh")
            try await fake.wait { sent in sent.contains { $0.chat == 70 && $0.text.contains("bổ sung vào phiếu số \(number)") } }
            let told = try await handler.next()
            #expect(told["type"] == "ticket" && told["reason"] == "asker-replied" && told["ticket"] == .int(number))
            let shown = try await handler.ask(["type": "show", "ticket": .int(number)])
            #expect(shown["ticket"]?["status"] == "assigned")
            #expect(shown["ticket"]?["events"]?.array?.contains {
                $0["action"] == "asker-replied" && $0["detail"] == "Phần mềm quản lý văn bản của tỉnh"
            } == true)

            fake.receive(chat: 70, text: "/tickets")
            try await fake.wait { sent in sent.contains { $0.chat == 70 && $0.text.contains("Các phiếu của anh/chị") } }
            #expect(fake.sent(to: 70).last?.contains("Phiếu số \(number) [đang xử lý]") == true)

            // The user blocks the bot: Telegram refuses the answer for good.
            fake.state.withLock { _ = $0.blocked.insert(70) }
            _ = try await handler.ask(["type": "reply", "ticket": .int(number), "text": "Phần mềm đó đã được nâng cấp."])
            var state: JSONValue?
            for _ in 0..<100 {
                let shown = try await handler.ask(["type": "show", "ticket": .int(number)])
                state = shown["deliveries"]?.array?.last
                if state?["state"] == "undelivered" { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(state?["state"] == "undelivered")
            #expect(state?["reason"]?.string?.contains("blocked") == true && (state?["attempts"]?.int ?? 0) >= 1)
            await handler.close()
        }
    }

    /// SIGTERM (a graceful shutdown of the adapter's service group): polling stops, the messages
    /// already taken are answered, the offset is saved past them, and the link is closed.
    @Test func gracefulShutdownFinishesWhatWasTaken() async throws {
        let (daemon, _, _, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        let (_, token) = try await daemon.addGateway(channel: "telegram")
        let fake = try await FakeTelegram.start()
        let state = daemon.directory + "/telegram.offset"
        try await daemon.run { port in
            let adapter = Self.adapter(fake: fake, port: port, token: token, state: state)
            let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [.init(service: adapter)],
                                                                             logger: Logger(label: "test")))
            let running = Task { try await group.run() }
            fake.state.withLock { $0.sendDelay = .milliseconds(300) }
            for chat in [21, 22, 23] { fake.receive(chat: chat, text: "Hệ thống thông tin có mấy cấp độ an toàn?") }
            // Taken: the next poll asks past them.
            for _ in 0..<200 where !fake.state.withLock({ $0.offsets.contains(104) }) { try await Task.sleep(for: .milliseconds(10)) }
            #expect(fake.sent(to: 21).isEmpty, "not answered yet when the signal comes")
            await group.triggerGracefulShutdown()
            try await running.value
            #expect([21, 22, 23].allSatisfy { fake.sent(to: $0).count == 1 }, "what was taken was finished")
            #expect(try String(contentsOfFile: state, encoding: .utf8) == "104")
            #expect(await adapter.relay.link.connected == 0)
        }
        await fake.stop()
    }

    /// A reply longer than Telegram's 4,096 characters goes out in parts, split between lines.
    @Test func longReplySplit() async throws {
        try await withAdapter { fake, port, attt, _, _ in
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
            #expect(parts.joined(separator: "\n").hasPrefix("Trả lời của đơn vị ATTT cho phiếu số \(number):\n" + long))
            await handler.close()
        }
    }

    /// The daemon is down when a message comes: the adapter keeps trying, and the message is
    /// answered once the daemon is back (the offset does not move past it meanwhile).
    @Test func daemonRestartLosesNothing() async throws {
        let (daemon, _, _, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        let (_, token) = try await daemon.addGateway(channel: "telegram")
        let fake = try await FakeTelegram.start()
        let port = TicketNumber()
        try await daemon.run { await port.set($0) }
        let daemonPort = await port.value
        let adapter = Self.adapter(fake: fake, port: daemonPort, token: token, state: daemon.directory + "/telegram.offset")
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
        try await withAdapter { fake, port, _, _, running in
            let adapter = running
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
