import Dialogue
import Foundation
import NIOCore
import NIOPosix
import Testing

@testable import Server
@testable import Wire

/// The desk tried as an attacker and a careless user would, over real sockets: dates out of
/// range, personal data, review, revoked tokens, floods, caps, slow senders.
@Suite(.serialized) struct TrustTests {
    static let unanswerable = DeskTests.unanswerable

    /// `stats` with any date — out of range, before year 1 in the previous period, not a date,
    /// not a string — is answered with `bad-request` carrying its `re`, and the daemon goes on.
    @Test func statsWithAnyDateLeavesTheDaemonServing() async throws {
        let (daemon, attt, _, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        try await daemon.run { port in
            let handler = try await JSONClient(port: port)
            #expect(try await handler.ask(["type": "login", "token": .string(attt)])["type"] == "welcome")
            let bad: [JSONValue] = [
                ["since": "0001-01-01"], ["until": "4100-01-01"], ["since": "2026-01-01", "until": "4100-01-01"],
                ["since": "1999-12-31"], ["since": "2026-02-30"], ["since": "hôm qua"], ["since": "0001-01-01T00:00:00Z"],
                ["since": 20260101], ["until": ["x"]], ["since": "2026-06-01", "until": "2026-05-01"],
                ["since": "-2026-01-01"], ["since": .string(String(repeating: "9", count: 5000))],
            ]
            for (index, fields) in bad.enumerated() {
                guard case .object(var request) = fields else { continue }
                request["type"] = "stats"
                request["id"] = .int(index)
                let reply = try await handler.ask(.object(request))
                #expect(reply["type"] == "error" && reply["code"] == "bad-request", "\(fields)")
                #expect(reply["re"] == .int(index))
            }
            let good = try await handler.ask(["type": "stats", "since": "2026-01-01", "until": "2100-12-31"])
            #expect(good["type"] == "stats")
            #expect(try await handler.ask(["type": "stats"])["type"] == "stats")
            let asker = try await JSONClient(port: port)
            #expect(try await asker.ask(["type": "say", "text": "Hệ thống thông tin có mấy cấp độ an toàn?"])["type"] == "answer")
            await handler.close()
            await asker.close()
        }
    }

    /// A question holding a name, a national id number, a phone and an address, answered
    /// reusable and approved, answers the next person with none of them — and the reviewer only
    /// ever sees them masked.
    @Test func personalDataNeverReachesTheNextPerson() async throws {
        let (daemon, attt, _, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        let question = "Tôi là Nguyễn Văn An, CCCD 001085012345, điện thoại 0912 345 678, nhà ở số 12 ngõ 34 phố Huế, "
            + "quận Hai Bà Trưng, Hà Nội. Hồ sơ đề xuất cấp độ an toàn thông tin của tôi nộp hai tuần vẫn chưa có kết quả?"
        let personal = ["Nguyễn", "Văn An", "001085012345", "0912", "345 678", "ngõ 34", "phố Huế", "Hai Bà Trưng", "an.nguyen"]
        try await daemon.run { port in
            let asker = try await JSONClient(port: port)
            _ = try await asker.ask(["type": "hello", "name": "Nguyễn Văn An", "channel": "zalo", "user": "84912345678"])
            let escalated = try await asker.ask(["type": "escalate", "text": .string(question)])
            let number = try #require(escalated["ticket"]?.int)
            let handler = try await JSONClient(port: port)
            _ = try await handler.ask(["type": "login", "token": .string(attt)])
            // The unit sees the case as the asker wrote it: it is theirs to handle.
            #expect(try await handler.ask(["type": "show", "ticket": .int(number)])["ticket"]?["question"]?.string == question)
            let answer = "Chào anh An, hồ sơ của anh Nguyễn Văn An đã được Ban Cơ yếu Chính phủ tiếp nhận; chứng thư chữ ký số "
                + "chuyên dùng được cấp trong 10 ngày làm việc, kết quả gửi về email an.nguyen@gmail.com hoặc gọi 0912345678."
            _ = try await handler.ask(["type": "reply", "ticket": .int(number), "text": .string(answer)])
            // The asker gets the answer whole, in their own conversation.
            var live = try await asker.next()
            while live["type"] != "reply" { live = try await asker.next() }
            #expect(live["text"]?.string == answer)
            // The reviewer sees the draft masked.
            let drafts = try #require(try await handler.ask(["type": "review"])["drafts"]?.array)
            let draft = try #require(drafts.first { $0["ticket"]?.int == number })
            let masked = (draft["question"]?.string ?? "") + " " + (draft["answer"]?.string ?? "")
            for piece in personal { #expect(!masked.contains(piece), "draft still holds \(piece): \(masked)") }
            #expect(masked.contains("[họ tên]") && masked.contains("[số CCCD/CMND]") && masked.contains("[số điện thoại]"))
            #expect(masked.contains("[địa chỉ]") && masked.contains("[email]"))
            #expect(masked.contains("Ban Cơ yếu Chính phủ") && masked.contains("10 ngày làm việc"))
            let kb = try #require(draft["kb"]?.string)
            #expect(try await handler.ask(["type": "review", "action": "approve", "kb": .string(kb)])["type"] == "ok")

            let stranger = try await JSONClient(port: port)
            let reply = try await stranger.ask(["type": "say", "text": "Hồ sơ đề xuất cấp độ an toàn thông tin nộp hai tuần vẫn chưa có kết quả"])
            #expect(reply["type"] == "answer" && reply["kb"]?.string == kb, "\(reply)")
            let seen = (reply["text"]?.string ?? "") + " " + (reply["question"]?.string ?? "")
            for piece in personal { #expect(!seen.contains(piece), "the next person saw \(piece): \(seen)") }
            for client in [asker, handler, stranger] { await client.close() }
        }
    }

    /// A reusable reply does not answer the next person until a reviewer approves it; then it
    /// does, at once. A plain handler cannot approve; another unit's reviewer does not see it; a
    /// rejected draft never answers anyone; text mode has `/review`.
    @Test func reviewGatesWhatTheBotLearns() async throws {
        let (daemon, attt, cds, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        let plain = try await daemon.addHandler(unit: "ATTT", name: "Cán bộ mới")
        let otherReviewer = try await daemon.addHandler(unit: "CDS", name: "Người duyệt CDS", reviewer: true)
        try await daemon.run { port in
            let asker = try await JSONClient(port: port)
            let number = try #require(try await asker.ask(["type": "escalate", "text": .string(Self.unanswerable)])["ticket"]?.int)
            let reviewer = try await JSONClient(port: port)
            _ = try await reviewer.ask(["type": "login", "token": .string(attt)])
            let answer = "Tính theo định mức chi phí đánh giá an toàn hệ thống thông tin của Bộ, theo số ngày công chuyên gia."
            _ = try await reviewer.ask(["type": "reply", "ticket": .int(number), "text": .string(answer)])
            let kb = EscalationService.entryID(number)

            let next = try await JSONClient(port: port)
            #expect(try await next.ask(["type": "say", "text": .string(Self.unanswerable)])["type"] == "escalated",
                    "a draft answers no one")
            let handler = try await JSONClient(port: port)
            _ = try await handler.ask(["type": "login", "token": .string(plain.token)])
            #expect(try await handler.ask(["type": "review"])["code"] == "not-allowed")
            #expect(try await handler.ask(["type": "review", "action": "approve", "kb": .string(kb)])["code"] == "not-allowed")
            let other = try await JSONClient(port: port)
            _ = try await other.ask(["type": "login", "token": .string(otherReviewer.token)])
            #expect(try await other.ask(["type": "review"])["drafts"] == .array([]))
            #expect(try await other.ask(["type": "review", "action": "approve", "kb": .string(kb)])["code"] == "unknown-entry")
            let cdsHandler = try await JSONClient(port: port)
            _ = try await cdsHandler.ask(["type": "login", "token": .string(cds)])
            #expect(try await cdsHandler.ask(["type": "review"])["code"] == "not-allowed")

            let listed = try await reviewer.ask(["type": "review"])
            let drafts = try #require(listed["drafts"]?.array)
            #expect(drafts.count == 1)
            #expect(drafts.first?["kb"]?.string == kb && drafts.first?["answer"]?.string == answer)
            #expect(drafts.first?["question"]?.string == Self.unanswerable && drafts.first?["unit"] == "ATTT")
            #expect(drafts.first?["ticket"]?.int == number)
            #expect(try await reviewer.ask(["type": "review", "action": "maybe", "kb": .string(kb)])["code"] == "bad-request")
            let edited = answer + " Mẫu tính có trong phụ lục của thông tư."
            #expect(try await reviewer.ask(["type": "review", "action": "approve", "kb": .string(kb), "answer": .string(edited)])
                == ["type": "ok", "kb": .string(kb)])
            let answered = try await next.ask(["type": "say", "text": .string(Self.unanswerable)])
            #expect(answered["type"] == "answer" && answered["kb"]?.string == kb && answered["text"]?.string == edited)
            #expect(try await reviewer.ask(["type": "review", "action": "approve", "kb": .string(kb)])["code"] == "unknown-entry",
                    "decided once")

            // A rejected draft never answers anyone.
            let question = "Cơ quan nào cấp phép cho tổ chức đánh giá an toàn hệ thống thông tin độc lập ở cấp tỉnh?"
            let second = try #require(try await asker.ask(["type": "escalate", "text": .string(question)])["ticket"]?.int)
            _ = try await reviewer.ask(["type": "reply", "ticket": .int(second), "text": "Theo quy định hiện hành."])
            let rejection: JSONValue = ["type": "review", "action": "reject", "kb": .string(EscalationService.entryID(second))]
            #expect(try await reviewer.ask(rejection)["type"] == "ok")
            #expect(try await reviewer.ask(["type": "review"])["drafts"] == .array([]))
            #expect(try await next.ask(["type": "say", "text": .string(question)])["type"] == "escalated")
            let trail = try #require(try await reviewer.ask(["type": "show", "ticket": .int(second)])["ticket"]?["events"]?.array)
            #expect(trail.contains { $0["action"] == "rejected" })

            // Text mode.
            let third = try #require(try await asker.ask(
                ["type": "escalate", "text": "Ai thẩm định hồ sơ đề xuất cấp độ cho hệ thống thông tin cấp độ 4?"])["ticket"]?.int)
            let lines = try await ServerTests.exchange(
                port: port, send: ["/login \(attt)", "/reply \(third) Bộ chủ quản thẩm định.", "/review",
                                   "/review approve \(EscalationService.entryID(third))", "/review"],
                replies: 6, countingDotsOnly: true)
            #expect(lines.contains { $0.contains("sau khi người duyệt của đơn vị đồng ý") })
            #expect(lines.contains("  Đáp: Bộ chủ quản thẩm định."))
            #expect(lines.contains { $0.hasPrefix("Đã duyệt \(EscalationService.entryID(third))") })
            #expect(lines.contains("Không có câu trả lời nào chờ duyệt."))
            for client in [asker, reviewer, next, handler, other, cdsHandler] { await client.close() }
        }
    }

    /// Review can be switched off (`desk.json` `"review": false`): the answer, masked, is
    /// knowledge at once.
    @Test func reviewCanBeSwitchedOff() async throws {
        let (made, attt, _, _) = try await DeskDaemon.make()
        var daemon = made
        defer { daemon.remove() }
        daemon.desk.review = false
        try await daemon.run { port in
            let asker = try await JSONClient(port: port)
            let number = try #require(try await asker.ask(["type": "escalate", "text": .string(Self.unanswerable)])["ticket"]?.int)
            let handler = try await JSONClient(port: port)
            _ = try await handler.ask(["type": "login", "token": .string(attt)])
            _ = try await handler.ask(["type": "reply", "ticket": .int(number), "text": "Gọi anh Trần Văn Bình số 0987654321."])
            let next = try await JSONClient(port: port)
            let answered = try await next.ask(["type": "say", "text": .string(Self.unanswerable)])
            #expect(answered["type"] == "answer")
            #expect(answered["text"]?.string == "Gọi anh [họ tên] số [số điện thoại].")
            for client in [asker, handler, next] { await client.close() }
        }
    }

    /// Revoking a handler ends their open session at once: the next request is refused, and
    /// (once the daemon's upkeep notices, every second) they are told and hear of no more
    /// tickets. An expired token stops working the same way, and cannot log in again.
    @Test func revokedAndExpiredSessionsEnd() async throws {
        let (daemon, attt, _, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        let second = try await daemon.addHandler(unit: "ATTT", name: "Cán bộ hai")
        let temporary = try await daemon.addHandler(unit: "ATTT", name: "Cộng tác viên", expiresAt: daemon.clock.now + 86_400)
        let attid = try #require(HandlerTokens.parse(attt)).id
        try await daemon.run { port, desk in
            let first = try await JSONClient(port: port)
            let other = try await JSONClient(port: port)
            let helper = try await JSONClient(port: port)
            for (client, token) in [(first, attt), (other, second.token), (helper, temporary.token)] {
                #expect(try await client.ask(["type": "login", "token": .string(token)])["type"] == "welcome")
            }
            #expect(try await first.ask(["type": "queue", "id": 1])["type"] == "queue")

            try await daemon.revoke(attid)
            let refused = try await first.ask(["type": "queue", "id": 2])
            #expect(refused["code"] == "bad-token" && refused["re"] == 2)
            #expect(try await first.ask(["type": "stats", "id": 3])["code"] == "not-allowed", "logged out")
            #expect(try await first.ask(["type": "login", "token": .string(attt)])["code"] == "bad-token")

            // Pushes stop without a request: the upkeep ends the session.
            try await daemon.revoke(second.id)
            try await desk.endStaleSessions()
            #expect(try await other.next()["type"] == "signed-out")
            let asker = try await JSONClient(port: port)
            _ = try await asker.ask(["type": "escalate", "text": .string(Self.unanswerable)])
            #expect(try await helper.next()["type"] == "ticket", "a live handler hears of it")
            #expect(try await other.isQuiet(for: 0.5), "a revoked one does not")
            #expect(try await first.isQuiet(for: 0.1))

            // Expiry: the token works until its day, then neither the session nor a new login does.
            daemon.clock.advance(days: 2)
            #expect(try await helper.ask(["type": "queue"])["code"] == "bad-token")
            #expect(try await helper.ask(["type": "login", "token": .string(temporary.token)])["code"] == "bad-token")
            for client in [first, other, helper, asker] { await client.close() }
        }
    }

    /// A program that floods gets `rate-limited` errors, each carrying its request's `re`;
    /// nothing is left unanswered.
    @Test func floodIsRefusedRequestByRequest() async throws {
        let (daemon, _, _, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        var limits = SessionLimits()
        limits.burst = 5
        limits.messagesPerSecond = 1
        try await daemon.run(limits: limits) { port in
            let flooder = try await JSONClient(port: port)
            for id in 0..<40 { try await flooder.send(["type": "say", "text": "xin chào", "id": .int(id)]) }
            var answered: [Int: JSONValue] = [:]
            while answered.count < 40, let reply = try? await flooder.next(within: 5) {
                answered[reply["re"]?.int ?? -1] = reply
            }
            #expect(Set(answered.keys) == Set(0..<40), "every request answered, each by its re")
            let limited = answered.values.filter { $0["code"] == "rate-limited" }
            #expect(limited.count >= 30)
            #expect(answered.values.filter { $0["type"] == "chat" }.count >= 5)
            // Text mode too: the refusal is a framed reply to that line.
            let text = try await ServerTests.exchange(port: port, send: Array(repeating: "xin chào", count: 8), replies: 8,
                                                      countingDotsOnly: true)
            #expect(text.contains { $0.hasPrefix("Lỗi (rate-limited)") })
            await flooder.close()
        }
    }

    /// Caps on tickets: per conversation, and per address across conversations; the asker is
    /// told politely and the request is answered (`re`). A gateway's users share its address
    /// and are capped per conversation only.
    @Test func ticketCaps() async throws {
        var daemon = try await DeskDaemon.make().0
        defer { daemon.remove() }
        daemon.desk.ticketLimits.perConversation = 3
        daemon.desk.ticketLimits.perAddress = 5
        let (_, gatewayToken) = try await daemon.addGateway()
        try await daemon.run { port in
            let one = try await JSONClient(port: port)
            for round in 1...3 {
                #expect(try await one.ask(["type": "escalate", "text": .string("Câu hỏi khó số \(round)")])["type"] == "escalated")
            }
            let capped = try await one.ask(["type": "escalate", "text": "Câu hỏi khó số 4", "id": "x"])
            #expect(capped["code"] == "too-many-tickets" && capped["re"] == "x")
            #expect(capped["message"]?.string?.contains("vui lòng chờ") == true)
            let two = try await JSONClient(port: port)
            #expect(try await two.ask(["type": "escalate", "text": "Câu khác 1"])["type"] == "escalated")
            #expect(try await two.ask(["type": "escalate", "text": "Câu khác 2"])["type"] == "escalated")
            #expect(try await two.ask(["type": "escalate", "text": "Câu khác 3"])["code"] == "too-many-tickets", "address cap")
            // Text mode is capped the same.
            let text = try await ServerTests.exchange(port: port, send: ["/human Câu hỏi từ nc"], replies: 1,
                                                      countingDotsOnly: true)
            #expect(text.contains { $0.hasPrefix("Lỗi (too-many-tickets)") })
            // A gateway's users share its address: each is capped per conversation only.
            let (gateway, _) = try await JSONClient.gateway(port: port, token: gatewayToken)
            #expect(try await gateway.ask(["type": "escalate", "user": "42", "text": "Câu của người dùng Telegram"])["type"]
                == "escalated")
            for client in [one, two, gateway] { await client.close() }
        }
    }

    /// An asker's rating counts once per ticket: a new one replaces the old in the figures,
    /// while the trail keeps every one.
    @Test func oneRatingPerTicket() async throws {
        let (daemon, attt, _, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        try await daemon.run { port in
            let asker = try await JSONClient(port: port)
            let number = try #require(try await asker.ask(["type": "escalate", "text": .string(Self.unanswerable)])["ticket"]?.int)
            let handler = try await JSONClient(port: port)
            _ = try await handler.ask(["type": "login", "token": .string(attt)])
            _ = try await handler.ask(["type": "reply", "ticket": .int(number), "text": "Đây là câu trả lời.", "reusable": false])
            for score in [1, 1, 1, 1, 1, 1, 1, 1, 1, 5] {
                #expect(try await asker.ask(["type": "rate", "ticket": .int(number), "score": .int(score)])["type"] == "ok")
            }
            let stats = try await handler.ask(["type": "stats"])
            let unit = try #require(stats["report"]?["satisfactionByUnit"]?.array?.first)
            #expect(unit["count"] == 1 && unit["mean"] == 5.0)
            let trail = try #require(try await handler.ask(["type": "show", "ticket": .int(number)])["ticket"]?["events"]?.array)
            #expect(trail.filter { $0["action"] == "rated" }.count == 10)
            #expect(try await asker.ask(["type": "rate", "ticket": .int(number), "score": 9])["code"] == "bad-request")
            #expect(try await asker.ask(["type": "rate", "ticket": "một", "score": 5])["code"] == "bad-request")
            await asker.close()
            await handler.close()
        }
    }

    /// A ticket raised on the Friday before Tết 2026 is due at the end of the 20th working day
    /// after it (Tết week and weekends not counted); left a week without news it is flagged
    /// `owes-update` and its unit is told; a progress update reaches the asker and clears it.
    @Test func workingDaysAndOwedUpdates() async throws {
        let (made, attt, _, _) = try await DeskDaemon.make()
        var daemon = made
        defer { daemon.remove() }
        daemon.desk = try Corpus.load(from: BinaryStdioTests.corpus).deskConfiguration
        daemon.desk.topics = DeskDaemon.topics
        // Friday 13 February 2026, 10:00 in Hà Nội.
        daemon.clock.set(Date(timeIntervalSince1970: 1_770_951_600))
        let clock = daemon.clock
        try await daemon.run { port, desk in
            let asker = try await JSONClient(port: port)
            let escalated = try await asker.ask(["type": "escalate", "text": .string(Self.unanswerable), "kind": "kiến nghị"])
            #expect(escalated["text"]?.string?.contains("hạn trả lời hết ngày 20/03/2026") == true, "\(escalated)")
            let number = try #require(escalated["ticket"]?.int)
            let handler = try await JSONClient(port: port)
            _ = try await handler.ask(["type": "login", "token": .string(attt)])
            let queued = try #require(try await handler.ask(["type": "queue"])["tickets"]?.array?.first)
            #expect(queued["due"] == "2026-03-20T16:59:59Z")
            #expect(queued["flags"] == .array([]) && queued["owesUpdate"] == false)
            // Corrected to a question: three working days from the same Friday.
            let corrected = try await handler.ask(["type": "kind", "ticket": .int(number), "kind": "cau-hoi"])
            #expect(corrected["ticket"]?["due"] == "2026-02-25T16:59:59Z")
            _ = try await handler.ask(["type": "kind", "ticket": .int(number), "kind": "kien-nghi"])

            clock.advance(days: 7)
            try await desk.remindUpdates()
            let reminder = try await handler.next()
            #expect(reminder["type"] == "ticket" && reminder["reason"] == "owes-update" && reminder["ticket"]?.int == number)
            try await desk.remindUpdates()
            #expect(try await handler.isQuiet(for: 0.3), "told once")
            let flagged = try #require(try await handler.ask(["type": "queue"])["tickets"]?.array?.first)
            #expect(flagged["flags"] == ["owes-update"] && flagged["owesUpdate"] == true)

            let progress = "Hồ sơ đang được Vụ Kế hoạch - Tài chính thẩm định, dự kiến có kết quả trong tháng 3."
            let sent = try await handler.ask(["type": "update", "ticket": .int(number), "text": .string(progress)])
            #expect(sent["type"] == "ok" && sent["ticket"]?["status"] == "new" && sent["ticket"]?["owesUpdate"] == false)
            let news = try await asker.next()
            #expect(news["type"] == "reply" && news["update"] == true && news["text"]?.string == progress)
            #expect(try await handler.ask(["type": "queue"])["tickets"]?.array?.first?["flags"] == .array([]))
            clock.advance(days: 40)
            #expect(try await handler.ask(["type": "queue"])["tickets"]?.array?.first?["flags"] == ["overdue", "owes-update"])
            _ = try await handler.ask(["type": "close", "ticket": .int(number)])
            #expect(try await handler.ask(["type": "update", "ticket": .int(number), "text": "x"])["code"] == "bad-state")
            await asker.close()
            await handler.close()
        }
    }

    /// Slow senders cannot hold connections: one that sends nothing is let go after the
    /// first-line deadline, one that trickles a byte at a time after the line deadline; a
    /// person who pauses between two lines is not.
    @Test func slowSendersAreLetGo() async throws {
        let (daemon, _, _, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        var limits = SessionLimits()
        limits.firstLineTimeout = 1.5
        limits.lineTimeout = 1
        try await daemon.run(limits: limits) { port in
            let silent = try await RawClient(port: port)
            let trickle = try await RawClient(port: port)
            let person = try await RawClient(port: port)
            let start = ContinuousClock.now
            try await person.write("xin chào\n")
            // A byte every 0.3 s: each arrives well within the idle timeout, the line never ends.
            let trickling = Task {
                for byte in Array("{\"type\":\"say\",\"text\":\"chậm quá\"}".utf8) {
                    try? await trickle.write(bytes: [byte])
                    try? await Task.sleep(for: .milliseconds(300))
                }
            }
            try await Task.sleep(for: .milliseconds(1200))
            try await person.write("chữ ký số\n")
            let trickled = try await trickle.readUntilClosed(within: 5)
            #expect(trickled.contains("too-slow") && trickled.hasPrefix("{"), "\(trickled)")
            let waited = try await silent.readUntilClosed(within: 5)
            #expect(waited.contains("Lỗi (too-slow)"))
            #expect(ContinuousClock.now - start < .seconds(4))
            trickling.cancel()
            try await person.write("/quit\n")
            let said = try await person.readUntilClosed(within: 5)
            #expect(!said.contains("too-slow") && said.contains("Tạm biệt"))
        }
    }
}

/// A bare TCP client for byte-level tests.
actor RawClient {
    let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
    private var received: [UInt8] = []
    private var closed = false
    private var reader: Task<Void, Never>?

    init(port: Int) async throws {
        channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
        let inbound = channel.inbound
        reader = Task { [weak self] in
            do {
                for try await buffer in inbound { await self?.append(Array(buffer.readableBytesView)) }
            } catch {}
            await self?.finish()
        }
    }

    deinit {
        // NIO requires the writer finished before the channel object goes away.
        channel.outbound.finish()
        reader?.cancel()
        channel.channel.close(promise: nil)
    }

    private func append(_ bytes: [UInt8]) { received += bytes }
    private func finish() { closed = true }

    func write(_ text: String) async throws { try await write(bytes: Array(text.utf8)) }

    func write(bytes: [UInt8]) async throws {
        try await channel.outbound.write(ByteBuffer(bytes: bytes))
    }

    /// Everything received until the server closed the connection (or `seconds` passed).
    func readUntilClosed(within seconds: Double) async throws -> String {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while !closed, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        return String(decoding: received, as: UTF8.self)
    }
}

/// What the attack on the trust fixes found, each pinned.
@Suite(.serialized) struct TrustAttackTests {
    /// `kb edit` masks the asker's own name too, and needs a reviewer while review is on.
    @Test func editingKnowledgeIsMaskedAndReviewed() async throws {
        let (daemon, attt, _, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        let plain = try await daemon.addHandler(unit: "ATTT", name: "Cán bộ")
        try await daemon.run { port in
            let asker = try await JSONClient(port: port)
            _ = try await asker.ask(["type": "hello", "name": "Vũ Ngọc Ánh"])
            let number = try #require(try await asker.ask(["type": "escalate", "text": "Hỏi thủ tục bảo đảm an toàn thông tin khi kết nối trục liên thông văn bản"])["ticket"]?.int)
            let reviewer = try await JSONClient(port: port)
            _ = try await reviewer.ask(["type": "login", "token": .string(attt)])
            _ = try await reviewer.ask(["type": "reply", "ticket": .int(number), "text": "Trả lời chung về kết nối trục."])
            let kb = EscalationService.entryID(number)
            _ = try await reviewer.ask(["type": "review", "action": "approve", "kb": .string(kb)])
            let handler = try await JSONClient(port: port)
            _ = try await handler.ask(["type": "login", "token": .string(plain.token)])
            #expect(try await handler.ask(["type": "kb", "action": "edit", "kb": .string(kb), "answer": "Bất kỳ điều gì."])["code"]
                == "not-allowed", "a plain handler cannot rewrite what the bot says")
            let edit: JSONValue = ["type": "kb", "action": "edit", "kb": .string(kb), "question": "Vũ Ngọc Ánh hỏi thủ tục kết nối trục",
                                   "answer": "Sửa: vu ngoc anh đã hỏi; gọi 0912345678."]
            #expect(try await reviewer.ask(edit)["type"] == "ok")
            let next = try await JSONClient(port: port)
            let answer = try await next.ask(["type": "say", "text": "hỏi thủ tục kết nối trục liên thông văn bản"])
            #expect(answer["kb"]?.string == kb)
            #expect(answer["question"]?.string == "[họ tên] hỏi thủ tục kết nối trục")
            #expect(answer["text"]?.string == "Sửa: [họ tên] đã hỏi; gọi [số điện thoại].")
            for client in [asker, reviewer, handler, next] { await client.close() }
        }
    }

    /// The report's frequent escalated questions are masked with the names their askers gave.
    @Test func reportMasksTheAskersNames() async throws {
        let (daemon, _, _, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        let admin = try await daemon.addHandler(unit: "ATTT", name: "Quản trị", admin: true)
        try await daemon.run { port in
            for _ in 0..<2 {
                let asker = try await JSONClient(port: port)
                _ = try await asker.ask(["type": "hello", "name": "Lò Văn Páo"])
                _ = try await asker.ask(["type": "escalate", "text": "Nhờ anh Páo hỏi giúp: Lò Văn Páo ở bản Mường cần đăng ký chữ ký số thế nào"])
                await asker.close()
            }
            let manager = try await JSONClient(port: port)
            _ = try await manager.ask(["type": "login", "token": .string(admin.token)])
            let groups = try #require(try await manager.ask(["type": "stats"])["report"]?["frequentEscalations"]?.array)
            let question = try #require(groups.first?["question"]?.string)
            #expect(groups.first?["count"] == 2)
            #expect(!question.contains("Páo") && question.contains("anh [họ tên]"), "\(question)")
            await manager.close()
        }
    }

    /// One feedback counts per answer: fifty "helpful" on one answer are one in the figures.
    @Test func feedbackCountsOncePerAnswer() async throws {
        let (daemon, _, _, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        let admin = try await daemon.addHandler(unit: "ATTT", name: "Quản trị", admin: true)
        try await daemon.run { port in
            let asker = try await JSONClient(port: port)
            #expect(try await asker.ask(["type": "say", "text": "Hệ thống thông tin có mấy cấp độ an toàn?"])["type"] == "answer")
            for _ in 0..<15 { _ = try await asker.ask(["type": "feedback", "helpful": true]) }
            let text = try await ServerTests.exchange(port: port, send: ["Hệ thống thông tin có mấy cấp độ an toàn?", "/yes", "/yes",
                                                                        "/yes"], replies: 4, countingDotsOnly: true)
            #expect(text.contains { $0.contains("đã ghi nhận đánh giá") })
            let manager = try await JSONClient(port: port)
            _ = try await manager.ask(["type": "login", "token": .string(admin.token)])
            let report = try #require(try await manager.ask(["type": "stats"])["report"])
            #expect(report["helpful"] == 2 && report["botAnswered"] == 2, "\(report)")
            await asker.close()
            await manager.close()
        }
    }

    /// Feedback is kept in one form however it was typed: `/Yes`, `/YES` and `/yes` in text
    /// mode count as helpful in the report, like `"helpful": true`.
    @Test func feedbackIsCountedHoweverTyped() async throws {
        let (daemon, _, _, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        let admin = try await daemon.addHandler(unit: "ATTT", name: "Quản trị", admin: true)
        try await daemon.run { port in
            for typed in ["/Yes", "/YES", "/yes"] {
                _ = try await ServerTests.exchange(port: port, send: ["Hệ thống thông tin có mấy cấp độ an toàn?", typed], replies: 2,
                                                   countingDotsOnly: true)
            }
            _ = try await ServerTests.exchange(port: port, send: ["Hệ thống thông tin có mấy cấp độ an toàn?", "/No"], replies: 2,
                                               countingDotsOnly: true)
            let manager = try await JSONClient(port: port)
            _ = try await manager.ask(["type": "login", "token": .string(admin.token)])
            let report = try #require(try await manager.ask(["type": "stats"])["report"])
            #expect(report["helpful"] == 3 && report["notHelpful"] == 1, "\(report)")
            await manager.close()
        }
    }

    /// Blank lines are not activity: a client that sends nothing but line ends is let go at the
    /// first-line deadline, and after its first line at the idle timeout.
    @Test func blankLinesDoNotHoldAConnection() async throws {
        let (daemon, _, _, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        var limits = SessionLimits()
        limits.firstLineTimeout = 1
        limits.lineTimeout = 1
        limits.idleTimeout = 1.5
        try await daemon.run(limits: limits) { port in
            let blank = try await RawClient(port: port)
            let idle = try await RawClient(port: port)
            try await idle.write("xin chào\n")
            let ticking = Task {
                for _ in 0..<20 {
                    try? await blank.write("\n\u{00A0}\n\u{3000}\u{200B}\n")
                    try? await idle.write("  \r\n\u{00A0}\n")
                    try? await Task.sleep(for: .milliseconds(250))
                }
            }
            let cut = try await blank.readUntilClosed(within: 4)
            #expect(cut.contains("Lỗi (too-slow)"), "\(cut)")
            let quiet = try await idle.readUntilClosed(within: 4)
            #expect(quiet.contains("Xin chào") && !quiet.contains("too-slow"), "closed quietly after its idle time: \(quiet)")
            ticking.cancel()
        }
    }

    /// A channel identity is a logged-in gateway's only: a plain client naming one — from any
    /// address, loopback too — is refused and its tickets count toward its address cap; a half
    /// identity is refused too.
    @Test func channelIdentitiesDoNotEscapeTheAddressCap() async throws {
        var daemon = try await DeskDaemon.make().0
        defer { daemon.remove() }
        daemon.desk.ticketLimits.perAddress = 2
        let service = try await daemon.service()
        func escalate(_ session: ChatSession) async throws -> JSONValue {
            try JSONValue.parse(await session.handle(.text(#"{"type":"escalate","text":"Câu hỏi khó","id":1}"#)).lines[0])
        }
        for user in 0..<3 {
            let remote = ChatSession(service: service, source: "203.0.113.7")
            let hello = try JSONValue.parse(await remote.handle(.text(#"{"type":"hello","channel":"spam","user":"u\#(user)"}"#)).lines[0])
            #expect(hello["code"] == "not-allowed", "only a gateway names a channel's user")
            #expect(try await escalate(remote)["type"] == .string(user < 2 ? "escalated" : "error"), "user \(user)")
        }
        // Loopback is no longer believed to be a gateway: a gateway logs in.
        let local = ChatSession(service: service, source: "127.0.0.1")
        let hello = try JSONValue.parse(await local.handle(.text(#"{"type":"hello","channel":"telegram","user":"1"}"#)).lines[0])
        #expect(hello["code"] == "not-allowed")
        for (hello, code) in [(#"{"type":"hello","channel":"zalo","id":1}"#, "not-allowed"),
                              (#"{"type":"hello","user":"x","id":1}"#, "bad-request"),
                              (#"{"type":"hello","channel":"","user":"","id":1}"#, "not-allowed")] {
            let session = ChatSession(service: service, source: "203.0.113.8")
            #expect(try JSONValue.parse(await session.handle(.text(hello)).lines[0])["code"] == .string(code), "\(hello)")
        }
    }

    /// A reply longer than the slow-reader allowance (a review list of long drafts) reaches a
    /// client that reads it; a queue lists questions cut short (`show` has them whole).
    @Test func longListsReachTheirReader() async throws {
        var daemon = try await DeskDaemon.make().0
        defer { daemon.remove() }
        daemon.desk.ticketLimits.perConversation = 0
        daemon.desk.ticketLimits.perAddress = 0
        let admin = try await daemon.addHandler(unit: "ATTT", name: "Quản trị", admin: true)
        var limits = SessionLimits()
        limits.burst = 1_000
        try await daemon.run(limits: limits) { port in
            let asker = try await JSONClient(port: port)
            let handler = try await JSONClient(port: port)
            _ = try await handler.ask(["type": "login", "token": .string(admin.token)])
            let long = String(repeating: "Nội dung rất dài về chữ ký số. ", count: 300)  // 13 KB: a line holds it
            var last = 0
            for round in 0..<80 {
                let ticket = try #require(try await asker.ask(["type": "escalate", "text": .string("\(round) " + long)])["ticket"]?.int)
                _ = try await handler.ask(["type": "reply", "ticket": .int(ticket), "text": .string(long)])
                last = ticket
            }
            // The review list: as many drafts as fit in half a megabyte, whole, and how many remain.
            let review = try await handler.ask(["type": "review"])
            let drafts = try #require(review["drafts"]?.array)
            #expect(drafts.count >= 10 && drafts.count < 80 && review["remaining"] == .int(80 - drafts.count))
            #expect(drafts.allSatisfy { ($0["answer"]?.string?.count ?? 0) == long.trimmedWhitespace.count })
            #expect(review.encoded().utf8.count < 600 * 1024)
            let queue = try await handler.ask(["type": "queue", "status": "answered"])
            let listed = try #require(queue["tickets"]?.array?.first?["question"]?.string)
            #expect(listed.count == DeskWire.questionInLists + 1 && listed.hasSuffix("…"))
            let shown = try await handler.ask(["type": "show", "ticket": .int(last)])
            let whole = shown["ticket"]?["question"]?.string ?? ""
            #expect(whole.hasPrefix("79 Nội dung") && whole.count > long.count / 2, "show has the whole question")
            await asker.close()
            await handler.close()
        }
    }

    /// Text that holds a NUL, replies of invisible characters, times that do not exist: refused.
    @Test func invisibleAndImpossibleValuesAreRefused() async throws {
        let (daemon, attt, _, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        try await daemon.run { port in
            let asker = try await JSONClient(port: port)
            #expect(try await asker.ask(["type": "say", "text": "a\u{0}b"])["code"] == "bad-request")
            let number = try #require(try await asker.ask(["type": "escalate", "text": "Câu hỏi khó về chi phí"])["ticket"]?.int)
            let handler = try await JSONClient(port: port)
            _ = try await handler.ask(["type": "login", "token": .string(attt)])
            for kind in ["reply", "update", "note"] {
                #expect(try await handler.ask(["type": .string(kind), "ticket": .int(number), "text": "\u{200B}\u{00A0}\u{FEFF}"])["code"]
                    == "bad-request", "\(kind)")
            }
            // A question of nothing visible raises no ticket; an edit of nothing is refused; an
            // identity of invisible or control characters is refused.
            let newcomer = try await JSONClient(port: port)
            #expect(try await newcomer.ask(["type": "escalate", "text": "\u{00A0}\u{3000}\u{2800}"])["type"] == "escalate")
            await newcomer.close()
            #expect(try await handler.ask(["type": "kb", "action": "edit", "kb": "cap-do", "answer": "\u{200B}"])["code"]
                == "bad-request")
            let odd = try await JSONClient(port: port)
            let oddHello = try await odd.ask(["type": "hello", "channel": "\u{200B}", "user": "\u{1}"])
            #expect(oddHello["code"] == "not-allowed" || oddHello["code"] == "bad-request", "\(oddHello)")
            await odd.close()
            for time in ["2026-01-01T25:61:61Z", "2026-01-01T24:00:00Z", "2026-01-01T23:59:60Z", "2026-01-01T10:00",
                         "2101-01-01", "2101-01-01T00:00:00+07:00"] {
                #expect(try await handler.ask(["type": "stats", "since": .string(time)])["code"] == "bad-request", "\(time)")
            }
            #expect(try await handler.ask(["type": "stats", "since": "2026-01-01T10:00:00+07:00"])["type"] == "stats")
            await asker.close()
            await handler.close()
        }
    }
}
