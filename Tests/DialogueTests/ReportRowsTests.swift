import Foundation
import GRDB
import Testing

@testable import Dialogue
@testable import Storage

/// The report's pass over a period's messages counts by dense ids of the rows' bytes: equal
/// values share an id, different ones never do, however many there are.
@Suite struct ReportRowsTests {
    func id(_ interner: inout ByteInterner, _ text: String) -> Int {
        var text = text
        return text.withUTF8 { interner.id(of: UnsafeRawBufferPointer($0)) }
    }

    @Test func equalBytesShareAnIdAndEveryValueComesBack() {
        var interner = ByteInterner()
        // Enough values to grow the table several times, conversation ids among them (longer
        // than the eight bytes hashed at a time), and the empty text.
        let values = [""] + (0..<5_000).map { "conv-\($0)-\(String(repeating: "x", count: $0 % 40))" } + ["khac", "answer"]
        let ids = values.map { id(&interner, $0) }
        #expect(ids == Array(0..<values.count))
        #expect(values.map { id(&interner, $0) } == ids)
        #expect(interner.count == values.count)
        #expect(ids.map { interner.string($0) } == values)
        // A prefix, or the same bytes one longer, is another value.
        #expect(id(&interner, "kha") == values.count)
        #expect(id(&interner, "khacc") == values.count + 1)
    }

    /// Feedback is read as helpful without regard to case, as `LOWER` read it.
    @Test func feedbackSignIgnoresCase() async throws {
        let store = try SQLiteStore(DatabaseQueue())
        let conversation = try await store.open(ConversationIdentity()).conversation.id
        let start = ISO8601DateFormatter().date(from: "2026-11-02T08:00:00Z")!
        let texts = ["HELPFUL", "/Yes", "helpful", "not helpful", "Hữu ích"]
        try await store.record(texts.enumerated().map { index, text in
            StoredMessage(direction: .incoming, kind: "feedback", text: text, date: start.addingTimeInterval(Double(index) * 60))
        }, state: ConversationState(), of: conversation)
        let report = try await ReportBuilder(store: store, topics: []).build(
            since: start.addingTimeInterval(-86_400), until: start.addingTimeInterval(86_400), now: start)
        #expect(report.helpful == 3 && report.notHelpful == 2)
    }

    /// A wording's tickets come in the order they were raised (not by number), and the same
    /// wordings come from a long period's scan and a short period's index path.
    @Test func wordingsAreTheSameThroughTheScanAndTheIndex() async throws {
        let store = try SQLiteStore(DatabaseQueue())
        let lan = try await store.open(ConversationIdentity(name: "Lan")).conversation.id
        let start = ISO8601DateFormatter().date(from: "2025-10-01T08:00:00Z")!
        @Sendable func day(_ number: Int) -> Date { start.addingTimeInterval(Double(number) * 86_400) }
        // 400 days, one ticket a day, raised in the reverse order of their numbers (the latest
        // has number 1); "Cấp lại mật khẩu" every third day, "Kết nối LGSP" the others.
        try await store.writer.write { db in
            for number in 0..<400 {
                let created = StoredDate.text(day(399 - number))
                try db.execute(
                    sql: """
                        INSERT INTO ticket (conversationId, kind, topic, unit, question, context, status, due, createdAt, updatedAt)
                        VALUES (?, 'cau-hoi', 'an-toan', 'ATTT', ?, '[]', 'new', ?, ?, ?)
                        """,
                    arguments: [lan, (399 - number) % 3 == 0 ? "Cấp lại mật khẩu" : "Kết nối LGSP", created, created, created])
            }
        }
        func wordings(days: Int) async throws -> [ReportCounts.EscalatedWording] {
            try await store.reportCounts(ReportQuery(since: day(0).addingTimeInterval(-3600),
                                                     until: day(days).addingTimeInterval(-3600), unit: nil, topics: nil, now: day(400)))
                .escalated
        }
        let paths = try await store.writer.read { db in
            [try ReportScan.tickets(db, from: StoredDate.text(day(0)), to: StoredDate.text(day(300))),
             try ReportScan.tickets(db, from: StoredDate.text(day(0)), to: StoredDate.text(day(30)))]
        }
        #expect(paths == ["ticket t NOT INDEXED", "ticket t"])
        let long = try await wordings(days: 300)
        let short = try await wordings(days: 30)
        // Days 0, 3, … 27 are asked "Cấp lại mật khẩu" (10), the other 20 days "Kết nối LGSP":
        // most asked first, numbers by the day raised (day d has number 400 − d).
        #expect(short.map(\.question) == ["Kết nối LGSP", "Cấp lại mật khẩu"])
        #expect(short.map(\.count) == [20, 10])
        #expect(short[1].tickets == stride(from: 0, to: 30, by: 3).map { 400 - $0 })
        #expect(short[0].names == ["Lan"])
        #expect(long.map(\.count) == [200, 100])
        for (whole, part) in zip(long, short) {
            #expect(whole.question == part.question)
            #expect(Array(whole.tickets.prefix(part.count)) == part.tickets)
        }
    }
}
