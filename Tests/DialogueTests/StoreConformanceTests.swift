import Foundation
import Testing

import Daemon
@testable import Dialogue
@testable import Retrieval

/// What every store must do alike, beyond the conversations (`StoreTests`), the desk
/// (`EscalationTests`) and the reports (`ReportTests`): the outbox, review, tokens, the search
/// over tickets, reminders and the catalogue — run on SQLite and on PostgreSQL.
@Suite struct StoreConformanceTests {
    func desk(_ kind: StoreKind) async throws -> (any DaemonAssembly.Store, conversation: String, ticket: Ticket) {
        let store = try await kind.make()
        try await store.saveUnits([UnitRecord(id: "ATTT", name: "Cục An toàn thông tin"), UnitRecord(id: "CDS", name: "Cục CĐS")])
        let conversation = try await store.open(ConversationIdentity(channel: "telegram", user: "42")).conversation.id
        let ticket = try await store.createTicket(TicketDraft(
            conversation: conversation, kind: .question, topic: "an-toan", unit: "ATTT", question: "Chữ ký số cấp cho ai?",
            context: ["Người hỏi: chữ ký số"], due: Date().addingTimeInterval(3 * 86_400)))
        return (store, conversation, ticket)
    }

    /// A reply waits in the outbox until its asker acknowledges it; a failed delivery is kept
    /// with its reason and count, and the ticket flagged until it is delivered.
    @Test(arguments: StoreKind.testable) func outbox(_ kind: StoreKind) async throws {
        let (store, conversation, ticket) = try await desk(kind)
        #expect(try await store.ticket(ticket.number) == ticket, "the ticket returned is the ticket stored")
        let (answered, delivery) = try await store.sendToAsker(
            ticket.number, kind: .answer, event: TicketEvent(actor: "h1", action: .replied, detail: "Trả lời.", date: Date()),
            learned: nil, state: nil) { $0.status = .answered }
        #expect(answered.status == .answered && delivery.channel == "telegram" && delivery.user == "42")
        #expect(try await store.pendingDeliveries(conversation: conversation, limit: 10).map(\.id) == [delivery.id])
        #expect(try await store.pendingDeliveries(channel: "telegram", after: 0, limit: 10).map(\.text) == ["Trả lời."])
        #expect(try await store.pendingDeliveries(channel: "telegram", after: delivery.id, limit: 10).isEmpty)
        #expect(try await store.pendingDeliveries(channel: "zalo", after: 0, limit: 10).isEmpty)
        let backlog = try await store.backlog(at: Date().addingTimeInterval(4 * 86_400))
        #expect(backlog.outbox?["telegram"]?.count == 1 && (backlog.outbox?["telegram"]?.oldestSeconds ?? 0) > 3 * 86_400)
        #expect(backlog.overdue == [:], "an answered ticket is not overdue")
        #expect(try await store.markUndelivered(delivery: delivery.id, conversation: conversation, reason: "blocked", attempts: 2,
                                                at: Date()))
        #expect(try await store.markUndelivered(delivery: delivery.id, conversation: conversation, reason: nil, attempts: 1,
                                                at: Date()))
        #expect(try await store.ticket(ticket.number)?.undelivered == true)
        let failed = try #require(try await store.deliveryStates(ticket: ticket.number).first)
        #expect(failed.status == .undelivered && failed.attempts == 3 && failed.reason == "blocked")
        #expect(try await !store.acknowledge(delivery: delivery.id, conversation: ConversationID.make(), at: Date()),
                "another conversation cannot acknowledge it")
        #expect(try await store.acknowledge(delivery: delivery.id, conversation: conversation, at: Date()))
        #expect(try await store.acknowledge(delivery: delivery.id, conversation: conversation, at: Date()), "twice is harmless")
        #expect(try await store.pendingDeliveries(conversation: conversation, limit: 10).isEmpty)
        #expect(try await store.ticket(ticket.number)?.undelivered == false)
        #expect(try await store.deliveryStates(ticket: ticket.number).map(\.status) == [.delivered])
        let actions = try await store.events(of: ticket.number).map(\.action)
        #expect(actions == [.created, .replied, .undelivered, .undelivered, .delivered])
        #expect(try await !store.markUndelivered(delivery: delivery.id, conversation: conversation, reason: "x", attempts: 1,
                                                 at: Date()), "a delivered reply is not failed afterwards")
    }

    /// A new ticket is returned as a later read gives it back, whatever its dates' last digits.
    @Test(arguments: StoreKind.testable) func ticketsReadBackAsReturned(_ kind: StoreKind) async throws {
        let (store, conversation, _) = try await desk(kind)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<100 {
            let created = Date(timeIntervalSince1970: Double.random(in: 1_700_000_000...1_900_000_000, using: &generator))
            let ticket = try await store.createTicket(TicketDraft(
                conversation: conversation, kind: .question, topic: "an-toan", unit: "ATTT", question: "Hỏi?", context: [],
                due: created.addingTimeInterval(Double.random(in: 0...900_000, using: &generator)), createdAt: created))
            #expect(try await store.ticket(ticket.number) == ticket)
        }
    }

    /// A draft waits for review; approving publishes it once, a second decision finds nothing.
    @Test(arguments: StoreKind.testable) func review(_ kind: StoreKind) async throws {
        let (store, _, ticket) = try await desk(kind)
        let draft = DraftEntry(kb: "phieu-\(ticket.number)", ticket: ticket.number, unit: "ATTT", topic: "an-toan",
                               question: ticket.question, answer: "Cho tổ chức.", createdAt: Date())
        try await store.proposeDraft(draft)
        #expect(try await store.drafts(unit: "ATTT", limit: 10).map(\.kb) == [draft.kb])
        #expect(try await store.drafts(unit: "CDS", limit: 10).isEmpty)
        let event = TicketEvent(actor: "h3", action: .approved, detail: draft.kb, date: Date())
        let (decided, entry) = try await store.reviewDraft(draft.kb, event: event) { draft in
            KnowledgeEntry(id: draft.kb, question: draft.question, answer: draft.answer, topic: draft.topic)
        }
        #expect(decided.kb == draft.kb && entry?.answer == "Cho tổ chức.")
        #expect(try await store.entry(draft.kb)?.answer == "Cho tổ chức.")
        #expect(try await store.knowledgeEntries().map(\.id) == [draft.kb])
        await #expect(throws: EscalationError.unknownEntry(draft.kb)) {
            _ = try await store.reviewDraft(draft.kb, event: event) { _ in nil }
        }
        #expect(try await store.retireEntry(draft.kb))
        #expect(try await !store.retireEntry(draft.kb))
        #expect(try await store.knowledgeEntries().isEmpty)
    }

    /// Tokens are kept as hashes, revoked once; unknown ids are told apart.
    @Test(arguments: StoreKind.testable) func handlersAndGateways(_ kind: StoreKind) async throws {
        let store = try await kind.make()
        let hash = Data((0..<32).map { UInt8($0) })
        let expiry = Date(timeIntervalSince1970: 1_800_000_000.123)
        try await store.addHandler(Handler(id: "h1", unit: "ATTT", name: "Lan", reviewer: true, expiresAt: expiry), secretHash: hash)
        let (handler, stored) = try #require(try await store.handler("h1"))
        #expect(handler.name == "Lan" && handler.reviewer && !handler.revoked && stored == hash)
        #expect(abs((handler.expiresAt ?? .distantPast).timeIntervalSince(expiry)) < 0.001)
        #expect(try await store.revokeHandler("h1"))
        #expect(try await store.handler("h1")?.0.revoked == true)
        #expect(try await !store.revokeHandler("nobody"))
        #expect(try await store.handler("nobody") == nil)
        try await store.addGateway(Gateway(id: "g1", channel: "zalo", name: "OA", revoked: false, createdAt: Date()), secretHash: hash)
        #expect(try await store.gateways().map(\.channel) == ["zalo"])
        #expect(try await store.gateway("g1")?.secretHash == hash)
        #expect(try await store.revokeGateway("g1"))
        #expect(try await store.gateway("g1")?.0.revoked == true)
    }

    /// The console's search: words without diacritics, a unit's own tickets, `%` and `_` as they are.
    @Test(arguments: StoreKind.testable) func ticketSearch(_ kind: StoreKind) async throws {
        let (store, conversation, ticket) = try await desk(kind)
        let other = try await store.createTicket(TicketDraft(
            conversation: conversation, kind: .question, topic: "nen-tang", unit: "CDS", question: "Giảm 50% phí chữ ký số?",
            context: [], due: Date()))
        #expect(try await store.searchTickets(unit: "ATTT", words: ["chu", "ky"], limit: 10).map(\.number) == [ticket.number])
        #expect(try await store.searchTickets(unit: nil, words: ["chu", "ky"], limit: 10).map(\.number) == [other.number, ticket.number])
        #expect(try await store.searchTickets(unit: nil, words: ["50%"], limit: 10).map(\.number) == [other.number])
        #expect(try await store.searchTickets(unit: nil, words: ["_"], limit: 10).isEmpty)
        #expect(try await store.tickets(unit: "CDS", statuses: TicketStatus.open, limit: 10).map(\.number) == [other.number])
        #expect(try await store.tickets(conversation: conversation).map(\.number) == [other.number, ticket.number])
        #expect(try await store.openTicket(conversation: conversation, question: "Chữ ký số cấp cho ai?")?.number == ticket.number)
    }

    /// A ticket owing news is reminded once, not at every check.
    @Test(arguments: StoreKind.testable) func remindersComeOnce(_ kind: StoreKind) async throws {
        let (store, _, ticket) = try await desk(kind)
        let later = Date().addingTimeInterval(8 * 86_400)
        #expect(try await store.remindUpdates(at: Date()).isEmpty)
        #expect(try await store.remindUpdates(at: later).map(\.number) == [ticket.number])
        #expect(try await store.remindUpdates(at: later.addingTimeInterval(60)).isEmpty)
    }

    /// Console sessions are found by their hash until they expire or end; only live ones are told.
    @Test(arguments: StoreKind.testable) func consoleSessions(_ kind: StoreKind) async throws {
        let store = try await kind.make()
        let now = Date()
        let (first, second, unknown) = (Data(repeating: 1, count: 32), Data(repeating: 2, count: 32), Data(repeating: 3, count: 32))
        try await store.saveConsoleSession(hash: first, handler: "h1", expiresAt: now.addingTimeInterval(3600))
        try await store.saveConsoleSession(hash: second, handler: "h2", expiresAt: now.addingTimeInterval(60))
        #expect(try await store.consoleSession(hash: first, at: now)?.handler == "h1")
        #expect(try await store.consoleSession(hash: second, at: now.addingTimeInterval(120)) == nil, "expired")
        #expect(try await store.consoleSession(hash: unknown, at: now) == nil)
        #expect(try await store.liveConsoleSessions([first, second, unknown], at: now) == [first, second])
        try await store.endConsoleSession(hash: first)
        #expect(try await store.liveConsoleSessions([first, second], at: now.addingTimeInterval(120)).isEmpty)
    }

    /// Documents added later are kept and read back in the order added.
    @Test(arguments: StoreKind.testable) func catalogue(_ kind: StoreKind) async throws {
        let store = try await kind.make()
        let documents = ["Nghị định 13/2023/NĐ-CP", "Luật 91/2025/QH15"].enumerated().map { index, number in
            CatalogueDocument(id: "d\(index)", number: number, kind: "Luật", title: "Bảo vệ dữ liệu cá nhân \(index)",
                              issuer: "Quốc hội", date: "2025-06-26", summary: "Tóm tắt.")
        }
        try await store.saveDocuments(documents)
        try await store.saveDocuments([documents[0]])
        #expect(try await store.addedDocuments().map(\.id) == ["d0", "d1"])
    }
}
