import Foundation
import GRDB
import Synchronization
import Testing

@testable import Dialogue
@testable import Retrieval
@testable import Storage

/// The stores and the service that writes through them (the cases with a `StoreKind` run on
/// SQLite and PostgreSQL: one conformance suite for both).
@Suite struct StoreTests {
    func store() throws -> SQLiteStore { try SQLiteStore(DatabaseQueue()) }

    /// Conversation ids are 128 random bits and never repeat.
    /// Tickets raised before their questions were kept folded (a data directory of an older
    /// version) are found by the search once the store opens it.
    @Test func olderTicketsAreSearchableAfterTheMigration() async throws {
        let queue = try DatabaseQueue()
        try await queue.writeWithoutTransaction { db in db.add(function: SQLiteStore.foldedFunction) }
        try Migrations.migrator.migrate(queue, upTo: "v6: gateways, delivery attempts")
        try await queue.write { db in
            try db.execute(sql: "INSERT INTO conversation (id, state, createdAt, updatedAt) VALUES ('c1', '{}', '2026-01-01', '2026-01-01')")
            try db.execute(sql: """
                INSERT INTO ticket (conversationId, kind, topic, unit, question, context, status, due, createdAt, updatedAt, updateDue)
                VALUES ('c1', 'cau-hoi', 'an-toan', 'ATTT', 'Chữ ký số chuyên dùng cấp cho ai?', '[]', 'new',
                        '2026-01-05', '2026-01-01', '2026-01-01', '2026-01-08')
                """)
        }
        let store = try SQLiteStore(queue)
        let found = try await store.searchTickets(unit: "ATTT", words: ["chu", "ky", "so"], limit: 10)
        #expect(found.map(\.question) == ["Chữ ký số chuyên dùng cấp cho ai?"])
        #expect(try await queue.read { db in try String.fetchOne(db, sql: "SELECT questionFolded FROM ticket") } == "chu ky so chuyen dung cap cho ai?")
        #expect(try await store.searchTickets(unit: "CDS", words: ["chu"], limit: 10).isEmpty)
    }

    @Test func conversationIDsAreUnguessable() {
        let ids = Set((0..<1000).map { _ in ConversationID.make() })
        #expect(ids.count == 1000)
        #expect(ids.allSatisfy { ConversationID.isWellFormed($0) })
        #expect(!ConversationID.isWellFormed("1234"))
    }

    /// A conversation is resumed by its id, or by channel and user; unknown ids start a new one.
    @Test(arguments: StoreKind.testable) func openAndResume(_ kind: StoreKind) async throws {
        let store = try await kind.make()
        let (first, resumedFirst) = try await store.open(ConversationIdentity(name: "Lan"))
        #expect(!resumedFirst)
        let (again, resumed) = try await store.open(ConversationIdentity(conversation: first.id))
        #expect(resumed && again.id == first.id && again.name == "Lan")
        let (zalo, zaloResumed) = try await store.open(ConversationIdentity(channel: "zalo", user: "84912345678"))
        #expect(!zaloResumed)
        let (zaloAgain, zaloAgainResumed) = try await store.open(ConversationIdentity(channel: "zalo", user: "84912345678"))
        #expect(zaloAgainResumed && zaloAgain.id == zalo.id)
        let (other, otherResumed) = try await store.open(ConversationIdentity(conversation: ConversationID.make()))
        #expect(!otherResumed && other.id != first.id)
    }

    /// A row this version cannot read is never replaced by a default, and it blocks nothing
    /// but itself: lists leave it out, a read of it alone fails with an error naming it, and
    /// the store reports it (table, row, never the values). A conversation whose state is
    /// damaged goes on from a fresh state — its person is not locked out.
    @Test func unreadableRowsBlockOnlyThemselves() async throws {
        let store = try store()
        let reported = Log<String>()
        store.reportUnreadableRows { reported.add($0) }
        try await store.saveUnits([UnitRecord(id: "ATTT", name: "Cục An toàn thông tin")])
        let (conversation, _) = try await store.open(ConversationIdentity(channel: "zalo", user: "84912345678"))
        func raise(_ question: String) async throws -> Ticket {
            try await store.createTicket(TicketDraft(conversation: conversation.id, kind: .question, topic: "an-toan",
                                                     unit: "ATTT", question: question, context: [], due: Date()))
        }
        let damaged = try await raise("Câu hỏi của chị Lan, số 0912345678?")
        let sound = try await raise("Câu hỏi khác?")
        try await store.writer.write { db in
            try db.execute(sql: "UPDATE conversation SET state = ? WHERE id = ?", arguments: [Data("{}".utf8), conversation.id])
            try db.execute(sql: "UPDATE ticket SET status = 'lost' WHERE number = ?", arguments: [damaged.number])
            try db.execute(sql: "UPDATE ticketEvent SET action = 'vanished' WHERE ticket = ?", arguments: [sound.number])
        }
        let resumed = try await store.open(ConversationIdentity(channel: "zalo", user: "84912345678"))
        #expect(resumed.resumed && resumed.conversation.id == conversation.id, "the person is not locked out")
        #expect(resumed.conversation.state == ConversationState())
        let listed = try await store.tickets(unit: nil, statuses: TicketStatus.allCases, limit: 100).map(\.number)
        #expect(listed == [sound.number], "the queue lists the tickets it can read")
        await #expect(throws: CorruptRow.self) { try await store.ticket(damaged.number) }
        #expect(try await store.ticket(sound.number)?.number == sound.number)
        #expect(try await store.events(of: sound.number).isEmpty, "the unreadable event is left out of the trail")
        let problems = reported.all
        #expect(problems.contains { $0.hasPrefix("conversation \(conversation.id.prefix(8))") })
        #expect(problems.contains { $0.hasPrefix("ticket \(damaged.number):") })
        #expect(problems.contains { $0.hasPrefix("ticketEvent ") })
        #expect(!problems.contains { $0.contains("Lan") || $0.contains("0912345678") || $0.contains(conversation.id) },
                "reports name rows, never their values")
        // Nothing was overwritten by reading: the damaged state is there for a person to look at.
        let state = try await store.writer.read { db in
            try Data.fetchOne(db, sql: "SELECT state FROM conversation WHERE id = ?", arguments: [conversation.id])
        }
        #expect(state == Data("{}".utf8))
    }

    /// Messages and state are stored together and read back in order.
    @Test(arguments: StoreKind.testable) func recordMessagesAndState(_ kind: StoreKind) async throws {
        let store = try await kind.make()
        let (conversation, _) = try await store.open(ConversationIdentity())
        var state = ConversationState()
        state.lastQuestion = "cấp độ là gì"
        try await store.record([StoredMessage(direction: .incoming, kind: "say", text: "cấp độ là gì"),
                                StoredMessage(direction: .outgoing, kind: "answer", text: "Có 5 cấp độ.", entry: "e1")],
                               state: state, of: conversation.id)
        let messages = try await store.messages(of: conversation.id, last: 10)
        #expect(messages.map(\.text) == ["cấp độ là gì", "Có 5 cấp độ."])
        #expect(messages.last?.entry == "e1")
        #expect(try await store.conversation(conversation.id)?.state.lastQuestion == "cấp độ là gì")
        await #expect(throws: StoreError.self) {
            try await store.record([], state: state, of: ConversationID.make())
        }
    }

    /// Importing the corpus adds new entries, updates changed ones and leaves the rest.
    @Test(arguments: StoreKind.testable) func importCorpus(_ kind: StoreKind) async throws {
        let store = try await kind.make()
        let a = KnowledgeEntry(id: "a", question: "Hỏi A?", answer: "Đáp A.")
        let b = KnowledgeEntry(id: "b", question: "Hỏi B?", answer: "Đáp B.")
        #expect(try await store.importCorpus([a, b]) == ImportSummary(added: 2))
        var changed = b
        changed.answer = "Đáp B, sửa."
        #expect(try await store.importCorpus([a, changed]) == ImportSummary(updated: 1, unchanged: 1))
        #expect(try await store.knowledgeEntries().map(\.answer) == ["Đáp A.", "Đáp B, sửa."])
    }

    /// The service stores the message in and the reply before answering, and serialises one
    /// conversation's inputs.
    @Test(arguments: StoreKind.testable) func serviceStoresBeforeReplying(_ kind: StoreKind) async throws {
        let store = try await kind.make()
        let fake = FakeSearch()
        let service = DialogueService(store: store, dialogue: fake.dialogue)
        let (conversation, _) = try await service.open(ConversationIdentity())
        let reply = try await service.handle(.say("cấp độ an toàn là gì"),
                                             incoming: StoredMessage(direction: .incoming, kind: "say",
                                                                     text: "cấp độ an toàn là gì"),
                                             in: conversation.id)
        #expect(reply.kind == "answer")
        let stored = try await store.messages(of: conversation.id, last: 10)
        #expect(stored.map(\.kind) == ["say", "answer"])
        #expect(try await store.conversation(conversation.id)?.state.lastAnswer == "e1")

        try await withThrowingTaskGroup(of: Void.self) { group in
            for number in 0..<20 {
                group.addTask {
                    _ = try await service.handle(.say("câu \(number)"),
                                                 incoming: StoredMessage(direction: .incoming, kind: "say",
                                                                         text: "câu \(number)"),
                                                 in: conversation.id)
                }
            }
            try await group.waitForAll()
        }
        let all = try await store.messages(of: conversation.id, last: 100)
        #expect(all.count == 42)
        // In and out strictly alternate: no exchange interleaved with another.
        #expect(all.enumerated().allSatisfy { ($0.offset % 2 == 0) == ($0.element.direction == .incoming) })

        await #expect(throws: StoreError.self) {
            _ = try await service.handle(.say("x"), incoming: StoredMessage(direction: .incoming, kind: "say", text: "x"),
                                         in: ConversationID.make())
        }
    }
}

/// Conversations outlive the daemon.
@Suite struct RestartTests {
    /// A conversation is resumed after the store is closed and opened again, with its state:
    /// suggestions offered before the restart can be picked after it.
    @Test func conversationResumedAfterRestart() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("motcua-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fake = FakeSearch()
        let id: String
        do {
            let service = DialogueService(store: try SQLiteStore.open(directory: directory), dialogue: fake.dialogue)
            id = try await service.open(ConversationIdentity(channel: "telegram", user: "42")).conversation.id
            let reply = try await service.handle(.say("câu hỏi mơ hồ"),
                                                 incoming: StoredMessage(direction: .incoming, kind: "say", text: "câu hỏi mơ hồ"),
                                                 in: id)
            #expect(reply.kind == "suggest")
        }
        let service = DialogueService(store: try SQLiteStore.open(directory: directory), dialogue: fake.dialogue)
        let (record, resumed) = try await service.open(ConversationIdentity(channel: "telegram", user: "42"))
        #expect(resumed && record.id == id)
        let picked = try await service.handle(.say("2"), incoming: StoredMessage(direction: .incoming, kind: "say", text: "2"),
                                              in: id)
        guard case .answer(let answer) = picked else { Issue.record("expected the picked answer"); return }
        #expect(answer.kb == "e2")
        #expect(try await service.store.messages(of: id, last: 10).count == 4)
    }
}

/// The store's upkeep and its date format.
@Suite struct StoreUpkeepTests {
    /// Dates written by hand read back through GRDB as the same instant (to the millisecond).
    @Test(arguments: [0.0, 1_764_381_600.123, 1_798_761_599.999, 951_782_400.5, -86_400.25])
    func storedDatesReadBack(_ seconds: Double) throws {
        let date = Date(timeIntervalSince1970: seconds)
        let text = StoredDate.text(date)
        let queue = try DatabaseQueue()
        let back = try queue.read { db in try Date.fetchOne(db, sql: "SELECT ?", arguments: [text]) }
        #expect(abs(try #require(back).timeIntervalSince1970 - seconds) < 0.0006)
        #expect(text.count == 23)
    }

    /// While the daemon writes, the upkeep checkpoints the WAL; when it stops, the WAL is folded
    /// into the database and everything written is there after a restart.
    @Test func checkpointsKeepEverything() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("motcua-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try SQLiteStore.open(directory: directory)
        let upkeep = Task { await store.maintain() }
        let id = try await store.open(ConversationIdentity()).conversation.id
        for round in 0..<400 {
            try await store.record([StoredMessage(direction: .incoming, kind: "say", text: "câu hỏi \(round)")],
                                   state: ConversationState(), of: id)
            if round % 100 == 0 { try await Task.sleep(for: .milliseconds(600)) }
        }
        upkeep.cancel()
        await upkeep.value
        let wal = try FileManager.default.attributesOfItem(atPath: "\(directory)/motcua.sqlite-wal")[.size] as? Int
        #expect(wal == 0)
        let reopened = try SQLiteStore.open(directory: directory)
        let messages = try await reopened.messages(of: id, last: 1000)
        #expect(messages.count == 400)
        #expect(messages.last?.text == "câu hỏi 399")
    }
}

/// What concurrent callbacks reported, in order.
final class Log<Item: Sendable>: Sendable {
    private let items = Mutex<[Item]>([])

    func add(_ item: Item) { items.withLock { $0.append(item) } }

    var all: [Item] { items.withLock { $0 } }
}
