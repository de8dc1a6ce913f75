import Dialogue
import Foundation
import Testing

@testable import Storage
@testable import Wire

/// The escalation desk end to end over TCP: askers, handlers, pushes, the outbox, restarts.
@Suite(.serialized) struct DeskTests {
    static let unanswerable = "Chi phí thuê chuyên gia đánh giá an toàn cho hệ thống cấp độ 3 được tính theo định mức nào?"

    /// An unanswerable question becomes a ticket of the unit that owns the field; that unit's
    /// handler is told at once, answers, and the asker gets the answer live; the next person
    /// asking the same is answered by the bot from what the unit wrote.
    @Test func questionToTicketToLiveReplyToKnowledge() async throws {
        let (daemon, attt, cds, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        try await daemon.run { port in
            let asker = try await JSONClient(port: port)
            let handler = try await JSONClient(port: port)
            let other = try await JSONClient(port: port)
            #expect(try await handler.ask(["type": "login", "token": .string(attt)])["unit"] == "ATTT")
            #expect(try await other.ask(["type": "login", "token": .string(cds)])["unit"] == "CDS")
            _ = try await asker.ask(["type": "hello", "channel": "zalo", "user": "84900000001"])

            let escalated = try await asker.ask(["type": "say", "text": .string(Self.unanswerable)])
            #expect(escalated["type"] == "escalated")
            #expect(escalated["unit"] == "ATTT")
            #expect(escalated["kind"] == "cau-hoi")
            let number = try #require(escalated["ticket"]?.int)
            #expect(escalated["text"]?.string?.contains("phiếu số \(number)") == true)
            #expect(escalated["text"]?.string?.contains("Cục An toàn thông tin") == true)

            // Pushed to the owning unit's handler only.
            let pushed = try await handler.next()
            #expect(pushed["type"] == "ticket" && pushed["ticket"]?.int == number)
            #expect(try await other.isQuiet(for: 0.3))

            // The trail shows the question with similar earlier answers; a note stays internal.
            let shown = try await handler.ask(["type": "show", "ticket": .int(number)])
            #expect(shown["ticket"]?["question"]?.string == Self.unanswerable)
            #expect(shown["similar"]?.array?.isEmpty == false)
            #expect(try await handler.ask(["type": "claim", "ticket": .int(number)])["ticket"]?["status"] == "assigned")
            #expect(try await handler.ask(["type": "note", "ticket": .int(number), "text": "hỏi Vụ Kế hoạch"])["type"] == "ok")
            #expect(try await asker.isQuiet(for: 0.3))

            let answer = "Theo định mức của Bộ về chi phí đánh giá an toàn hệ thống thông tin, tính theo số ngày công chuyên gia."
            let replied = try await handler.ask(["type": "reply", "ticket": .int(number), "text": .string(answer)])
            #expect(replied["type"] == "ok" && replied["ticket"]?["status"] == "answered")
            // The unit's reviewer (this handler is one) is told a draft waits.
            let draft = try await handler.next()
            #expect(draft["type"] == "draft" && draft["kb"]?.string == EscalationService.entryID(number))
            let live = try await asker.next()
            #expect(live["type"] == "reply" && live["ticket"]?.int == number && live["text"]?.string == answer)
            #expect(live["unit"] == "ATTT")
            let delivery = try #require(live["delivery"]?.int)
            #expect(try await asker.ask(["type": "ack", "delivery": .int(delivery)])["type"] == "ok")
            #expect(try await asker.ask(["type": "rate", "ticket": .int(number), "score": 5])["type"] == "ok")

            // The trail keeps the note apart from the reply, and the rating.
            let trail = try #require(try await handler.ask(["type": "show", "ticket": .int(number)])["ticket"]?["events"]?.array)
            #expect(trail.contains { $0["action"] == "noted" && $0["internal"] == true })
            #expect(trail.contains { $0["action"] == "replied" && $0["internal"] == false })
            #expect(trail.contains { $0["action"] == "rated" })

            // The reviewer approves the draft; someone else asks the same: the bot answers from it.
            let approval: JSONValue = ["type": "review", "action": "approve", "kb": .string(EscalationService.entryID(number))]
            #expect(try await handler.ask(approval)["type"] == "ok")
            let next = try await JSONClient(port: port)
            let answered = try await next.ask(["type": "say", "text": .string(Self.unanswerable)])
            #expect(answered["type"] == "answer")
            #expect(answered["kb"]?.string == EscalationService.entryID(number))
            #expect(answered["text"]?.string == answer)

            // The kind can be corrected; the unit retires the entry and the bot stops using it.
            #expect(try await handler.ask(["type": "kind", "ticket": .int(number), "kind": "xin ý kiến"])["ticket"]?["kind"]
                == "xin-y-kien")
            let entry = EscalationService.entryID(number)
            #expect(try await other.ask(["type": "kb", "action": "retire", "kb": .string(entry)])["code"] == "not-allowed")
            #expect(try await handler.ask(["type": "kb", "action": "retire", "kb": .string(entry)])["type"] == "ok")
            let again = try await next.ask(["type": "say", "text": .string(Self.unanswerable)])
            #expect(again["type"] == "escalated")

            // The unit's figures: its tickets only, the rating counted.
            #expect(try await handler.next()["type"] == "ticket")  // the ticket just raised again
            let stats = try await handler.ask(["type": "stats"])
            #expect(stats["type"] == "stats" && stats["report"]?["unit"] == "ATTT")
            #expect(stats["report"]?["tickets"] == 2)
            #expect(stats["report"]?["satisfactionByUnit"]?.array?.first?["mean"] == 5.0)
            #expect(try await next.ask(["type": "stats"])["code"] == "not-allowed")
            for client in [asker, handler, other, next] { await client.close() }
        }
    }

    /// The asker is gone when the unit answers, and the daemon restarts in between: the reply
    /// comes when their gateway logs in again (every unacknowledged reply of its channel), again
    /// until acknowledged, never after.
    @Test func offlineAskerGetsTheReplyAfterRestart() async throws {
        let (daemon, attt, _, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        let (_, gatewayToken) = try await daemon.addGateway(channel: "telegram")
        let number = TicketNumber()
        try await daemon.run { port in
            let (gateway, welcome) = try await JSONClient.gateway(port: port, token: gatewayToken)
            #expect(welcome["type"] == "welcome" && welcome["role"] == "gateway" && welcome["channel"] == "telegram")
            let escalated = try await gateway.ask(["type": "escalate", "user": "5550001", "text": .string(Self.unanswerable),
                                                   "kind": "kiến nghị"])
            #expect(escalated["kind"] == "kien-nghi" && escalated["user"] == "5550001")
            await number.set(try #require(escalated["ticket"]?.int))
            await gateway.close()
            let handler = try await JSONClient(port: port)
            _ = try await handler.ask(["type": "login", "token": .string(attt)])
            let replied = try await handler.ask(["type": "reply", "ticket": .int(await number.value),
                                                 "text": "Đã ghi nhận kiến nghị; Cục sẽ ban hành hướng dẫn trong quý tới."])
            #expect(replied["type"] == "ok")
            await handler.close()
        }
        // A new daemon on the same data.
        try await daemon.run { port in
            let (gateway, welcome) = try await JSONClient.gateway(port: port, token: gatewayToken)
            #expect(welcome["pending"] == 1)
            let reply = try await gateway.next()
            let expected = await number.value
            #expect(reply["type"] == "reply" && reply["ticket"]?.int == expected && reply["user"] == "5550001")
            let delivery = try #require(reply["delivery"]?.int)
            await gateway.close()

            // Not acknowledged: sent again on the next login, with the same delivery id.
            let (again, _) = try await JSONClient.gateway(port: port, token: gatewayToken)
            #expect(try await again.next()["delivery"]?.int == delivery)
            #expect(try await again.ask(["type": "ack", "user": "5550001", "delivery": .int(delivery)])["type"] == "ok")
            await again.close()

            let (after, _) = try await JSONClient.gateway(port: port, token: gatewayToken)
            #expect(try await after.isQuiet(for: 0.3))
            await after.close()
        }
    }

    /// What is refused: an asker using handler commands, a handler acting on another unit's
    /// ticket, a revoked or wrong token, an asker acknowledging or rating what is not theirs.
    @Test func refusals() async throws {
        let (daemon, _, cds, revoked) = try await DeskDaemon.make()
        defer { daemon.remove() }
        try await daemon.run { port in
            let asker = try await JSONClient(port: port)
            let escalated = try await asker.ask(["type": "say", "text": .string(Self.unanswerable)])
            let number = try #require(escalated["ticket"]?.int)
            for request: JSONValue in [["type": "queue"], ["type": "claim", "ticket": .int(number)],
                                       ["type": "reply", "ticket": .int(number), "text": "tự trả lời"]]
            {
                #expect(try await asker.ask(request)["code"] == "not-allowed")
            }
            let wrongUnit = try await JSONClient(port: port)
            _ = try await wrongUnit.ask(["type": "login", "token": .string(cds)])
            #expect(try await wrongUnit.ask(["type": "show", "ticket": .int(number)])["code"] == "unknown-ticket")
            #expect(try await wrongUnit.ask(["type": "reply", "ticket": .int(number), "text": "x"])["code"] == "unknown-ticket")
            #expect(try await wrongUnit.ask(["type": "queue"])["tickets"]?.array?.isEmpty == true)

            let outsider = try await JSONClient(port: port)
            #expect(try await outsider.ask(["type": "login", "token": .string(revoked)])["code"] == "bad-token")
            var forged = cds
            forged.removeLast()
            forged.append(cds.last == "0" ? "1" : "0")
            #expect(try await outsider.ask(["type": "login", "token": .string(forged)])["code"] == "bad-token")
            #expect(try await outsider.ask(["type": "queue"])["code"] == "not-allowed")

            // Another asker cannot rate or acknowledge this asker's ticket.
            let stranger = try await JSONClient(port: port)
            _ = try await stranger.ask(["type": "hello"])
            #expect(try await stranger.ask(["type": "rate", "ticket": .int(number), "score": 1])["code"] == "unknown-ticket")
            #expect(try await stranger.ask(["type": "ack", "delivery": 1])["code"] == "unknown-delivery")
            for client in [asker, wrongUnit, outsider, stranger] { await client.close() }
        }
    }

    /// An answer that does not help, and no other that does: the question becomes a ticket.
    @Test func negativeFeedbackRaisesATicket() async throws {
        let (daemon, _, _, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        try await daemon.run { port in
            let asker = try await JSONClient(port: port)
            let answer = try await asker.ask(["type": "say", "text": "Hệ thống thông tin có mấy cấp độ an toàn?"])
            #expect(answer["type"] == "answer")
            var reply = try await asker.ask(["type": "feedback", "helpful": false])
            var rounds = 0
            while reply["type"] == "answer", rounds < 5 {
                reply = try await asker.ask(["type": "feedback", "helpful": false])
                rounds += 1
            }
            #expect(reply["type"] == "escalated")
            #expect(reply["unit"] == "ATTT")
            await asker.close()
        }
    }

    /// Asking for a person again while the question's ticket is open answers with that
    /// ticket (JSON `escalate`, text `/human`); the unit sees one ticket. Once it is closed, asking
    /// again raises a new one.
    @Test func askingAgainGivesTheOpenTicketBack() async throws {
        let (daemon, attt, _, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        try await daemon.run { port in
            let asker = try await JSONClient(port: port)
            let welcome = try await asker.ask(["type": "hello"])
            let first = try await asker.ask(["type": "say", "text": .string(Self.unanswerable)])
            let number = try #require(first["ticket"]?.int)
            let again = try await asker.ask(["type": "escalate"])
            #expect(again["type"] == "escalated" && again["ticket"]?.int == number)
            #expect(again["text"]?.string?.contains("phiếu số \(number)") == true)
            let text = try await ServerTests.exchange(
                port: port, send: ["/resume \(try #require(welcome["conversation"]?.string))", "/human"], replies: 2,
                countingDotsOnly: true)
            #expect(text.contains { $0.contains("phiếu số \(number)") })
            let handler = try await JSONClient(port: port)
            _ = try await handler.ask(["type": "login", "token": .string(attt)])
            #expect(try await handler.ask(["type": "queue"])["tickets"]?.array?.count == 1, "one ticket for one question")
            #expect(try await handler.ask(["type": "close", "ticket": .int(number)])["ticket"]?["status"] == "closed")
            let later = try await asker.ask(["type": "escalate"])
            let second = try #require(later["ticket"]?.int)
            #expect(later["type"] == "escalated" && second != number, "a closed ticket is not reused")
            await asker.close()
            await handler.close()
        }
    }

    /// Negative feedback that runs out of answers while the question's ticket is open gives that
    /// ticket back too.
    @Test func negativeFeedbackGivesTheOpenTicketBack() async throws {
        let (daemon, attt, _, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        try await daemon.run { port in
            let asker = try await JSONClient(port: port)
            let answer = try await asker.ask(["type": "say", "text": "Hệ thống thông tin có mấy cấp độ an toàn?"])
            #expect(answer["type"] == "answer")
            let raised = try await asker.ask(["type": "escalate"])
            let number = try #require(raised["ticket"]?.int)
            var last = JSONValue.null
            for _ in 0..<6 {
                last = try await asker.ask(["type": "feedback", "helpful": false])
                if last["type"] == "escalated" { break }
            }
            #expect(last["type"] == "escalated" && last["ticket"]?.int == number, "\(last)")
            #expect(try await JSONClient.newestTicket(port: port, token: attt) == number, "one ticket for one question")
            await asker.close()
        }
    }

    /// Messages are dated by the daemon's clock, as tickets are: a question asked while the
    /// clock says 3 March 2025 counts in that week's report and in no later one.
    @Test func messagesAreDatedByTheDaemonsClock() async throws {
        let (daemon, _, _, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        let admin = try await daemon.addHandler(unit: "ATTT", name: "Quản trị", admin: true)
        // Monday 3 March 2025, 10:00 in Hà Nội.
        daemon.clock.set(Date(timeIntervalSince1970: 1_740_970_800))
        try await daemon.run { port in
            let asker = try await JSONClient(port: port)
            let answer = try await asker.ask(["type": "say", "text": "Hệ thống thông tin có mấy cấp độ an toàn?"])
            #expect(answer["type"] == "answer")
            let manager = try await JSONClient(port: port)
            _ = try await manager.ask(["type": "login", "token": .string(admin.token)])
            let then = try await manager.ask(["type": "stats", "since": "2025-03-01", "until": "2025-03-08"])
            #expect(then["report"]?["questions"] == 1 && then["report"]?["botAnswered"] == 1)
            let later = try await manager.ask(["type": "stats", "since": "2025-03-08", "until": "2026-12-31"])
            #expect(later["report"]?["questions"] == 0)
            await asker.close()
            await manager.close()
        }
    }

    /// Text mode: a handler works from a terminal, and a text-mode asker reads the reply.
    @Test func textModeHandlerAndAsker() async throws {
        let (daemon, attt, _, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        try await daemon.run { port in
            let asked = try await ServerTests.exchange(port: port, send: [Self.unanswerable], replies: 1,
                                                       countingDotsOnly: true)
            let number = try await JSONClient.newestTicket(port: port, token: attt)
            #expect(asked.contains { $0.contains("phiếu số \(number)") })
            // The conversation id as the store keeps it with the ticket (the asker's text
            // client shows it too, which this test does not read).
            let conversation = try #require(try await SQLiteStore.open(directory: daemon.directory).ticket(number)?.conversation)
            #expect(asked.contains { $0.contains(conversation) })
            let work = try await ServerTests.exchange(
                port: port,
                send: ["/login \(attt)", "/queue", "/claim \(number)", "/reply \(number) Tính theo định mức ngày công.",
                       "/show \(number)"],
                replies: 6, countingDotsOnly: true)  // five answers and the draft pushed to this reviewer
            #expect(work.contains { $0.hasPrefix("Đã đăng nhập") })
            #expect(work.contains { $0.hasPrefix("Câu trả lời chờ duyệt: [phieu-\(number)]") })
            #expect(work.contains { $0.hasPrefix("#\(number) [mới]") })
            #expect(work.contains { $0.contains("[TRẢ LỜI NGƯỜI HỎI] Tính theo định mức ngày công.") })
            // The asker comes back in text mode and reads the reply.
            let back = try await ServerTests.exchange(port: port, send: ["/resume \(conversation)"], replies: 2,
                                                      countingDotsOnly: true)
            #expect(back.contains { $0.hasPrefix("Trả lời của đơn vị ATTT cho phiếu số \(number)") })
            #expect(back.contains("Tính theo định mức ngày công."))
        }
    }
}

/// A value shared between the two lives of a daemon in one test.
actor TicketNumber {
    var value = 0
    func set(_ number: Int) { value = number }
}
