import Foundation
import Testing

@testable import Dialogue
@testable import PostgresStorage
@testable import Wire

/// Two daemons on one PostgreSQL database, each with its own connections, index and live
/// sessions, over real sockets: what one does, the other's users see.
@Suite struct SharedStoreTests {
    static let enabled = PostgresScratch.base != nil || PostgresScratch.required
    static let reason: Comment = "PostgreSQL is needed for the two-daemon tests: set MOTCUA_TEST_POSTGRES (see .ci/run)"

    /// An asker on A escalates; the unit's handler on B is told at once and replies; the asker
    /// on A gets the reply live; the entry approved on B answers the next asker on A within a
    /// second.
    @Test(.enabled(if: enabled, reason)) func escalateOnAAnswerOnB() async throws {
        let (daemon, attt, cds, _) = try await DeskDaemon.make(postgres: true)
        defer { daemon.remove() }
        try await daemon.run { a in
            try await daemon.run { b in
                let asker = try await JSONClient(port: a)
                let handler = try await JSONClient(port: b)
                let other = try await JSONClient(port: a)
                #expect(try await handler.ask(["type": "login", "token": .string(attt)])["unit"] == "ATTT")
                #expect(try await other.ask(["type": "login", "token": .string(cds)])["unit"] == "CDS")
                _ = try await asker.ask(["type": "hello", "channel": "zalo", "user": "84900000001"])

                let escalated = try await asker.ask(["type": "say", "text": .string(DeskTests.unanswerable)])
                let number = try #require(escalated["ticket"]?.int)
                let pushed = try await handler.next(within: 2)
                #expect(pushed["type"] == "ticket" && pushed["ticket"]?.int == number, "the handler on B hears of it")
                #expect(try await other.isQuiet(for: 0.5), "another unit's handler on A does not")

                let answer = "Theo định mức chi phí đánh giá an toàn hệ thống thông tin, tính theo ngày công chuyên gia."
                let replied = try await handler.ask(["type": "reply", "ticket": .int(number), "text": .string(answer)])
                #expect(replied["type"] == "ok")
                let live = try await asker.next(within: 2)
                #expect(live["type"] == "reply" && live["ticket"]?.int == number && live["text"]?.string == answer,
                        "the asker on A gets B's reply live")
                let delivery = try #require(live["delivery"]?.int)
                #expect(try await asker.ask(["type": "ack", "delivery": .int(delivery)])["type"] == "ok")
                #expect(try await asker.isQuiet(for: 0.5), "once")

                let draft = try await handler.next(within: 2)
                #expect(draft["type"] == "draft")
                let approval: JSONValue = ["type": "review", "action": "approve", "kb": .string(EscalationService.entryID(number))]
                #expect(try await handler.ask(approval)["type"] == "ok")
                try await Task.sleep(for: .seconds(1))
                let next = try await JSONClient(port: a)
                let answered = try await next.ask(["type": "say", "text": .string(DeskTests.unanswerable)])
                #expect(answered["type"] == "answer" && answered["kb"]?.string == EscalationService.entryID(number),
                        "A's index has B's entry within a second")

                // A retirement on A reaches B's index too.
                let admin = try await daemon.addHandler(unit: "ATTT", name: "Quản trị", admin: true)
                let adminOnA = try await JSONClient(port: a)
                _ = try await adminOnA.ask(["type": "login", "token": .string(admin.token)])
                let retire: JSONValue = ["type": "kb", "action": "retire", "kb": .string(EscalationService.entryID(number))]
                #expect(try await adminOnA.ask(retire)["type"] == "ok")
                try await Task.sleep(for: .seconds(1))
                let onB = try await JSONClient(port: b)
                #expect(try await onB.ask(["type": "say", "text": .string(DeskTests.unanswerable)])["type"] == "escalated")
                for client in [asker, handler, other, next, adminOnA, onB] { await client.close() }
            }
        }
    }

    /// The same conversation's messages sent to both daemons at once are handled one at a
    /// time: every exchange is stored whole, in and out in turn, none lost.
    @Test(.enabled(if: enabled, reason)) func oneConversationOnTwoDaemons() async throws {
        let (daemon, _, _, _) = try await DeskDaemon.make(postgres: true)
        defer { daemon.remove() }
        try await daemon.run { a in
            try await daemon.run { b in
                let first = try await JSONClient(port: a)
                let welcome = try await first.ask(["type": "hello"])
                let conversation = try #require(welcome["conversation"]?.string)
                let second = try await JSONClient(port: b)
                _ = try await second.ask(["type": "hello", "conversation": .string(conversation)])
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for client in [first, second] {
                        group.addTask {
                            for turn in 0..<15 {
                                let reply = try await client.ask(["type": "say", "text": "Nền tảng LGSP của tỉnh dùng để làm gì?"])
                                #expect(reply["type"] != "error", "\(reply)")
                            }
                        }
                    }
                    try await group.waitForAll()
                }
                let store = try await daemon.openStore()
                let messages = try await store.messages(of: conversation, last: 1000)
                #expect(messages.count == 60)
                #expect(messages.enumerated().allSatisfy { ($0.offset % 2 == 0) == ($0.element.direction == .incoming) },
                        "no exchange interleaved with another")
                await first.close()
                await second.close()
            }
        }
    }
}
