import Foundation
import GRDB
import Testing

@testable import Dialogue
@testable import Retrieval
@testable import Storage

/// Questions and tickets by the askers' province, over a real store whose conversations were
/// opened with agencies; the figures are worked out by hand in the comments.
@Suite struct ProvinceReportTests {
    static func day(_ text: String) -> Date { ISO8601DateFormatter().date(from: text + "Z")! }

    static let topics = [Topic(id: "an-toan", name: "An toàn thông tin", unit: "ATTT"),
                         Topic(id: "nen-tang", name: "Nền tảng", unit: "CDS"),
                         Topic(id: "du-lieu", name: "Dữ liệu", unit: "CDS")]

    /// Period 2026-11-01 … 2026-11-15, "now" 2026-11-15.
    func seeded(unit: String? = nil) async throws -> Report {
        let store = try SQLiteStore(DatabaseQueue())
        // Nghệ An; Thành phố Hồ Chí Minh twice (an old province's name, and an agency given in a
        // later hello); a ministry; a gateway user who gave none.
        let nghean = try await store.open(ConversationIdentity(name: "Lan", agency: "Sở Nội vụ tỉnh Nghệ An")).conversation.id
        let binhduong = try await store.open(ConversationIdentity(agency: "so thong tin va truyen thong binh duong")).conversation.id
        let later = try await store.open(ConversationIdentity()).conversation.id
        _ = try await store.open(ConversationIdentity(conversation: later, agency: "UBND TP. Hồ Chí Minh"))
        let ministry = try await store.open(ConversationIdentity(agency: "Bộ Nội vụ")).conversation.id
        let zalo = try await store.open(ConversationIdentity(channel: "zalo", user: "84900000001")).conversation.id

        func ask(_ conversation: String, _ replies: [(kind: String, topic: String?, date: String)]) async throws {
            let messages = replies.flatMap { reply in
                [StoredMessage(direction: .incoming, kind: "say", text: "hỏi", date: Self.day(reply.date)),
                 StoredMessage(direction: .outgoing, kind: reply.kind, text: "đáp", topic: reply.topic, date: Self.day(reply.date))]
            }
            try await store.record(messages, state: ConversationState(), of: conversation)
        }
        // Nghệ An: an-toan 4 (3 answers, 1 ticket), nen-tang 2, du-lieu 1, a topic without a name
        // 1 → 8 questions; one more in October (the previous period) does not count.
        try await ask(nghean, [("answer", "an-toan", "2026-11-02T08:00:00"), ("answer", "an-toan", "2026-11-03T08:00:00"),
                               ("answer", "an-toan", "2026-11-03T09:00:00"), ("escalated", "an-toan", "2026-11-04T00:00:00"),
                               ("suggest", "nen-tang", "2026-11-05T08:00:00"), ("suggest", "nen-tang", "2026-11-06T08:00:00"),
                               ("answer", "du-lieu", "2026-11-07T08:00:00"), ("answer", "van-ban-dt", "2026-11-08T08:00:00"),
                               ("answer", "an-toan", "2026-10-20T08:00:00"), ("chat", nil, "2026-11-08T09:00:00")])
        // Hồ Chí Minh: du-lieu 2 (Bình Dương), an-toan 1 (the later hello) → 3.
        try await ask(binhduong, [("answer", "du-lieu", "2026-11-02T10:00:00"), ("answer", "du-lieu", "2026-11-03T10:00:00")])
        try await ask(later, [("answer", "an-toan", "2026-11-04T10:00:00")])
        try await store.record([StoredMessage(direction: .incoming, kind: "feedback", text: "helpful",
                                              date: Self.day("2026-11-04T11:00:00"))], state: ConversationState(), of: later)
        // Unplaced: the ministry's an-toan 2, the gateway user's nen-tang 1 → 3.
        try await ask(ministry, [("answer", "an-toan", "2026-11-05T10:00:00"), ("answer", "an-toan", "2026-11-06T10:00:00")])
        try await ask(zalo, [("suggest", "nen-tang", "2026-11-05T11:00:00")])

        try await store.writer.write { db in
            func ticket(_ conversation: String, _ unit: String, _ topic: String, _ status: String, created: String,
                        answered: String?, due: String) throws -> Int
            {
                try db.execute(
                    sql: """
                        INSERT INTO ticket (conversationId, kind, topic, unit, question, context, status, due, createdAt, updatedAt, answeredAt)
                        VALUES (?, 'cau-hoi', ?, ?, 'Câu hỏi', '[]', ?, ?, ?, ?, ?)
                        """,
                    arguments: [conversation, topic, unit, status, StoredDate.text(Self.day(due)), StoredDate.text(Self.day(created)),
                                StoredDate.text(Self.day(created)), answered.map { StoredDate.text(Self.day($0)) }])
                return Int(db.lastInsertedRowID)
            }
            // Nghệ An: answered after 6 h; still open and past due, 5 days old at "now" (120 h).
            _ = try ticket(nghean, "ATTT", "an-toan", "answered", created: "2026-11-04T00:00:00", answered: "2026-11-04T06:00:00",
                           due: "2026-11-07T00:00:00")
            _ = try ticket(nghean, "CDS", "nen-tang", "new", created: "2026-11-10T00:00:00", answered: nil, due: "2026-11-12T00:00:00")
            // Hồ Chí Minh: answered after 2 h; closed unanswered after 24 h.
            _ = try ticket(later, "ATTT", "an-toan", "answered", created: "2026-11-05T00:00:00", answered: "2026-11-05T02:00:00",
                           due: "2026-11-08T00:00:00")
            let closed = try ticket(binhduong, "CDS", "du-lieu", "closed", created: "2026-11-06T00:00:00", answered: nil,
                                    due: "2026-11-09T00:00:00")
            try db.execute(sql: "INSERT INTO ticketEvent (ticket, actor, action, detail, date) VALUES (?, 'h', 'closed', '', ?)",
                           arguments: [closed, StoredDate.text(Self.day("2026-11-07T00:00:00"))])
            // The ministry: one open, not yet due.
            _ = try ticket(ministry, "CDS", "nen-tang", "assigned", created: "2026-11-14T00:00:00", answered: nil,
                           due: "2026-11-19T00:00:00")
        }
        let directory = try Corpus.load(from: BundledCorpus.directory).provinces
        return try await ReportBuilder(store: store, topics: Self.topics, provinces: directory).build(
            since: Self.day("2026-11-01T00:00:00"), until: Self.day("2026-11-15T00:00:00"), unit: unit,
            now: Self.day("2026-11-15T00:00:00"))
    }

    @Test func figuresByProvince() async throws {
        let report = try await seeded()
        #expect(report.provinces.map(\.province) == ["nghe-an", "ho-chi-minh"])
        let nghean = try #require(report.provinces.first)
        #expect(nghean.name == "Nghệ An" && nghean.questions == 8)
        #expect(nghean.tickets == 2 && nghean.openTickets == 1 && nghean.pastDue == 1)
        #expect(abs((nghean.waitMedianHours ?? 0) - 6) < 0.01 && abs((nghean.waitMaxHours ?? 0) - 120) < 0.01)
        #expect(nghean.topics == [.init(topic: "an-toan", name: "An toàn thông tin", count: 4),
                                  .init(topic: "nen-tang", name: "Nền tảng", count: 2),
                                  .init(topic: "du-lieu", name: "Dữ liệu", count: 1)])
        let hcm = report.provinces[1]
        #expect(hcm.name == "Thành phố Hồ Chí Minh" && hcm.questions == 3)
        #expect(hcm.tickets == 2 && hcm.openTickets == 0 && hcm.pastDue == 0)
        #expect(abs((hcm.waitMedianHours ?? 0) - 2) < 0.01 && abs((hcm.waitMaxHours ?? 0) - 24) < 0.01)
        #expect(hcm.topics.map(\.topic) == ["du-lieu", "an-toan"])
        #expect(report.unplacedQuestions == 3 && report.unplacedTickets == 1)
        // Every question and ticket is either in a province or unplaced.
        #expect(report.provinces.map(\.questions).reduce(0, +) + report.unplacedQuestions == report.questions)
        #expect(report.provinces.map(\.tickets).reduce(0, +) + report.unplacedTickets == report.tickets)
    }

    /// A unit's report counts its topics' questions and its tickets only.
    @Test func aUnitsProvinces() async throws {
        let report = try await seeded(unit: "ATTT")
        #expect(report.provinces.map(\.province) == ["nghe-an", "ho-chi-minh"])
        #expect(report.provinces.map(\.questions) == [4, 1])
        #expect(report.provinces.map(\.tickets) == [1, 1])
        #expect(report.provinces[0].topics.map(\.topic) == ["an-toan"])
        #expect(report.unplacedQuestions == 2 && report.unplacedTickets == 0)
    }

    /// A conversation resumed with a hello naming an agency keeps it; one naming none keeps the
    /// agency it had.
    @Test func helloRecordsTheAgency() async throws {
        let store = try SQLiteStore(DatabaseQueue())
        let id = try await store.open(ConversationIdentity(name: "Lan")).conversation.id
        let (named, resumed) = try await store.open(ConversationIdentity(conversation: id, agency: "Sở Nội vụ tỉnh Nghệ An"))
        #expect(resumed && named.agency == "Sở Nội vụ tỉnh Nghệ An")
        #expect(try await store.open(ConversationIdentity(conversation: id)).conversation.agency == "Sở Nội vụ tỉnh Nghệ An")
        _ = try await store.open(ConversationIdentity(conversation: id, agency: "  Sở Nội vụ tỉnh Hà Tĩnh "))
        #expect(try await store.conversation(id)?.agency == "Sở Nội vụ tỉnh Hà Tĩnh")
        _ = try await store.open(ConversationIdentity(conversation: id, agency: "   "))
        #expect(try await store.conversation(id)?.agency == "Sở Nội vụ tỉnh Hà Tĩnh")

        _ = try await store.open(ConversationIdentity(channel: "zalo", user: "1"))
        let gateway = try await store.open(ConversationIdentity(channel: "zalo", user: "1", agency: "UBND tỉnh Cà Mau"))
        #expect(gateway.resumed && gateway.conversation.agency == "UBND tỉnh Cà Mau")
        #expect(try await store.conversation(gateway.conversation.id)?.agency == "UBND tỉnh Cà Mau")
    }
}
