import ArgumentParser
import Foundation
import GRDB
import Logging
import Testing

@testable import Bot
@testable import Daemon
@testable import Dialogue
@testable import Retrieval
@testable import PostgresStorage
@testable import Storage

/// A person's data under the Law on Personal Data Protection (91/2025/QH15): everything stored
/// about a conversation exported, erased on request or by retention, with the desk's figures and
/// the knowledge it taught kept — and none of the person left in the store.
@Suite struct PrivacyTests {
    static let name = "Nguyễn Văn An"
    static let idNumber = "012345678901"
    static let phone = "0912345678"
    static let user = "987654321"
    static let agency = "Sở Thông tin và Truyền thông Hà Nội"
    /// Personal data the asker gives, in the words they use.
    static let question = "Tôi là Nguyễn Văn An, CCCD 012345678901, điện thoại 0912345678. Chi phí thuê chuyên gia "
        + "đánh giá an toàn cho hệ thống cấp độ 3 được tính theo định mức nào?"
    static let second = "Thủ tục xin cấp chứng thư số chuyên dùng cho cán bộ mới tuyển dụng gồm những giấy tờ gì, "
        + "số của tôi là 0912345678?"
    static let answer = "Theo định mức ngày công chuyên gia của Bộ. Anh Nguyễn Văn An cần thêm thì gọi 0912345678 để hẹn."
    static let secondAnswer = "Hồ sơ gồm giấy đề nghị cấp chứng thư số và quyết định tuyển dụng, nộp tại Cục Chứng thực điện tử."

    /// A daemon with the desk (review on) over `store`: one asker on Telegram with two tickets —
    /// the first answered with a draft waiting and rated, the second answered and approved as
    /// knowledge — and a third ticket still open.
    struct Desk {
        let service: DialogueService
        let store: any DaemonAssembly.Store
        let desk: EscalationService
        let clock: ManualClock
        let conversation: String
        let tickets: [Int]
        static let handler = Handler(id: "h1", unit: "ATTT", name: "Cán bộ An toàn", reviewer: true)

        static func make(store: any DaemonAssembly.Store) async throws -> Desk {
            try await store.saveUnits([UnitRecord(id: "ATTT", name: "Cục An toàn thông tin")])
            var ranking = RankingConfiguration()
            ranking.answerThreshold = 0.5
            ranking.suggestThreshold = 0.45
            let topics = [Topic(id: "an-toan", name: "An toàn thông tin", unit: "ATTT")]
            let entries = [
                KnowledgeEntry(id: "cap-do", question: "Hệ thống thông tin có mấy cấp độ an toàn?",
                               answer: "Có 5 cấp độ, từ cấp độ 1 đến cấp độ 5.", topic: "an-toan", unit: "ATTT"),
                KnowledgeEntry(id: "bao-cao", question: "Thời hạn nộp báo cáo định kỳ là khi nào?",
                               answer: "Trước ngày 15 của tháng cuối kỳ báo cáo.", topic: "an-toan", unit: "ATTT"),
            ]
            let recipe = DaemonRecipe(entries: entries, topics: topics, lexicon: Lexicon(abbreviationsText: ""),
                                      ranking: ranking, desk: EscalationService.Configuration(topics: topics),
                                      catalogue: false)
            let clock = ManualClock()
            let service = try await DaemonAssembly.open(store: store, recipe: recipe, clock: clock, logger: Logger(label: "test"))
            let desk = try #require(service.escalation)
            let (record, _) = try await service.open(
                ConversationIdentity(channel: "telegram", user: PrivacyTests.user, name: PrivacyTests.name, agency: PrivacyTests.agency))
            let id = record.id
            _ = try await Self.say("Hệ thống thông tin có mấy cấp độ an toàn?", in: id, service)
            let first = try #require(try await Self.say(PrivacyTests.question, in: id, service).ticket)
            _ = try await desk.reply(first, by: handler, text: PrivacyTests.answer, reusable: true)
            try await desk.rate(conversation: id, ticket: first, score: 4, comment: "Cảm ơn, số tôi \(PrivacyTests.phone)")
            let second = try #require(try await Self.say(PrivacyTests.second, in: id, service).ticket)
            _ = try await desk.reply(second, by: handler, text: PrivacyTests.secondAnswer, reusable: true)
            _ = try await desk.approve(EscalationService.entryID(second), by: handler, question: nil, answer: nil)
            let open = try await desk.escalate(conversation: id, question: "Cần hỏi thêm về \(PrivacyTests.idNumber)",
                                               kind: nil, context: [])
            return Desk(service: service, store: store, desk: desk, clock: clock, conversation: id,
                        tickets: [first, second, open.number])
        }

        /// A message in a conversation; the reply and, for a ticket, its number.
        @discardableResult
        static func say(_ text: String, in conversation: String, _ service: DialogueService) async throws
            -> (reply: DialogueReply, ticket: Int?)
        {
            let reply = try await service.handle(.say(text), incoming: StoredMessage(direction: .incoming, kind: "say", text: text),
                                                 in: conversation)
            if case .escalated(let receipt) = reply { return (reply, receipt.ticket) }
            return (reply, nil)
        }

        /// The report of the day around now.
        func report() async throws -> Report {
            try await ReportBuilder(store: store, topics: desk.configuration.topics)
                .build(since: clock.now.addingTimeInterval(-86_400), until: clock.now.addingTimeInterval(86_400), now: clock.now)
        }
    }

    /// Every text the store holds, in any table and column (blobs read as UTF-8).
    static func everything(in store: any DaemonAssembly.Store) async throws -> [String] {
        if let store = store as? PostgresStore {
            return try await store.withConnection { connection in
                var texts: [String] = []
                let tables = try await store.rows("""
                    SELECT table_name::text FROM information_schema.tables WHERE table_schema = \(store.address.schema)
                    """, on: connection).map { try $0.decode(String.self) }
                for table in tables {
                    for row in try await store.rows("SELECT row_to_json(t)::text FROM \(unescaped: table) t", on: connection) {
                        texts.append("\(table): " + (try row.decode(String.self)))
                    }
                }
                return texts
            }
        }
        let store = try #require(store as? SQLiteStore)
        return try await store.writer.read { db in
            var texts: [String] = []
            for table in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'") {
                for row in try Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\"") {
                    for (column, value) in row {
                        switch value.storage {
                        case .string(let text): texts.append("\(table).\(column): \(text)")
                        case .blob(let data): texts.append("\(table).\(column): " + String(decoding: data, as: UTF8.self))
                        default: break
                        }
                    }
                }
            }
            return texts
        }
    }

    /// What must not be left of the asker.
    static let personal = [idNumber, phone, name, user]

    /// The export holds the conversation's record, every message in and out, and each ticket
    /// with its trail, the unit's messages and the rating — in JSON that reads back.
    @Test(arguments: StoreKind.testable) func exportHoldsEverything(_ kind: StoreKind) async throws {
        let fixture = try await Desk.make(store: try await kind.make())
        let export = try #require(try await fixture.store.export(conversation: fixture.conversation))
        #expect(export.conversation.channel == "telegram" && export.conversation.user == Self.user)
        #expect(export.conversation.name == Self.name && export.conversation.agency == Self.agency)
        #expect(export.messages.contains { $0.direction == .incoming && $0.text == Self.question })
        #expect(export.messages.contains { $0.direction == .outgoing && $0.text.contains("Có 5 cấp độ") })
        #expect(export.tickets.map(\.number) == fixture.tickets)
        let first = try #require(export.tickets.first)
        #expect(first.question == Self.question)
        #expect(first.events.map(\.action).starts(with: ["created", "replied"]))
        #expect(first.events.contains { $0.action == "rated" })
        #expect(first.deliveries.map(\.text) == [Self.answer])
        #expect(first.rating?.score == 4 && first.rating?.comment?.contains(Self.phone) == true)
        #expect(export.tickets.last?.status == "new")
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let back = try decoder.decode(PersonalDataExport.self, from: try encoder.encode(export))
        #expect(back.messages.map(\.text) == export.messages.map(\.text) && back.tickets.count == 3)
        #expect(try await fixture.store.export(conversation: ConversationID.make()) == nil)
    }

    /// After an erase the person cannot be found by id or by their Telegram id, nothing they
    /// wrote or were written is anywhere in the store, the desk's report still counts their
    /// tickets and rating, and what their ticket taught still answers the next asker.
    @Test(arguments: StoreKind.testable) func eraseLeavesTheFiguresAndTheKnowledge(_ kind: StoreKind) async throws {
        let fixture = try await Desk.make(store: try await kind.make())
        let store = fixture.store
        let before = try await Self.everything(in: store)
        for text in Self.personal { #expect(before.contains { $0.contains(text) }, "\(text) is stored before the erase") }
        let reportBefore = try await fixture.report()
        #expect(reportBefore.tickets == 3)
        #expect(try await store.drafts(unit: nil, limit: 10).map(\.ticket) == [fixture.tickets[0]])

        let summary = try #require(try await store.erase(conversation: fixture.conversation, at: fixture.clock.now))
        #expect(summary.messages == 6 && summary.tickets == 3 && summary.closedTickets == 1)
        #expect(summary.deliveries == 2 && summary.ratingComments == 1)
        #expect(summary.drafts == 2, "the pending draft and the approved one's review record")

        #expect(try await store.findConversation(.id(fixture.conversation)) == nil)
        #expect(try await store.findConversation(.gatewayUser(channel: "telegram", user: Self.user)) == nil)
        #expect(try await store.export(conversation: fixture.conversation) == nil)
        #expect(try await store.tickets(conversation: fixture.conversation).isEmpty)
        #expect(try await store.erase(conversation: fixture.conversation, at: fixture.clock.now) == nil)
        let after = try await Self.everything(in: store)
        for text in Self.personal {
            #expect(!after.contains { $0.contains(text) }, "\(text) left: \(after.filter { $0.contains(text) })")
        }
        #expect(!after.contains { $0.contains("định mức nào") }, "the question's words are gone")
        #expect(try await store.drafts(unit: nil, limit: 10).isEmpty, "no draft waits to publish the asker's words")

        // The tickets stay, anonymised and closed, for the reports.
        for number in fixture.tickets {
            let ticket = try #require(try await store.ticket(number))
            #expect(ticket.isAnonymised && ticket.question == Ticket.erasedQuestion && ticket.context.isEmpty)
            #expect(ticket.status != .new && ticket.unit == "ATTT")
        }
        let report = try await fixture.report()
        #expect(report.tickets == 3)
        #expect(report.satisfactionByUnit.first { $0.key == "ATTT" }?.count == 1)
        #expect(report.times.first { $0.unit == "ATTT" }?.tickets == 3)
        #expect(!report.frequentEscalations.contains { $0.question == Ticket.erasedQuestion })
        #expect(report.backlog.allSatisfy { $0.total == 0 }, "the open ticket was closed")
        #expect(report.questions < reportBefore.questions, "the conversation's own messages are gone")
        // Nothing can go to an asker who is gone; the trail keeps who did what.
        await #expect(throws: EscalationError.self) { try await fixture.desk.reopen(fixture.tickets[0], by: Desk.handler) }
        await #expect(throws: EscalationError.self) {
            try await fixture.service.ask(fixture.tickets[2], by: Desk.handler, text: "Xin bổ sung")
        }
        #expect(try await store.events(of: fixture.tickets[0]).map(\.action).starts(with: [.created, .replied]))

        // The knowledge the second ticket taught stays, masked, and answers the next person.
        let learned = try #require(try await store.entry(EscalationService.entryID(fixture.tickets[1])))
        #expect(learned.answer == Self.secondAnswer)
        let next = try await fixture.service.open(ConversationIdentity()).conversation.id
        let reply = try await Desk.say("Thủ tục xin cấp chứng thư số chuyên dùng cho cán bộ mới tuyển dụng gồm những giấy tờ gì?",
                                       in: next, fixture.service).reply
        guard case .answer(let answer) = reply else {
            Issue.record("the learned entry no longer answers: \(reply)")
            return
        }
        #expect(answer.kb == learned.id && answer.text.contains("quyết định tuyển dụng"))
    }

    /// A conversation erased while the daemon holds its state (a live connection): its next
    /// message — answered by the bot or bound for a ticket — fails as an unknown conversation,
    /// and nothing brings it back.
    @Test(arguments: StoreKind.testable) func erasedWhileLiveFailsCleanly(_ kind: StoreKind) async throws {
        let fixture = try await Desk.make(store: try await kind.make())
        let id = fixture.conversation
        _ = try await fixture.store.erase(conversation: id, at: fixture.clock.now)
        // First a message bound for a ticket (the state still cached), then ones the bot answers.
        for text in [Self.question, "Hệ thống thông tin có mấy cấp độ an toàn?", "Hệ thống thông tin có mấy cấp độ an toàn?"] {
            await #expect(throws: StoreError.unknownConversation(id)) { try await Desk.say(text, in: id, fixture.service) }
        }
        await #expect(throws: StoreError.unknownConversation(id)) {
            try await fixture.service.handle(.human("Cho tôi gặp cán bộ"), incoming: StoredMessage(direction: .incoming,
                                             kind: "escalate", text: "Cho tôi gặp cán bộ"), in: id)
        }
        #expect(try await fixture.store.findConversation(.id(id)) == nil)
        #expect(try await fixture.store.tickets(unit: nil, statuses: TicketStatus.open, limit: 10).isEmpty)
        if let store = fixture.store as? SQLiteStore {
            let conversations = try await store.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM conversation") }
            #expect(conversations == 0)
        }
        // The same Telegram user who writes again starts afresh.
        let (again, resumed) = try await fixture.service.open(ConversationIdentity(channel: "telegram", user: Self.user))
        #expect(!resumed && again.id != id && again.name == nil)
    }

    /// Retention erases the conversations inactive since the cutoff whose tickets are neither
    /// open nor changed since, and keeps the others; the daemon's pass counts days by its clock.
    @Test func retentionErasesOnlyTheInactive() async throws {
        let store = try SQLiteStore(DatabaseQueue())
        try await store.saveUnits([UnitRecord(id: "ATTT", name: "Cục An toàn thông tin")])
        let now = Date()
        let old = now.addingTimeInterval(-40 * 86_400)
        func conversation(lastActive: Date, ticket: TicketStatus?, ticketChanged: Date? = nil) async throws -> String {
            let id = try await store.open(ConversationIdentity()).conversation.id
            try await store.record([StoredMessage(direction: .incoming, kind: "say", text: "Xin chào, tôi là \(Self.name)")],
                                   state: ConversationState(), of: id)
            if let ticket {
                let raised = try await store.createTicket(TicketDraft(conversation: id, kind: .question, topic: "an-toan", unit: "ATTT",
                                                                      question: "Câu hỏi của \(Self.phone)", context: [],
                                                                      due: now))
                try await store.writer.write { db in
                    try db.execute(sql: "UPDATE ticket SET status = ?, updatedAt = ? WHERE number = ?",
                                   arguments: [ticket.rawValue, StoredDate.text(ticketChanged ?? lastActive), raised.number])
                }
            }
            try await store.writer.write { db in
                try db.execute(sql: "UPDATE conversation SET updatedAt = ? WHERE id = ?", arguments: [StoredDate.text(lastActive), id])
            }
            return id
        }
        let quiet = try await conversation(lastActive: old, ticket: nil)
        let closed = try await conversation(lastActive: old, ticket: .closed)
        let waiting = try await conversation(lastActive: old, ticket: .assigned)
        let askerOwed = try await conversation(lastActive: old, ticket: .waitingForAsker)
        let answeredLately = try await conversation(lastActive: old, ticket: .answered, ticketChanged: now)
        let recent = try await conversation(lastActive: now, ticket: nil)

        let cutoff = now.addingTimeInterval(-30 * 86_400)
        #expect(try await store.expireConversations(inactiveSince: cutoff) == 2)
        for gone in [quiet, closed] { #expect(try await store.findConversation(.id(gone)) == nil) }
        for kept in [waiting, askerOwed, answeredLately, recent] { #expect(try await store.findConversation(.id(kept)) != nil) }
        let tickets = try await store.tickets(unit: "ATTT", statuses: TicketStatus.allCases, limit: 10)
        #expect(tickets.count == 4, "the erased conversation's ticket is kept, anonymised")
        #expect(tickets.filter(\.isAnonymised).count == 1)
        #expect(try await store.expireConversations(inactiveSince: cutoff) == 0)

        // The daemon's pass: 30 days kept, by its clock — nothing yet; 41 days on, the rest but the open ones.
        let clock = ManualClock()
        let retention = RetentionUpkeep(store: store, days: 30, clock: clock, logger: Logger(label: "test"))
        #expect(await retention.expireOnce() == 0)
        clock.advance(days: 41)
        #expect(await retention.expireOnce() == 2, "the answered ticket's and the recent conversations")
        #expect(try await store.findConversation(.id(waiting)) != nil)
        #expect(try await store.findConversation(.id(askerOwed)) != nil)
    }

    /// Many inactive conversations are erased in several short transactions, all of them.
    @Test func retentionGoesThroughLargeBacklogs() async throws {
        let store = try SQLiteStore(DatabaseQueue())
        for _ in 0..<(SQLiteStore.expiryBatch * 2 + 7) {
            _ = try await store.open(ConversationIdentity())
        }
        #expect(try await store.expireConversations(inactiveSince: Date().addingTimeInterval(60)) == SQLiteStore.expiryBatch * 2 + 7)
        #expect(try await store.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM conversation") } == 0)
    }

    /// Tickets raised before v8 keep their numbers, conversations and questions, and the next
    /// ticket never takes a number given before.
    @Test func migrationKeepsTicketsAndNumbers() async throws {
        let queue = try DatabaseQueue()
        try await queue.writeWithoutTransaction { db in db.add(function: SQLiteStore.foldedFunction) }
        try Migrations.migrator.migrate(queue, upTo: "v7: tickets searchable without diacritics")
        try await queue.write { db in
            try db.execute(sql: "INSERT INTO conversation (id, state, createdAt, updatedAt) VALUES ('c1', '{}', '2026-01-01', '2026-01-01')")
            for number in 1...3 {
                try db.execute(sql: """
                    INSERT INTO ticket (conversationId, kind, topic, unit, question, context, status, due, createdAt, updatedAt, updateDue)
                    VALUES ('c1', 'cau-hoi', 'an-toan', 'ATTT', ?, '[]', 'new', '2026-01-05', '2026-01-01', '2026-01-01', '2026-01-08')
                    """, arguments: ["Câu hỏi \(number)"])
            }
            try db.execute(sql: "INSERT INTO ticketEvent (ticket, actor, action, detail, date) VALUES (2, 'asker', 'created', '', '2026-01-01')")
            try db.execute(sql: "DELETE FROM ticket WHERE number = 3")
        }
        let store = try SQLiteStore(queue)
        #expect(try await store.tickets(conversation: "c1").map(\.question) == ["Câu hỏi 2", "Câu hỏi 1"])
        #expect(try await store.events(of: 2).map(\.action) == [.created])
        let next = try await store.createTicket(TicketDraft(conversation: "c1", kind: .question, topic: "an-toan", unit: "ATTT",
                                                            question: "Câu hỏi mới", context: [], due: Date()))
        #expect(next.number == 4)
        let problems = try queue.read { db in try Row.fetchAll(db, sql: "PRAGMA foreign_key_check") }
        #expect(problems.isEmpty)
    }

    // MARK: - Commands

    func directory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("motcua-privacy-\(UUID().uuidString)").path
    }

    /// `motcua privacy export` finds the person by their Telegram id and writes everything as
    /// indented UTF-8 JSON, owner-only; `erase` by conversation id prints counts, never a text;
    /// afterwards both say the conversation is unknown, and exit non-zero.
    @Test func commandsExportThenErase() async throws {
        let data = directory()
        defer { try? FileManager.default.removeItem(atPath: data) }
        let fixture = try await Desk.make(store: try SQLiteStore.open(directory: data))
        let file = data + "/export.json"

        let command = try Motcua.parseAsRoot(["privacy", "export", "--channel", "telegram", "--user", Self.user, "--data", data,
                                              "--out", file])
        let export = try #require(command as? PrivacyCommand.Export)
        try await export.run()
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.contains(Self.question) && text.contains(Self.name), "UTF-8, not escaped")
        #expect(text.contains("\n  \"conversation\" : {"), "indented")
        #expect(try (FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int) == 0o600)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let read = try decoder.decode(PersonalDataExport.self, from: Data(text.utf8))
        #expect(read.conversation.id == fixture.conversation && read.tickets.count == 3)
        #expect(read.messages.contains { $0.text == Self.question })
        // To stdout by default: the same JSON.
        let byID = try #require(try Motcua.parseAsRoot(["privacy", "export", "--conversation", fixture.conversation, "--data", data])
            as? PrivacyCommand.Export)
        #expect(byID.out == nil)
        #expect(try await byID.json().export.messages.map(\.text) == read.messages.map(\.text))

        let erase = try #require(try Motcua.parseAsRoot(["privacy", "erase", "--conversation", fixture.conversation, "--data", data])
            as? PrivacyCommand.Erase)
        let printed = try await erase.erase()
        #expect(printed.contains("6 tin nhắn") && printed.contains("3 phiếu ẩn danh"), "\(printed)")
        for personal in Self.personal + [Self.question, Self.answer, fixture.conversation] {
            #expect(!printed.contains(personal))
        }
        // The store a new process opens has none of it.
        let reopened = try SQLiteStore.open(directory: data)
        #expect(try await reopened.findConversation(.gatewayUser(channel: "telegram", user: Self.user)) == nil)
        for gone in [["privacy", "export", "--conversation", fixture.conversation], ["privacy", "erase", "--channel", "telegram", "--user", Self.user]] {
            var again = try #require(try Motcua.parseAsRoot(gone + ["--data", data]) as? any AsyncParsableCommand)
            do {
                try await again.run()
                Issue.record("\(gone) succeeded on an erased conversation")
            } catch {
                #expect(Motcua.message(for: error).contains("Không có cuộc trò chuyện"), "\(Motcua.message(for: error))")
                #expect(Motcua.exitCode(for: error) != .success)
            }
        }
        // A data directory that does not exist is not created empty.
        let missing = data + "-none"
        let nowhere = try #require(try Motcua.parseAsRoot(["privacy", "export", "--conversation", fixture.conversation,
                                                           "--data", missing]) as? PrivacyCommand.Export)
        await #expect(throws: PrivacyCommand.Failure.self) { try await nowhere.run() }
        #expect(!FileManager.default.fileExists(atPath: missing))
    }

    /// Exactly one way of naming the person: none, both, or half of the pair is refused with
    /// a message saying what to give.
    @Test(arguments: [
        ([String](), "Cần cho biết"),
        (["--conversation", "0123456789abcdef0123456789abcdef", "--channel", "telegram", "--user", "1"], "Chỉ dùng một cách"),
        (["--conversation", "0123456789abcdef0123456789abcdef", "--user", "1"], "Chỉ dùng một cách"),
        (["--channel", "telegram"], "đi cùng nhau"),
        (["--user", "12345"], "đi cùng nhau"),
    ])
    func badFlagCombinations(_ flags: [String], _ said: String) throws {
        for command in ["export", "erase"] {
            do {
                _ = try Motcua.parseAsRoot(["privacy", command] + flags)
                Issue.record("\(command) \(flags) was accepted")
            } catch {
                #expect(Motcua.message(for: error).contains(said), "\(Motcua.message(for: error))")
                #expect(Motcua.exitCode(for: error) == .validationFailure)
            }
        }
    }

    /// `serve --retention-days` takes days from 0 (keep for ever, the default) to 100 years.
    @Test func retentionDaysOption() throws {
        #expect(try #require(try Motcua.parseAsRoot(["serve"]) as? Serve).retentionDays == 0)
        #expect(try #require(try Motcua.parseAsRoot(["serve", "--retention-days", "365"]) as? Serve).retentionDays == 365)
        #expect(throws: (any Error).self) { try Motcua.parseAsRoot(["serve", "--retention-days", "-1"]) }
    }
}
