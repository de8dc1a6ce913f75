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
    func seeded() async throws -> Report {
        let store = try SQLiteStore(DatabaseQueue())
        let conversation = try await store.open(ConversationIdentity()).conversation.id
        try await store.writer.write { db in
            func message(_ direction: String, _ kind: String, _ text: String, _ topic: String?, _ date: String) throws {
                try db.execute(
                    sql: "INSERT INTO message (conversationId, direction, kind, text, topic, date) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [conversation, direction, kind, text, topic, StoredDate.text(Self.day(date))])
            }
            // This period: an-toan 3 answers + 1 ticket = 4; nen-tang 1 suggestion = 1; a greeting
            // does not count. Previous period: an-toan 1, nen-tang 2. September: outside both.
            try message("out", "answer", "a", "an-toan", "2026-11-02T08:00:00")
            try message("out", "answer", "a", "an-toan", "2026-11-03T08:00:00")
            try message("out", "answer", "a", "an-toan", "2026-11-10T08:00:00")
            try message("out", "escalated", "t", "an-toan", "2026-11-04T00:00:00")
            try message("out", "suggest", "s", "nen-tang", "2026-11-05T08:00:00")
            try message("out", "chat", "xin chào", nil, "2026-11-05T09:00:00")
            try message("out", "answer", "a", "an-toan", "2026-10-20T08:00:00")
            try message("out", "answer", "a", "nen-tang", "2026-10-25T08:00:00")
            try message("out", "answer", "a", "nen-tang", "2026-10-26T08:00:00")
            try message("out", "answer", "a", "an-toan", "2026-09-01T08:00:00")
            // Feedback: helpful 3 (one from text mode), not helpful 1 → 75 %.
            for text in ["helpful", "helpful", "/yes", "not helpful"] {
                try message("in", "feedback", text, nil, "2026-11-03T09:00:00")
            }
            func ticket(_ unit: String, _ topic: String, _ question: String, _ status: String, created: String,
                        answered: String?, due: String) throws -> Int
            {
                try db.execute(
                    sql: """
                        INSERT INTO ticket (conversationId, kind, topic, unit, question, context, status, due, createdAt, updatedAt, answeredAt)
                        VALUES (?, 'cau-hoi', ?, ?, ?, '[]', ?, ?, ?, ?, ?)
                        """,
                    arguments: [conversation, topic, unit, question, status, StoredDate.text(Self.day(due)),
                                StoredDate.text(Self.day(created)), StoredDate.text(Self.day(created)),
                                answered.map { StoredDate.text(Self.day($0)) }])
                return Int(db.lastInsertedRowID)
            }
            // ATTT: first responses 6 h and 2 h; one closed 24 h after it was raised.
            let t1 = try ticket("ATTT", "an-toan", "Chi phí đánh giá an toàn cấp độ 3?", "closed",
                                created: "2026-11-04T00:00:00", answered: "2026-11-04T06:00:00", due: "2026-11-07T00:00:00")
            try db.execute(sql: "INSERT INTO ticketEvent (ticket, actor, action, detail, date) VALUES (?, 'h', 'closed', '', ?)",
                           arguments: [t1, StoredDate.text(Self.day("2026-11-05T00:00:00"))])
            let t2 = try ticket("ATTT", "an-toan", "chi phi danh gia an toan cap do 3", "answered",
                                created: "2026-11-06T00:00:00", answered: "2026-11-06T02:00:00", due: "2026-11-09T00:00:00")
            // CDS: open and past due (due 11-08, now 11-15), 8 days old.
            _ = try ticket("CDS", "nen-tang", "LGSP cấp xã kết nối thế nào?", "new", created: "2026-11-07T00:00:00",
                           answered: nil, due: "2026-11-08T00:00:00")
            // ATTT, September: outside the period, but still open (backlog, over 7 days).
            _ = try ticket("ATTT", "an-toan", "Câu hỏi cũ", "assigned", created: "2026-09-01T00:00:00", answered: nil,
                           due: "2026-09-04T00:00:00")
            // Ratings: 5 and 3 → mean 4,0, half of them ≥ 4.
            for (ticket, score) in [(t1, 5), (t2, 3)] {
                try db.execute(sql: "INSERT INTO rating (ticket, score, date) VALUES (?, ?, ?)",
                               arguments: [ticket, score, StoredDate.text(Self.day("2026-11-08T00:00:00"))])
            }
        }
        let topics = [Topic(id: "an-toan", name: "An toàn thông tin", unit: "ATTT"),
                      Topic(id: "nen-tang", name: "Nền tảng", unit: "CDS")]
        return try await ReportBuilder(store: store, topics: topics).build(
            since: Self.day("2026-11-01T00:00:00"), until: Self.day("2026-11-15T00:00:00"),
            now: Self.day("2026-11-15T00:00:00"))
    }

    @Test func volumesAndChange() async throws {
        let report = try await seeded()
        #expect(report.questions == 5 && report.previousQuestions == 3)
        #expect(report.topics.map(\.topic) == ["an-toan", "nen-tang"])
        #expect(report.topics[0].count == 4 && report.topics[0].previous == 1 && report.topics[0].change == 3.0)
        #expect(report.topics[1].count == 1 && report.topics[1].change == -0.5)
        #expect(report.monthly == [Report.PeriodCount(period: "2026-11", topic: nil, count: 5)])
        #expect(report.weekly.map(\.count).reduce(0, +) == 5)
        #expect(report.weeklyByTopic.filter { $0.topic == "nen-tang" }.map(\.count) == [1])
    }

    @Test func autoResolutionAndFeedback() async throws {
        let report = try await seeded()
        #expect(report.botAnswered == 3)
        #expect(report.autoResolution == 0.6)
        #expect(report.helpful == 3 && report.notHelpful == 1 && report.helpfulShare == 0.75)
        #expect(report.tickets == 3)
    }

    @Test func satisfactionTimesBacklog() async throws {
        let report = try await seeded()
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
    @Test func frequentEscalationsGrouped() async throws {
        let report = try await seeded()
        #expect(report.frequentEscalations.first?.count == 2)
        #expect(report.frequentEscalations.first?.tickets.count == 2)
        #expect(report.frequentEscalations.count == 2)
    }
}
