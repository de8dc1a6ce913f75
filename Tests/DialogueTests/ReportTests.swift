import Foundation
import GRDB
import Testing

@testable import Dialogue
@testable import Retrieval
@testable import Storage

/// Reports over a seeded store whose figures are worked out by hand in the comments.
@Suite struct ReportTests {
    static func day(_ text: String) -> Date { ISO8601DateFormatter().date(from: text + "Z")! }

    /// Period 2026-11-01 … 2026-11-15 (the 14 days before it are the previous period); "now" is
    /// 2026-11-15.
    func seeded(_ kind: StoreKind) async throws -> Report {
        let store = try await kind.make()
        let conversation = try await store.open(ConversationIdentity()).conversation.id
        func message(_ direction: String, _ kind: String, _ text: String, _ topic: String?, _ date: String) async throws {
            try await store.record([StoredMessage(direction: direction == "in" ? .incoming : .outgoing, kind: kind, text: text,
                                                  topic: topic, date: Self.day(date))],
                                   state: ConversationState(), of: conversation)
        }
        // This period: an-toan 3 answers + 1 ticket = 4; nen-tang 1 suggestion = 1; a greeting
        // does not count. Previous period: an-toan 1, nen-tang 2. September: outside both.
        try await message("out", "answer", "a", "an-toan", "2026-11-02T08:00:00")
        try await message("out", "answer", "a", "an-toan", "2026-11-03T08:00:00")
        try await message("out", "answer", "a", "an-toan", "2026-11-10T08:00:00")
        try await message("out", "escalated", "t", "an-toan", "2026-11-04T00:00:00")
        try await message("out", "suggest", "s", "nen-tang", "2026-11-05T08:00:00")
        try await message("out", "chat", "xin chào", nil, "2026-11-05T09:00:00")
        try await message("out", "answer", "a", "an-toan", "2026-10-20T08:00:00")
        try await message("out", "answer", "a", "nen-tang", "2026-10-25T08:00:00")
        try await message("out", "answer", "a", "nen-tang", "2026-10-26T08:00:00")
        try await message("out", "answer", "a", "an-toan", "2026-09-01T08:00:00")
        // Feedback: helpful 3 (one from text mode), not helpful 1 → 75 %.
        for text in ["helpful", "helpful", "/yes", "not helpful"] {
            try await message("in", "feedback", text, nil, "2026-11-03T09:00:00")
        }
        func ticket(_ unit: String, _ topic: String, _ question: String, _ status: TicketStatus, created: String,
                    answered: String?, due: String) async throws -> Int
        {
            let ticket = try await store.createTicket(TicketDraft(
                conversation: conversation, kind: .question, topic: topic, unit: unit, question: question, context: [],
                due: Self.day(due), createdAt: Self.day(created)))
            if let answered {
                _ = try await store.updateTicket(ticket.number, event: TicketEvent(actor: "h", action: .replied, date: Self.day(answered))) {
                    $0.status = .answered
                    $0.answeredAt = Self.day(answered)
                }
            }
            if status != .answered && status != .new {
                _ = try await store.updateTicket(ticket.number, event: TicketEvent(
                    actor: "h", action: status == .closed ? .closed : .claimed,
                    date: status == .closed ? Self.day("2026-11-05T00:00:00") : Self.day(created))) { $0.status = status }
            }
            return ticket.number
        }
        // ATTT: first responses 6 h and 2 h; one closed 24 h after it was raised.
        let t1 = try await ticket("ATTT", "an-toan", "Chi phí đánh giá an toàn cấp độ 3?", .closed,
                                  created: "2026-11-04T00:00:00", answered: "2026-11-04T06:00:00", due: "2026-11-07T00:00:00")
        let t2 = try await ticket("ATTT", "an-toan", "chi phi danh gia an toan cap do 3", .answered,
                                  created: "2026-11-06T00:00:00", answered: "2026-11-06T02:00:00", due: "2026-11-09T00:00:00")
        // CDS: open and past due (due 11-08, now 11-15), 8 days old.
        _ = try await ticket("CDS", "nen-tang", "LGSP cấp xã kết nối thế nào?", .new, created: "2026-11-07T00:00:00",
                             answered: nil, due: "2026-11-08T00:00:00")
        // ATTT, September: outside the period, but still open (backlog, over 7 days).
        _ = try await ticket("ATTT", "an-toan", "Câu hỏi cũ", .assigned, created: "2026-09-01T00:00:00", answered: nil,
                             due: "2026-09-04T00:00:00")
        // Ratings: 5 and 3 → mean 4,0, half of them ≥ 4.
        for (ticket, score) in [(t1, 5), (t2, 3)] {
            try await store.rate(ticket: ticket, score: score, comment: nil, at: Self.day("2026-11-08T00:00:00"))
        }
        let topics = [Topic(id: "an-toan", name: "An toàn thông tin", unit: "ATTT"),
                      Topic(id: "nen-tang", name: "Nền tảng", unit: "CDS")]
        return try await ReportBuilder(store: store, topics: topics).build(
            since: Self.day("2026-11-01T00:00:00"), until: Self.day("2026-11-15T00:00:00"),
            now: Self.day("2026-11-15T00:00:00"))
    }

    @Test(arguments: StoreKind.testable) func volumesAndChange(_ kind: StoreKind) async throws {
        let report = try await seeded(kind)
        #expect(report.questions == 5 && report.previousQuestions == 3)
        #expect(report.topics.map(\.topic) == ["an-toan", "nen-tang"])
        #expect(report.topics[0].count == 4 && report.topics[0].previous == 1 && report.topics[0].change == 3.0)
        #expect(report.topics[1].count == 1 && report.topics[1].change == -0.5)
        #expect(report.monthly == [Report.PeriodCount(period: "2026-11", topic: nil, count: 5)])
        #expect(report.weekly.map(\.count).reduce(0, +) == 5)
        #expect(report.weeklyByTopic.filter { $0.topic == "nen-tang" }.map(\.count) == [1])
    }

    @Test(arguments: StoreKind.testable) func autoResolutionAndFeedback(_ kind: StoreKind) async throws {
        let report = try await seeded(kind)
        #expect(report.botAnswered == 3)
        #expect(report.autoResolution == 0.6)
        #expect(report.helpful == 3 && report.notHelpful == 1 && report.helpfulShare == 0.75)
        #expect(report.tickets == 3)
    }

    @Test(arguments: StoreKind.testable) func satisfactionTimesBacklog(_ kind: StoreKind) async throws {
        let report = try await seeded(kind)
        #expect(report.satisfactionByUnit == [Report.Satisfaction(key: "ATTT", count: 2, mean: 4, shareAtLeast4: 0.5)])
        #expect(report.satisfactionByTopic.map(\.key) == ["an-toan"])
        let attt = try #require(report.times.first { $0.unit == "ATTT" })
        #expect(attt.tickets == 2)
        #expect(abs((attt.firstResponseMedian ?? 0) - 2) < 0.01 && abs((attt.firstResponseP90 ?? 0) - 6) < 0.01)
        #expect(abs((attt.resolutionMedian ?? 0) - 24) < 0.01 && attt.pastDue == 0)
        #expect(report.times.first { $0.unit == "CDS" }?.pastDue == 1)
        #expect(report.backlog.map(\.unit) == ["ATTT", "CDS"])
        #expect(report.backlog.allSatisfy { $0.overSevenDays == 1 && $0.total == 1 })
    }

    /// The same question typed with and without diacritics is one group.
    @Test(arguments: StoreKind.testable) func frequentEscalationsGrouped(_ kind: StoreKind) async throws {
        let report = try await seeded(kind)
        #expect(report.frequentEscalations.first?.count == 2)
        #expect(report.frequentEscalations.first?.tickets.count == 2)
        #expect(report.frequentEscalations.count == 2)
    }
}
