import Foundation
import GRDB
import Synchronization
import Testing

import Daemon

@testable import Dialogue
@testable import Retrieval
@testable import Storage

/// The desk's logic without a network: kinds, tokens, ticket life, pushes.
@Suite struct EscalationTests {
    /// Recommendations, complaints and requests for an opinion are told from questions, with or
    /// without diacritics; the same words inside a question do not count.
    @Test(arguments: [
        ("Tôi kiến nghị Bộ sớm ban hành hướng dẫn kết nối LGSP cho cấp xã", TicketKind.recommendation),
        ("De nghi Cuc xem xet gia han thoi gian bao cao", .recommendation),
        ("Phản ánh: cổng dịch vụ công của tỉnh thường xuyên bị lỗi đăng nhập", .complaint),
        ("chúng tôi khiếu nại việc chậm cấp chứng thư số", .complaint),
        ("Xin ý kiến Cục về phương án thuê dịch vụ trung tâm dữ liệu", .opinion),
        ("Giấy đề nghị cấp chứng thư số gồm những gì?", .question),
        ("Muốn phản ánh về dịch vụ công thì gửi ở đâu?", .question),
        ("Hệ thống cấp độ 3 cần những biện pháp gì", .question),
        ("Phản ánh cổng dịch vụ công của huyện không truy cập được từ sáng", .complaint),
        ("Thủ tục đề nghị lắp đặt điểm kết nối mạng chuyên dùng", .question),
        ("Xin ý kiến Bộ về kế hoạch chuyển đổi số như thế nào", .question),
        ("Cổng này có hỗ trợ chữ ký số không", .question),
    ])
    func kinds(_ text: String, _ expected: TicketKind) {
        #expect(KindDetector().kind(of: text) == expected)
    }

    /// Kinds are read from their codes and their Vietnamese names.
    @Test func kindNames() {
        #expect(TicketKind(text: "kien-nghi") == .recommendation)
        #expect(TicketKind(text: "Phản ánh") == .complaint)
        #expect(TicketKind(text: "xin y kien") == .opinion)
        #expect(TicketKind(text: "khác") == nil)
    }

    /// Tokens carry 256 random bits; only their hash is kept; a changed character fails.
    @Test func tokens() throws {
        let (id, token, hash) = HandlerTokens.make()
        let (parsedID, secret) = try #require(HandlerTokens.parse(token))
        #expect(parsedID == id && secret.count == 64)
        #expect(HandlerTokens.equalInConstantTime(HandlerTokens.hash(secret), hash))
        #expect(!token.contains(hash.map { String(format: "%02x", $0) }.joined()))
        var other = Array(secret)
        other[10] = other[10] == "a" ? "b" : "a"
        #expect(!HandlerTokens.equalInConstantTime(HandlerTokens.hash(String(other)), hash))
        #expect(HandlerTokens.parse("mc1.\(id).short") == nil)
        #expect(HandlerTokens.make().token != token)
    }

    /// A desk over an in-memory store with two units.
    func desk(_ kind: StoreKind) async throws -> (EscalationService, any DaemonAssembly.Store, Learned) {
        let store = try await kind.make()
        try await store.saveUnits([UnitRecord(id: "ATTT", name: "Cục An toàn thông tin"),
                                   UnitRecord(id: "CDS", name: "Cục Chuyển đổi số quốc gia")])
        let learned = Learned()
        let fake = FakeSearch()
        let service = EscalationService(
            store: store,
            configuration: EscalationService.Configuration(topics: [Topic(id: "an-toan", name: "An toàn", unit: "ATTT")]),
            search: { fake.search($0) }, entry: { fake.entries[$0] }, learn: { entry in learned.ids.withLock { $0.append(entry.id) } },
            forget: { _ in })
        return (service, store, learned)
    }

    /// A ticket's life: new → assigned → answered → closed → reopened; what is not allowed in a
    /// state is refused and changes nothing; every step is in the trail.
    @Test(arguments: StoreKind.testable) func ticketLife(_ kind: StoreKind) async throws {
        let (desk, store, learned) = try await desk(kind)
        let conversation = try await store.open(ConversationIdentity()).conversation.id
        let ticket = try await desk.escalate(conversation: conversation, question: "Câu hỏi khó?", kind: nil, context: [])
        #expect(ticket.status == .new && ticket.unit == "ATTT" && ticket.topic == "an-toan")
        #expect(ticket.due > Date().addingTimeInterval(71 * 3600))
        let handler = Handler(id: "h1", unit: "ATTT", name: "A")
        let stranger = Handler(id: "h2", unit: "CDS", name: "B")
        await #expect(throws: EscalationError.unknownTicket(ticket.number)) { try await desk.claim(ticket.number, by: stranger) }
        #expect(try await desk.claim(ticket.number, by: handler).status == .assigned)
        let (answered, delivery) = try await desk.reply(ticket.number, by: handler, text: "Trả lời.", reusable: false)
        #expect(answered.status == .answered && answered.answeredAt != nil)
        #expect(learned.ids.withLock { $0 }.isEmpty)
        #expect(try await desk.pending(conversation: conversation).map(\.id) == [delivery.id])
        #expect(try await desk.close(ticket.number, by: handler).status == .closed)
        await #expect(throws: EscalationError.self) { try await desk.reply(ticket.number, by: handler, text: "x", reusable: true) }
        #expect(try await desk.reopen(ticket.number, by: handler).status == .assigned)
        _ = try await desk.reply(ticket.number, by: handler, text: "Trả lời mới.", reusable: true)
        // A reusable answer waits for the unit's reviewer before it answers anyone else.
        #expect(learned.ids.withLock { $0 }.isEmpty)
        let id = EscalationService.entryID(ticket.number)
        await #expect(throws: EscalationError.notAllowed) { try await desk.approve(id, by: handler, question: nil, answer: nil) }
        let reviewer = Handler(id: "h3", unit: "ATTT", name: "C", reviewer: true)
        await #expect(throws: EscalationError.unknownEntry(id)) {
            try await desk.approve(id, by: Handler(id: "h4", unit: "CDS", name: "D", reviewer: true), question: nil, answer: nil)
        }
        #expect(try await desk.approve(id, by: reviewer, question: nil, answer: nil).answer == "Trả lời mới.")
        #expect(learned.ids.withLock { $0 } == [EscalationService.entryID(ticket.number)])
        let actions = try await store.events(of: ticket.number).map(\.action.rawValue)
        #expect(actions == ["created", "claimed", "replied", "closed", "reopened", "replied", "approved"])
        // Ratings: 1–5, the asker's own answered ticket only.
        await #expect(throws: EscalationError.self) {
            try await desk.rate(conversation: conversation, ticket: ticket.number, score: 6, comment: nil)
        }
        try await desk.rate(conversation: conversation, ticket: ticket.number, score: 4, comment: "ổn")
        await #expect(throws: EscalationError.unknownTicket(ticket.number)) {
            try await desk.rate(conversation: "00000000000000000000000000000000", ticket: ticket.number, score: 4, comment: nil)
        }
    }

    /// A question the bot could not answer is searched once: the ticket's topic comes from the
    /// entries that search already ranked.
    @Test(arguments: StoreKind.testable) func escalationSearchesOnce(_ kind: StoreKind) async throws {
        let store = try await kind.make()
        try await store.saveUnits([UnitRecord(id: "ATTT", name: "Cục An toàn thông tin")])
        let fake = FakeSearch()
        let desk = EscalationService(
            store: store,
            configuration: EscalationService.Configuration(topics: [Topic(id: "an-toan", name: "An toàn", unit: "ATTT")]),
            search: { fake.search($0) }, entry: { fake.entries[$0] }, learn: { _ in }, forget: { _ in })
        let service = DialogueService(store: store, dialogue: fake.dialogue, escalation: desk)
        let id = try await service.open(ConversationIdentity()).conversation.id
        let reply = try await service.handle(.say("thời tiết mai thế nào"),
                                             incoming: StoredMessage(direction: .incoming, kind: "say", text: "thời tiết"),
                                             in: id)
        guard case .escalated(let receipt) = reply else { Issue.record("expected a ticket"); return }
        #expect(receipt.topic == "an-toan" && receipt.unit == "ATTT")
        #expect(fake.asked.withLock { $0 } == ["thời tiết mai thế nào"])
        #expect(try await store.conversation(id)?.state.nearest == nil)
    }

    /// Handlers hear of their unit's new tickets (admins of all), askers of their replies, and
    /// a transfer tells the new unit.
    @Test(arguments: StoreKind.testable) func pushes(_ kind: StoreKind) async throws {
        let (desk, store, _) = try await desk(kind)
        let heard = Mutex<[String]>([])
        func listener(_ name: String) -> @Sendable (DeskEvent) -> Void {
            { event in
                let what = switch event {
                case .ticket(let ticket, _): "ticket \(ticket.number) \(ticket.unit)"
                case .reply(let delivery): "reply \(delivery.ticket)"
                case .draft(let draft): "draft \(draft.kb)"
                case .signedOut(let handler, _): "signed out \(handler)"
                case .presence(let change): "presence \(change.ticket)"
                case .gatewayRevoked(let gateway): "gateway revoked \(gateway)"
                }
                heard.withLock { $0.append("\(name): \(what)") }
            }
        }
        let conversation = try await store.open(ConversationIdentity()).conversation.id
        _ = desk.hub.subscribe(EventHub.Interest(handler: "h1", unit: "ATTT"), deliver: listener("attt"))
        _ = desk.hub.subscribe(EventHub.Interest(handler: "h2", unit: "CDS"), deliver: listener("cds"))
        _ = desk.hub.subscribe(EventHub.Interest(handler: "h0", unit: "VP", admin: true), deliver: listener("admin"))
        _ = desk.hub.subscribe(EventHub.Interest(conversation: conversation), deliver: listener("asker"))
        let ticket = try await desk.escalate(conversation: conversation, question: "Hỏi?", kind: .question, context: [])
        let handler = Handler(id: "h1", unit: "ATTT", name: "A")
        _ = try await desk.note(ticket.number, by: handler, text: "nội bộ")
        _ = try await desk.transfer(ticket.number, by: handler, to: "CDS")
        _ = try await desk.reply(ticket.number, by: Handler(id: "h2", unit: "CDS", name: "B"), text: "Đây.", reusable: true)
        let n = ticket.number
        #expect(heard.withLock { Set($0) } == [
            "attt: ticket \(n) ATTT", "admin: ticket \(n) ATTT", "cds: ticket \(n) CDS", "admin: ticket \(n) CDS",
            "asker: reply \(n)", "admin: draft phieu-\(n)",
        ])
        await #expect(throws: EscalationError.unknownUnit("XYZ")) { try await desk.transfer(n, by: handler, to: "XYZ") }
    }
}

/// Ids of entries the desk taught the index.
final class Learned: Sendable {
    let ids = Mutex<[String]>([])
}
