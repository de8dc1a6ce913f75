import Foundation
import Synchronization
import Logging
import Testing

import Daemon
@testable import Dialogue
@testable import PostgresStorage
@testable import Retrieval

/// What only a store shared by several daemons must do: exchanges of one conversation made on
/// two daemons at once never lose each other's state, and each daemon hears of what the others
/// changed, in order, even when a notification is lost.
@Suite(.enabled(if: PostgresScratch.base != nil || PostgresScratch.required,
                "PostgreSQL is needed: set MOTCUA_TEST_POSTGRES (see .ci/run)"))
struct PostgresStoreTests {
    /// Two stores on one schema, as two daemons have.
    func pair() async throws -> (PostgresStore, PostgresStore) {
        let address = try PostgresScratch.address()
        let first = try await PostgresStore.open(address, connections: 8, logger: Logger(label: "a"))
        let second = try await PostgresStore.open(address, connections: 8, logger: Logger(label: "b"))
        return (first, second)
    }

    /// Each exchange reads the state the previous one stored, whichever daemon stored it:
    /// 2 × 40 increments of a counter kept in the state end at 80.
    @Test func exchangesOfOneConversationNeverOverlap() async throws {
        let (a, b) = try await pair()
        let conversation = try await a.open(ConversationIdentity()).conversation.id
        try await withThrowingTaskGroup(of: Void.self) { group in
            for store in [a, b] {
                group.addTask {
                    for _ in 0..<40 {
                        try await store.exclusive(conversation) {
                            var state = try #require(try await store.conversation(conversation)).state
                            state.lastQuestion = String((Int(state.lastQuestion ?? "0") ?? 0) + 1)
                            try await Task.sleep(for: .milliseconds(1))
                            try await store.record([StoredMessage(direction: .incoming, kind: "say", text: "x")], state: state,
                                                   of: conversation)
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await a.conversation(conversation)?.state.lastQuestion == "80")
        #expect(try await b.messages(of: conversation, last: 1000).count == 80)
    }

    /// A unit's reply to a ticket of a conversation does not wait for that conversation's
    /// exchange in progress (which holds its lock): the two cannot deadlock when the asker's
    /// message goes to the same ticket.
    @Test func aReplyDoesNotWaitForTheAskersExchange() async throws {
        let (a, b) = try await pair()
        try await a.saveUnits([UnitRecord(id: "ATTT", name: "Cục An toàn thông tin")])
        let conversation = try await a.open(ConversationIdentity()).conversation.id
        let ticket = try await a.createTicket(TicketDraft(conversation: conversation, kind: .question, topic: "an-toan",
                                                          unit: "ATTT", question: "Hỏi?", context: [], due: Date()))
        let order = Heard()
        async let exchange: Void = a.exclusive(conversation) {
            try await Task.sleep(for: .seconds(2))
            order.note("exchange")
        }
        try await Task.sleep(for: .milliseconds(300))
        _ = try await b.sendToAsker(ticket.number, kind: .answer,
                                    event: TicketEvent(actor: "h", action: .replied, detail: "Đáp.", date: Date()),
                                    learned: nil, state: nil) { $0.status = .answered }
        order.note("reply")
        try await exchange
        #expect(order.all == ["reply", "exchange"])
    }

    /// A failed exchange stores nothing of itself, and the conversation goes on.
    @Test func aFailedExchangeIsRolledBack() async throws {
        let (a, _) = try await pair()
        let conversation = try await a.open(ConversationIdentity()).conversation.id
        struct Refused: Error {}
        await #expect(throws: Refused.self) {
            try await a.exclusive(conversation) {
                try await a.record([StoredMessage(direction: .incoming, kind: "say", text: "mất")], state: ConversationState(),
                                   of: conversation)
                throw Refused()
            }
        }
        #expect(try await a.messages(of: conversation, last: 10).isEmpty)
        try await a.exclusive(conversation) {
            try await a.record([StoredMessage(direction: .incoming, kind: "say", text: "còn")], state: ConversationState(),
                               of: conversation)
        }
        #expect(try await a.messages(of: conversation, last: 10).map(\.text) == ["còn"])
    }

    /// What one daemon changes reaches the other in order — tickets, replies, drafts, knowledge
    /// saved and retired — and never the daemon that made it; changes made while the follower
    /// was not running are read when it starts from its mark.
    @Test func changesReachTheOtherDaemonInOrder() async throws {
        let (a, b) = try await pair()
        try await b.markPosition()
        try await a.saveUnits([UnitRecord(id: "ATTT", name: "Cục An toàn thông tin")])
        let conversation = try await a.open(ConversationIdentity(channel: "zalo", user: "1")).conversation.id
        let ticket = try await a.createTicket(TicketDraft(conversation: conversation, kind: .question, topic: "an-toan",
                                                          unit: "ATTT", question: "Hỏi?", context: [], due: Date()))
        let heard = Heard()
        let following = Task { await b.follow { heard.add($0) } }
        let ownFollowing = Task { await a.follow { heard.addOwn($0) } }
        defer {
            following.cancel()
            ownFollowing.cancel()
        }
        let entry = KnowledgeEntry(id: "moi", question: "Mới?", answer: "Mới.")
        try await a.saveEntry(entry, source: "test")
        // A change names its row, which the follower reads as it is then: a retirement logged
        // before the save was read would make both read "retired" (the index ends the same).
        let saved = ContinuousClock.now + .seconds(5)
        while !heard.all.contains("knowledge moi saved") && ContinuousClock.now < saved {
            try await Task.sleep(for: .milliseconds(20))
        }
        _ = try await a.sendToAsker(ticket.number, kind: .answer,
                                    event: TicketEvent(actor: "h", action: .replied, detail: "Đáp.", date: Date()),
                                    learned: .draft(DraftEntry(kb: "phieu-\(ticket.number)", ticket: ticket.number, unit: "ATTT",
                                                               topic: nil, question: "Hỏi?", answer: "Đáp.", createdAt: Date())),
                                    state: nil) { $0.status = .answered }
        _ = try await a.retireEntry("moi")
        await a.relay(.ticket(ticket, .reopened))
        let deadline = ContinuousClock.now + .seconds(5)
        while heard.all.count < 6 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(heard.all == ["ticket \(ticket.number) new", "knowledge moi saved", "reply \(ticket.number)",
                              "draft phieu-\(ticket.number)", "knowledge moi retired", "ticket \(ticket.number) reopened"])
        #expect(heard.own.isEmpty, "a daemon does not hear its own changes again")
    }

    /// Changes written while the follower's notifications are lost are still read (the
    /// half-second read), within a second.
    @Test func noNotificationNeeded() async throws {
        let (a, b) = try await pair()
        try await b.markPosition()
        let heard = Heard()
        let following = Task { await b.follow { heard.add($0) } }
        defer { following.cancel() }
        try await Task.sleep(for: .milliseconds(200))
        // A change logged without its NOTIFY, as if the notification were lost.
        try await a.client.withConnection { connection in
            try await a.run("INSERT INTO knowledge_entry (id, json, source, updated_at) VALUES ('x', \(try PostgresStore.json(KnowledgeEntry(id: "x", question: "X?", answer: "X."))), 'test', now())", on: connection)
            try await a.run("INSERT INTO change (origin, kind, ref) VALUES ('elsewhere', 'knowledge', 'x')", on: connection)
        }
        let start = ContinuousClock.now
        while heard.all.isEmpty && ContinuousClock.now - start < .seconds(3) { try await Task.sleep(for: .milliseconds(20)) }
        #expect(heard.all == ["knowledge x saved"])
        #expect(ContinuousClock.now - start < .seconds(1))
    }
}

/// What a follower heard, in words.
final class Heard: Sendable {
    private let heard = Mutex<[String]>([])
    private let ownHeard = Mutex<[String]>([])

    var all: [String] { heard.withLock { $0 } }
    var own: [String] { ownHeard.withLock { $0 } }

    func add(_ change: StoreChange) { heard.withLock { $0.append(Self.describe(change)) } }
    func note(_ text: String) { heard.withLock { $0.append(text) } }
    func addOwn(_ change: StoreChange) { ownHeard.withLock { $0.append(Self.describe(change)) } }

    static func describe(_ change: StoreChange) -> String {
        switch change {
        case .desk(.ticket(let ticket, let notice)): "ticket \(ticket.number) \(notice.rawValue)"
        case .desk(.reply(let delivery)): "reply \(delivery.ticket)"
        case .desk(.draft(let draft)): "draft \(draft.kb)"
        case .desk: "other"
        case .knowledge(let id, let entry): "knowledge \(id) " + (entry == nil ? "retired" : "saved")
        }
    }
}
