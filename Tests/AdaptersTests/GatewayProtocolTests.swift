import Dialogue
import Foundation
import Testing

@testable import Server
@testable import Wire

/// The gateway role over real sockets: only a logged-in gateway speaks for a channel's user,
/// every line it gets carries the user, limits are per user, a reply goes to one link of the
/// channel, the link is pinged instead of closed when quiet, and a revoked token ends it.
@Suite(.serialized) struct GatewayProtocolTests {
    /// Raises a ticket for `user` through a gateway and has the ATTT handler reply to it while
    /// no gateway is linked; returns the ticket number.
    static func ticketWithPendingReply(port: Int, gatewayToken: String, handlerToken: String, user: String,
                                       reply: String) async throws -> Int
    {
        let (gateway, _) = try await JSONClient.gateway(port: port, token: gatewayToken)
        let escalated = try await gateway.ask(["type": "escalate", "user": .string(user), "text": .string(DeskTests.unanswerable)])
        let number = try #require(escalated["ticket"]?.int)
        await gateway.close()
        let handler = try await JSONClient(port: port)
        _ = try await handler.ask(["type": "login", "token": .string(handlerToken)])
        #expect(try await handler.ask(["type": "reply", "ticket": .int(number), "text": .string(reply)])["type"] == "ok")
        await handler.close()
        return number
    }

    /// A plain client naming another person's channel and user gets none of their conversation
    /// or replies; the gateway, logging in, gets the reply.
    @Test func plainClientCannotSpeakForAUser() async throws {
        let (daemon, attt, _, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        let (_, token) = try await daemon.addGateway(channel: "zalo")
        try await daemon.run { port in
            let reply = "Hồ sơ của anh/chị đã được tiếp nhận."
            _ = try await Self.ticketWithPendingReply(port: port, gatewayToken: token, handlerToken: attt, user: "84912345678",
                                                      reply: reply)
            let intruder = try await JSONClient(port: port)
            let hello = try await intruder.ask(["type": "hello", "channel": "zalo", "user": "84912345678"])
            #expect(hello["code"] == "not-allowed")
            #expect(try await intruder.ask(["type": "say", "user": "84912345678", "text": "xin chào"])["code"] == "not-allowed")
            #expect(try await intruder.ask(["type": "tickets", "user": "84912345678"])["code"] == "not-allowed")
            #expect(try await intruder.ask(["type": "login", "token": .string("mcg1.00000000." + String(repeating: "0", count: 64))])["code"]
                == "bad-token")
            #expect(try await intruder.isQuiet(for: 0.3), "no reply of that user reached the intruder")
            await intruder.close()

            let (gateway, welcome) = try await JSONClient.gateway(port: port, token: token)
            #expect(welcome["pending"] == 1)
            let pushed = try await gateway.next()
            #expect(pushed["type"] == "reply" && pushed["user"] == "84912345678" && pushed["text"]?.string == reply)
            await gateway.close()
        }
    }

    /// Every answer to a gateway carries its user; each user has a rate limit of their own; a
    /// request without a user, or with a bad one, is refused with a clear error.
    @Test func linesCarryTheUserAndLimitsAreEachUsers() async throws {
        let (daemon, _, _, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        let (_, token) = try await daemon.addGateway(channel: "telegram")
        var limits = SessionLimits()
        limits.burst = 3
        limits.messagesPerSecond = 0.01
        try await daemon.run(limits: limits) { port in
            let (gateway, welcome) = try await JSONClient.gateway(port: port, token: token)
            #expect(welcome["role"] == "gateway" && welcome["channel"] == "telegram")
            for _ in 0..<3 {
                let answer = try await gateway.ask(["type": "say", "user": "A", "text": "Hệ thống thông tin có mấy cấp độ an toàn?"])
                #expect(answer["type"] == "answer" && answer["user"] == "A")
            }
            let limited = try await gateway.ask(["type": "say", "user": "A", "text": "Thêm một câu nữa"])
            #expect(limited["code"] == "rate-limited" && limited["user"] == "A")
            let other = try await gateway.ask(["type": "say", "user": "B", "text": "Nền tảng LGSP của tỉnh dùng để làm gì?"])
            #expect(other["type"] == "answer" && other["user"] == "B", "another user is not limited by A")
            #expect(try await gateway.ask(["type": "say", "text": "không có người dùng"])["code"] == "missing-field")
            #expect(try await gateway.ask(["type": "say", "user": "", "text": "x"])["code"] == "bad-request")
            #expect(try await gateway.ask(["type": "say", "user": .string(String(repeating: "9", count: 200)), "text": "x"])["code"]
                == "bad-request")
            for odd in ["a\u{85}b", "\u{202E}849", "84\u{2028}9", "84\u{200B}9"] {
                #expect(try await gateway.ask(["type": "say", "user": .string(odd), "text": "x"])["code"] == "bad-request", "\(odd)")
            }
            // What a gateway may not do is said before a missing user.
            #expect(try await gateway.ask(["type": "queue"])["code"] == "not-allowed")
            // One user id typed composed and decomposed is two users, here as in the store.
            _ = try await gateway.ask(["type": "escalate", "user": "Nguy\u{1EC5}n", "text": .string(DeskTests.unanswerable)])
            #expect(try await gateway.ask(["type": "tickets", "user": "Nguy\u{EA}\u{303}n"])["tickets"]?.array?.isEmpty == true)
            #expect(try await gateway.ask(["type": "tickets", "user": "Nguy\u{1EC5}n"])["tickets"]?.array?.count == 1)
            #expect(try await gateway.ask(["type": "queue", "user": "C"])["code"] == "not-allowed")
            let hello = try await gateway.ask(["type": "hello", "user": "D", "conversation": "x"])
            #expect(hello["code"] == "not-allowed", "\(hello)")
            // Requests about the link itself carry no user (a second link: this one's own
            // budget for them went on the login and the request without a user).
            let (link, _) = try await JSONClient.gateway(port: port, token: token)
            let whoami = try await link.ask(["type": "whoami"])
            #expect(whoami["role"] == "gateway" && whoami["channel"] == "telegram")
            #expect(try await link.ask(["type": "ping"])["type"] == "pong")
            await link.close()
            // The same user in one conversation: the ticket listed for A only.
            _ = try await gateway.ask(["type": "escalate", "user": "B", "text": .string(DeskTests.unanswerable)])
            #expect(try await gateway.ask(["type": "tickets", "user": "B"])["tickets"]?.array?.count == 1)
            await gateway.close()
        }
    }

    /// A gateway that knows its user's agency (from the user's profile) names it with the
    /// request: the figures by province count the user's questions and tickets there.
    @Test func gatewayUsersAgencyCountsForTheirProvince() async throws {
        let made = try await DeskDaemon.make()
        var daemon = made.0
        let attt = made.attt
        defer { daemon.remove() }
        daemon.desk.provinces = try Corpus.load(from: BinaryStdioTests.corpus).provinces
        let (_, token) = try await daemon.addGateway(channel: "zalo")
        try await daemon.run { port in
            let (gateway, _) = try await JSONClient.gateway(port: port, token: token)
            let escalated = try await gateway.ask(["type": "escalate", "user": "Z1", "agency": "Sở TT&TT tỉnh Bình Dương",
                                                   "text": .string(DeskTests.unanswerable)])
            #expect(escalated["type"] == "escalated")
            let handler = try await JSONClient(port: port)
            _ = try await handler.ask(["type": "login", "token": .string(attt)])
            let report = try await handler.ask(["type": "stats"])["report"]
            let provinces = report?["provinces"]?.array ?? []
            // Bình Dương is part of Thành phố Hồ Chí Minh since the 2025 reorganisation.
            #expect(provinces.first?["province"] == "ho-chi-minh" && provinces.first?["tickets"] == 1, "\(provinces)")
            await gateway.close()
            await handler.close()
        }
    }

    /// Two links of one channel (an adapter's pool): a reply goes to exactly one of them.
    @Test func oneLinkOfTheChannelCarriesEachReply() async throws {
        let (daemon, attt, _, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        let (_, token) = try await daemon.addGateway(channel: "telegram")
        try await daemon.run { port in
            let (first, _) = try await JSONClient.gateway(port: port, token: token)
            let (second, _) = try await JSONClient.gateway(port: port, token: token)
            let escalated = try await first.ask(["type": "escalate", "user": "5", "text": .string(DeskTests.unanswerable)])
            let number = try #require(escalated["ticket"]?.int)
            let handler = try await JSONClient(port: port)
            _ = try await handler.ask(["type": "login", "token": .string(attt)])
            _ = try await handler.ask(["type": "reply", "ticket": .int(number), "text": "Đã xử lý xong."])
            let heard = [try await first.client.next(within: 0.5), try await second.client.next(within: 0.5)].compactMap { $0 }
            #expect(heard.count == 1 && heard.first?["type"] == "reply" && heard.first?["user"] == "5")
            for client in [first, second, handler] { await client.close() }
        }
    }

    /// A quiet gateway link outlives the idle timeout: the daemon pings it; answered, the link
    /// stays; unanswered, it is closed (a dead peer).
    @Test func quietLinkIsPingedNotClosed() async throws {
        let (daemon, _, _, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        let (_, token) = try await daemon.addGateway(channel: "telegram")
        var limits = SessionLimits()
        limits.idleTimeout = 0.3
        // Wide enough for a loaded machine: a pong may take a while to be read.
        limits.gatewayPingInterval = 1
        try await daemon.run(limits: limits) { port in
            let (gateway, _) = try await JSONClient.gateway(port: port, token: token)
            for _ in 0..<2 {
                let ping = try await gateway.next(within: 5)
                #expect(ping["type"] == "ping")
                try await gateway.send(["type": "pong"])
            }
            #expect(!(await gateway.client.closed), "answered pings keep the link past the idle timeout")
            // Silent now: pinged once more, then closed after three intervals.
            #expect(try await gateway.next(within: 5)["type"] == "ping")
            let deadline = ContinuousClock.now + .seconds(8)
            while !(await gateway.client.closed), ContinuousClock.now < deadline { _ = try? await gateway.client.next(within: 0.1) }
            #expect(await gateway.client.closed)
            // An ordinary connection is closed for idleness as before.
            let asker = try await JSONClient(port: port)
            _ = try await asker.ask(["type": "say", "text": "xin chào"])
            let asked = ContinuousClock.now + .seconds(5)
            while !(await asker.client.closed), ContinuousClock.now < asked { _ = try? await asker.client.next(within: 0.1) }
            #expect(await asker.client.closed)
        }
    }

    /// A revoked gateway token ends the live link (told, then refused and closed) and is refused
    /// at the next login; replies written after go to no one.
    @Test func revokedTokenEndsTheLiveLink() async throws {
        let (daemon, attt, _, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        let (id, token) = try await daemon.addGateway(channel: "telegram")
        try await daemon.run { port, desk in
            let (gateway, _) = try await JSONClient.gateway(port: port, token: token)
            let escalated = try await gateway.ask(["type": "escalate", "user": "9", "text": .string(DeskTests.unanswerable)])
            let number = try #require(escalated["ticket"]?.int)
            try await daemon.revokeGateway(id)
            try await desk.endStaleSessions()  // the daemon's upkeep does this every second
            let told = try await gateway.next()
            #expect(told["type"] == "signed-out" && told["role"] == "gateway")
            // Closed without waiting for its next request.
            _ = try? await gateway.client.next(within: 0.5)
            #expect(await gateway.client.closed)
            let handler = try await JSONClient(port: port)
            _ = try await handler.ask(["type": "login", "token": .string(attt)])
            _ = try await handler.ask(["type": "reply", "ticket": .int(number), "text": "Trả lời sau khi thu hồi."])
            // A link that races the revocation: its next request is refused, and it is closed.
            let (racer, _) = try await JSONClient.gateway(port: port, token: token)
            _ = racer
            let (again, welcome) = try await JSONClient.gateway(port: port, token: token)
            #expect(welcome["code"] == "bad-token")
            await again.close()
            // In text mode a gateway token is refused before it is looked at.
            let text = try await ServerTests.exchange(port: port, send: ["/login mcg1.00000000." + String(repeating: "0", count: 64)],
                                                      replies: 1, countingDotsOnly: true)
            #expect(text.contains { $0.hasPrefix("Lỗi (bad-request)") })
            await handler.close()
        }
    }

    /// A long backlog comes a page at a time: the login brings the first 200 replies, `pending`
    /// the next pages; a user's message brings at most 20 of theirs.
    @Test func backlogInPages() async throws {
        let (daemon, attt, _, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        let (_, token) = try await daemon.addGateway(channel: "zalo")
        var limits = SessionLimits()
        limits.burst = 100_000
        try await daemon.run(limits: limits) { port in
            let (gateway, _) = try await JSONClient.gateway(port: port, token: token)
            var numbers: [Int] = []
            for user in 0..<3 {
                let escalated = try await gateway.ask(["type": "escalate", "user": .string("u\(user)"), "text": .string(DeskTests.unanswerable)])
                numbers.append(try #require(escalated["ticket"]?.int))
            }
            await gateway.close()
            let handler = try await JSONClient(port: port)
            _ = try await handler.ask(["type": "login", "token": .string(attt)])
            for index in 0..<450 {
                _ = try await handler.ask(["type": "update", "ticket": .int(numbers[index % 3]), "text": .string("Tin số \(index)")])
            }
            await handler.close()
            let (linked, welcome) = try await JSONClient.gateway(port: port, token: token)
            #expect(welcome["pending"] == 200 && welcome["more"] == true)
            var seen = 0
            var last = try #require(welcome["last"]?.int)
            while let line = try await linked.client.next(within: 0.3) { if line["type"] == "reply" { seen += 1 } }
            #expect(seen == 200)
            let second = try await linked.ask(["type": "pending", "after": .int(last)])
            #expect(second["count"] == 200 && second["more"] == true, "\(second)")
            last = try #require(second["last"]?.int)
            let third = try await linked.ask(["type": "pending", "after": .int(last)])
            #expect(third["count"] == 50 && third["more"] == false)
            while let line = try await linked.client.next(within: 0.3) { if line["type"] == "reply" { seen += 1 } }
            #expect(seen == 450, "every page's replies came before its answer")
            let said = try await linked.ask(["type": "say", "user": "u0", "text": "xin chào"])
            #expect(said["user"] == "u0")
            var riding = 0
            while let line = try await linked.client.next(within: 0.3) { if line["type"] == "reply" { riding += 1 } }
            #expect(riding <= 20 && riding > 0, "\(riding)")
            await linked.close()
        }
    }

    /// Text mode: the asker lists their tickets with `/tickets`; a handler's `/ask` puts the
    /// ticket in waiting-for-asker and the asker's next message goes to it.
    @Test func ticketsAndAskInTextMode() async throws {
        let (daemon, attt, _, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        try await daemon.run { port in
            let asker = try await JSONClient(port: port)
            let escalated = try await asker.ask(["type": "escalate", "text": .string(DeskTests.unanswerable)])
            let number = try #require(escalated["ticket"]?.int)
            let lines = try await ServerTests.exchange(port: port, send: ["/login \(attt)", "/ask \(number) Anh/chị ở đơn vị nào?"],
                                                       replies: 2, countingDotsOnly: true)
            #expect(lines.contains { $0.contains("chờ người hỏi bổ sung") })
            let question = try await asker.next()
            #expect(question["type"] == "ask" && question["ticket"]?.int == number)
            let routed = try await asker.ask(["type": "say", "text": "Sở Thông tin và Truyền thông"])
            #expect(routed["type"] == "chat" && routed["text"]?.string?.contains("phiếu số \(number)") == true)
            let listed = try await asker.ask(["type": "tickets"])
            #expect(listed["tickets"]?.array?.first?["status"] == "assigned")
            #expect(listed["tickets"]?.array?.first?["handler"] == nil, "the asker does not see who holds it")
            // Answered, then reopened: the asker's messages go to the bot again.
            _ = try await ServerTests.exchange(port: port, send: ["/login \(attt)", "/reply \(number) Đã rõ, xin cảm ơn.",
                                                                  "/reopen \(number)"], replies: 3, countingDotsOnly: true)
            _ = try await asker.next()  // the answer
            let after = try await asker.ask(["type": "say", "text": "Hệ thống thông tin có mấy cấp độ an toàn?"])
            let fresh = try await JSONClient(port: port)
            let control = try await fresh.ask(["type": "say", "text": "Hệ thống thông tin có mấy cấp độ an toàn?"])
            #expect(after["type"] == "answer", "\(after) vs \(control)")
            await asker.close()
            let text = try await ServerTests.exchange(port: port, send: ["/tickets"], replies: 1, countingDotsOnly: true)
            #expect(text.contains("Anh/chị chưa có phiếu nào."), "a new connection has no tickets")
        }
    }
}
