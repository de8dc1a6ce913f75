import Foundation
import GRDB
import Logging
import Synchronization
import Testing

@testable import Bot
import Daemon
@testable import Dialogue
@testable import PostgresStorage
@testable import Retrieval
import Storage

/// Learning from use, on both stores: what askers confirm becomes a phrasing of the entry once
/// two different conversations agree — masked, reviewable, removable, kept across a restart.
@Suite struct LearningTests {
    static let entries = [
        KnowledgeEntry(id: "cap-lai-can-cuoc", question: "Bị mất thẻ căn cước thì làm thủ tục cấp lại ở đâu?",
                       answer: "Anh/chị nộp hồ sơ cấp lại tại công an cấp xã nơi cư trú hoặc trên Cổng dịch vụ công quốc gia.",
                       topic: "dan-cu"),
        KnowledgeEntry(id: "ho-chieu", question: "Làm hộ chiếu phổ thông lần đầu cần những giấy tờ gì?",
                       answer: "Cần tờ khai, ảnh chân dung và thẻ căn cước còn hạn.", topic: "dan-cu"),
        KnowledgeEntry(id: "chu-ky-so", question: "Đăng ký chữ ký số cá nhân ở đâu?",
                       answer: "Tại một tổ chức cung cấp dịch vụ chứng thực chữ ký số được cấp phép.", topic: "chu-ky-so"),
        KnowledgeEntry(id: "khai-sinh", question: "Đăng ký khai sinh cho con trực tuyến như thế nào?",
                       answer: "Nộp hồ sơ trên Cổng dịch vụ công quốc gia, nhận kết quả tại ủy ban nhân dân cấp xã.",
                       topic: "ho-tich"),
        KnowledgeEntry(id: "dang-ky-xe", question: "Thủ tục đăng ký xe máy mới mua gồm những bước nào?",
                       answer: "Kê khai trực tuyến, nộp lệ phí, mang xe đến công an để bấm biển số.", topic: "giao-thong"),
    ]
    static let target = "cap-lai-can-cuoc"
    /// A question the bot only suggests the entry for before it learns.
    static let question = "mất căn cước phải làm sao"
    /// The same question as a later asker types it (another order of words, a particle, no
    /// capital): the same question key.
    static let sameQuestion = "Căn cước mất thì phải làm sao ạ?"

    static let lexicon = Corpus.loadLexicon(from: BundledCorpus.directory + "/lexicon")

    /// Thresholds under which the test's question is only suggested before it is learned.
    static let ranking: RankingConfiguration = {
        var ranking = RankingConfiguration()
        ranking.answerThreshold = 0.5
        ranking.suggestThreshold = 0.2
        return ranking
    }()

    /// A daemon (no desk) over `store`.
    static func daemon(_ store: any DaemonAssembly.Store) async throws -> DialogueService {
        let recipe = DaemonRecipe(entries: entries, lexicon: lexicon, ranking: ranking, desk: nil, catalogue: false)
        return try await DaemonAssembly.open(store: store, recipe: recipe, logger: Logger(label: "test"))
    }

    /// A new asker's conversation.
    static func asker(_ service: DialogueService, name: String? = nil) async throws -> String {
        try await service.open(ConversationIdentity(name: name)).conversation.id
    }

    @discardableResult
    static func send(_ input: DialogueInput, in conversation: String, _ service: DialogueService) async throws -> DialogueReply {
        try await service.handle(input, incoming: StoredMessage(direction: .incoming, kind: "say", text: "\(input)"),
                                 in: conversation)
    }

    /// An asker asks `text`, is offered the entry among the suggestions and picks it by number.
    static func askAndPick(_ text: String, in conversation: String, _ service: DialogueService) async throws {
        let reply = try await send(.say(text), in: conversation, service)
        guard case .suggest(_, let options) = reply, let position = options.firstIndex(where: { $0.kb == target }) else {
            Issue.record("expected the entry among suggestions for \(text), got \(reply)")
            return
        }
        let picked = try await send(.say("\(position + 1)"), in: conversation, service)
        guard case .answer(let answer) = picked, answer.kb == target else {
            Issue.record("picking gave \(picked)")
            return
        }
    }

    /// An asker asks `text` and confirms the entry: rates it helpful when it is the answer, picks
    /// it when it is suggested.
    static func askAndConfirm(_ text: String, in conversation: String, _ service: DialogueService) async throws {
        let reply = try await send(.say(text), in: conversation, service)
        if case .answer(let answer) = reply, answer.kb == target {
            try await send(.feedback(helpful: true), in: conversation, service)
        } else if case .suggest(_, let options) = reply, let position = options.firstIndex(where: { $0.kb == target }) {
            try await send(.say("\(position + 1)"), in: conversation, service)
        } else {
            Issue.record("the entry was neither answered nor suggested for \(text): \(reply)")
        }
    }

    /// Whether the bot now answers `text` directly with the entry.
    static func answersDirectly(_ text: String, _ service: DialogueService) async throws -> Bool {
        let reply = try await send(.say(text), in: try await asker(service), service)
        if case .answer(let answer) = reply { return answer.kb == target }
        return false
    }

    /// The phrasings the live index holds for the entry beyond its own question.
    static func indexed(_ service: DialogueService) -> [String] {
        service.dialogue.entry(target)?.variants ?? []
    }

    /// Whether a daemon started afresh over `store` (its index built from the store, as after a
    /// restart) answers `text` directly with the entry. (An entry put in a running index again
    /// may rank differently from a bulk-loaded one, whatever it learned: this asks the index
    /// the store gives a new daemon.)
    static func answersAfterRestart(_ text: String, _ store: any DaemonAssembly.Store) async throws -> Bool {
        try await answersDirectly(text, try await daemon(store))
    }

    /// One conversation confirming — even twice, by picking and by rating — teaches nothing.
    @Test(arguments: StoreKind.testable) func oneConversationDoesNotLearn(_ kind: StoreKind) async throws {
        let store = try await kind.make()
        let service = try await Self.daemon(store)
        #expect(try await !Self.answersDirectly(Self.question, service), "before: only a suggestion")
        let only = try await Self.asker(service)
        try await Self.askAndPick(Self.question, in: only, service)
        try await Self.send(.feedback(helpful: true), in: only, service)
        try await Self.askAndPick(Self.sameQuestion, in: only, service)
        #expect(try await store.learnedPhrasings(includingRemoved: true).isEmpty)
        #expect(try await !Self.answersDirectly(Self.question, service))
    }

    /// Two different conversations that picked the entry for the same question teach it: a
    /// third asker is answered directly, and later confirmations add no second copy.
    @Test(arguments: StoreKind.testable) func twoConversationsTeachTheThird(_ kind: StoreKind) async throws {
        let store = try await kind.make()
        let service = try await Self.daemon(store)
        try await Self.askAndPick(Self.question, in: try await Self.asker(service), service)
        #expect(try await store.learnedPhrasings(includingRemoved: true).isEmpty)
        try await Self.askAndPick(Self.sameQuestion, in: try await Self.asker(service), service)
        let learned = try await store.learnedPhrasings(includingRemoved: false)
        #expect(learned.map(\.entry) == [Self.target] && learned.map(\.conversations) == [2])
        #expect(learned.first?.question == Self.question, "the first asker's wording")
        #expect(Self.indexed(service) == [Self.question], "in the live index at once")
        #expect(try await Self.answersDirectly(Self.question, service))
        #expect(try await Self.answersAfterRestart(Self.question, store))
        #expect(try await Self.answersAfterRestart("mat can cuoc phai lam sao", store), "without diacritics too")
        // A third conversation confirming (by rating the answer) counts, but adds no second copy.
        let third = try await Self.asker(service)
        try await Self.send(.say(Self.question), in: third, service)
        try await Self.send(.feedback(helpful: true), in: third, service)
        #expect(try await store.learnedPhrasings(includingRemoved: false).map(\.conversations) == [3])
        #expect(Self.indexed(service) == [Self.question])
        #expect(try await store.knowledgeEntries().first { $0.id == Self.target }?.variants == [Self.question])
    }

    /// A pick followed by `no` is no confirmation; a phrasing whose second conversation says
    /// `no` afterwards is taken back out of the index (and may be learned again later).
    @Test(arguments: StoreKind.testable) func refusedPicksDoNotTeach(_ kind: StoreKind) async throws {
        let store = try await kind.make()
        let service = try await Self.daemon(store)
        let refusing = try await Self.asker(service)
        try await Self.askAndPick(Self.question, in: refusing, service)
        try await Self.send(.feedback(helpful: false), in: refusing, service)
        try await Self.askAndPick(Self.question, in: try await Self.asker(service), service)
        #expect(try await store.learnedPhrasings(includingRemoved: true).isEmpty, "one confirmation and one refusal")
        let changing = try await Self.asker(service)
        try await Self.askAndPick(Self.question, in: changing, service)
        #expect(try await store.learnedPhrasings(includingRemoved: false).count == 1)
        #expect(Self.indexed(service) == [Self.question])
        try await Self.send(.feedback(helpful: false), in: changing, service)
        #expect(try await store.learnedPhrasings(includingRemoved: true).isEmpty)
        #expect(Self.indexed(service).isEmpty, "out of the index again")
        #expect(try await !Self.answersAfterRestart(Self.question, store))
    }

    /// Personal data never becomes a phrasing: the asker's name and numbers are masked in what is
    /// learned; a question too short is not learned at all.
    @Test(arguments: StoreKind.testable) func personalDataIsMasked(_ kind: StoreKind) async throws {
        let store = try await kind.make()
        let service = try await Self.daemon(store)
        let named = "Tôi là Nguyễn Văn An, mất căn cước phải làm sao"
        let other = "Em là Lê Thị Hoa 0912345678 mất căn cước phải làm sao"
        let first = try await Self.asker(service, name: "Nguyễn Văn An")
        // The named question is one the bot could not answer: its confirmations are fed to the
        // learner as the service would after a helpful rating.
        let learner = try #require(service.learner)
        try await learner.apply(.confirmed(entry: Self.target, question: named), in: first)
        try await learner.apply(.confirmed(entry: Self.target, question: other), in: try await Self.asker(service))
        let learned = try #require(try await store.learnedPhrasings(includingRemoved: false).first)
        #expect(learned.question == "Tôi là [họ tên], mất căn cước phải làm sao")
        #expect(learned.conversations == 2, "the two askers asked the same question, names and numbers aside")
        #expect(!Self.indexed(service).contains { ["Nguyễn", "Lê Thị Hoa", "0912345678"].contains(where: $0.contains) })
        // Too short to be a question of its own: never learned, however many confirm it.
        for _ in 0..<3 {
            try await learner.apply(.confirmed(entry: Self.target, question: "căn cước"), in: try await Self.asker(service))
        }
        #expect(try await store.learnedPhrasings(includingRemoved: true).count == 1)
    }

    /// A reviewer removes a learned phrasing: gone from the index at once, listed as removed,
    /// and not learned again when more conversations confirm it.
    @Test(arguments: StoreKind.testable) func removedIsNotLearnedAgain(_ kind: StoreKind) async throws {
        let store = try await kind.make()
        let service = try await Self.daemon(store)
        for _ in 0..<2 { try await Self.askAndPick(Self.question, in: try await Self.asker(service), service) }
        let learned = try #require(try await store.learnedPhrasings(includingRemoved: false).first)
        let learner = try #require(service.learner)
        #expect(try await Self.answersAfterRestart(Self.question, store))
        try await learner.remove(learned.id, by: "h1")
        #expect(Self.indexed(service).isEmpty)
        #expect(try await !Self.answersAfterRestart(Self.question, store))
        await #expect(throws: UseLearner.RemovalError.unknown(learned.id)) { try await learner.remove(learned.id, by: "h1") }
        for _ in 0..<3 { try await Self.askAndConfirm(Self.question, in: try await Self.asker(service), service) }
        #expect(try await store.learnedPhrasings(includingRemoved: false).isEmpty)
        #expect(try await store.learnedPhrasings(includingRemoved: true).map(\.removedBy) == ["h1"])
        #expect(Self.indexed(service).isEmpty)
        #expect(try await !Self.answersAfterRestart(Self.question, store))
        #expect(try await store.knowledgeEntries().first { $0.id == Self.target }?.variants == [])
    }

    /// A question that two conversations confirmed for one entry and two others for another
    /// is learned for the first entry only: one question never becomes a phrasing of two
    /// answers (the second entry can learn it once a reviewer removed the first's).
    @Test(arguments: StoreKind.testable) func oneQuestionIsLearnedForOneEntry(_ kind: StoreKind) async throws {
        let store = try await kind.make()
        let service = try await Self.daemon(store)
        func confirm(_ entry: String) async throws -> LearnedPhrasing? {
            let conversation = try await Self.asker(service)
            return try await store.recordConfirmation(
                UseConfirmation(conversation: conversation, entry: entry, key: "mat can cuoc", question: Self.question,
                                date: Date()), quorum: 2)
        }
        #expect(try await confirm(Self.target) == nil)
        let first = try #require(try await confirm(Self.target))
        #expect(try await confirm("ho-chieu") == nil)
        #expect(try await confirm("ho-chieu") == nil, "the question is the first entry's already")
        #expect(try await store.learnedPhrasings(includingRemoved: false).map(\.entry) == [Self.target])
        _ = try await store.removeLearnedPhrasing(first.id, by: "h1")
        #expect(try await confirm("ho-chieu")?.entry == "ho-chieu", "free once the reviewer removed it")
    }

    /// With learning switched off (`serve --no-learning`) confirmations teach nothing, while
    /// what was learned before is still searched and removable.
    @Test(arguments: StoreKind.testable) func switchedOffLearnsNothingNew(_ kind: StoreKind) async throws {
        let open = try Self.reopenable(kind)
        let learning = try await Self.daemon(try await open())
        for _ in 0..<2 { try await Self.askAndPick(Self.question, in: try await Self.asker(learning), learning) }
        var recipe = DaemonRecipe(entries: Self.entries, lexicon: Self.lexicon, ranking: Self.ranking, desk: nil,
                                  catalogue: false)
        recipe.learning = false
        let store = try await open()
        let off = try await DaemonAssembly.open(store: store, recipe: recipe, logger: Logger(label: "test"))
        #expect(Self.indexed(off) == [Self.question], "learned before: still searched")
        let other = "làm lại căn cước bị mất ở chỗ nào"
        for _ in 0..<3 { try await Self.askAndConfirm(other, in: try await Self.asker(off), off) }
        #expect(try await store.learnedPhrasings(includingRemoved: false).map(\.question) == [Self.question])
        let learned = try #require(try await store.learnedPhrasings(includingRemoved: false).first)
        try await #require(off.learner).remove(learned.id, by: "h1")
        #expect(Self.indexed(off).isEmpty, "and removable")
    }

    /// A confirmation the store cannot record does not fail the asker's reply: it is reported
    /// (the daemon logs the conversation id and the error's type, and counts it).
    @Test func failedLearningDoesNotFailTheReply() async throws {
        let store = try SQLiteStore(DatabaseQueue())
        let failures = Mutex<[String]>([])
        let service = try await Self.daemon(store)
        let learner = UseLearner(store: store, analyzer: Analyzer(lexicon: Self.lexicon), clock: SystemClock(),
                                 entry: { service.dialogue.entry($0) }, upsert: { _ in },
                                 failed: { conversation, _ in failures.withLock { $0.append(conversation) } })
        let failing = DialogueService(store: store, dialogue: service.dialogue, learner: learner)
        try await store.writer.write { try $0.execute(sql: "DROP TABLE learnedConfirmation") }
        let conversation = try await Self.asker(failing)
        let reply = try await Self.send(.say(Self.question), in: conversation, failing)
        guard case .suggest(_, let options) = reply, let position = options.firstIndex(where: { $0.kb == Self.target }) else {
            Issue.record("expected a suggestion, got \(reply)")
            return
        }
        let picked = try await Self.send(.say("\(position + 1)"), in: conversation, failing)
        if case .answer(let answer) = picked { #expect(answer.kb == Self.target) } else { Issue.record("got \(picked)") }
        #expect(failures.withLock { $0 } == [conversation])
    }

    /// A store that can be opened again, as after a restart.
    static func reopenable(_ kind: StoreKind) throws -> @Sendable () async throws -> any DaemonAssembly.Store {
        switch kind {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("learning-\(UUID().uuidString)").path
            return { try SQLiteStore.open(directory: directory) }
        case .postgres:
            let address = try PostgresScratch.address()
            return { try await PostgresStore.open(address, connections: 4, logger: Logger(label: "test")) }
        }
    }

    /// What was learned is there after a restart (the index built again from the store), and a
    /// corpus import does not drop it.
    @Test(arguments: StoreKind.testable) func restartKeepsIt(_ kind: StoreKind) async throws {
        let open = try Self.reopenable(kind)
        let first = try await Self.daemon(try await open())
        for _ in 0..<2 { try await Self.askAndPick(Self.question, in: try await Self.asker(first), first) }
        #expect(Self.indexed(first) == [Self.question])
        let store = try await open()
        #expect(try await store.importCorpus(Self.entries).unchanged == Self.entries.count,
                "the entry's own text is unchanged by what was learned")
        let again = try await Self.daemon(store)
        #expect(Self.indexed(again) == [Self.question])
        #expect(try await Self.answersDirectly(Self.question, again))
        #expect(try await store.learnedPhrasings(includingRemoved: false).count == 1)
    }

    /// On a shared store, a phrasing learned by one daemon reaches the other's index, and its
    /// removal too.
    @Test(.enabled(if: PostgresScratch.base != nil || PostgresScratch.required,
                   "PostgreSQL is needed for two daemons on one store: set MOTCUA_TEST_POSTGRES (see .ci/run)"))
    func sharedStoreSpreadsIt() async throws {
        let address = try PostgresScratch.address()
        let storeA = try await PostgresStore.open(address, connections: 4, logger: Logger(label: "a"))
        let storeB = try await PostgresStore.open(address, connections: 4, logger: Logger(label: "b"))
        let a = try await Self.daemon(storeA)
        let b = try await Self.daemon(storeB)
        let follower = Task { try await ChangeFollower(daemon: b)?.run() }
        defer { follower.cancel() }
        for _ in 0..<2 { try await Self.askAndPick(Self.question, in: try await Self.asker(a), a) }
        #expect(try await Self.eventually { Self.indexed(b) == [Self.question] })
        let learned = try #require(try await storeA.learnedPhrasings(includingRemoved: false).first)
        try await #require(a.learner).remove(learned.id, by: "h1")
        #expect(try await Self.eventually { Self.indexed(b).isEmpty })
    }

    /// Whether `condition` holds within five seconds.
    static func eventually(_ condition: () async throws -> Bool) async throws -> Bool {
        for _ in 0..<50 {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// `motcua learned list|remove` over a data directory.
    @Test func command() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("learned-\(UUID().uuidString)").path
        let service = try await Self.daemon(try SQLiteStore.open(directory: data))
        for _ in 0..<2 { try await Self.askAndPick(Self.question, in: try await Self.asker(service), service) }
        let store = try SQLiteStore.open(directory: data)
        let id = try #require(try await store.learnedPhrasings(includingRemoved: false).first?.id)
        var list = try #require(try Motcua.parseAsRoot(["learned", "list", "--data", data]) as? LearnedCommand.List)
        try await list.run()
        var remove = try #require(try Motcua.parseAsRoot(["learned", "remove", "\(id)", "--by", "h2", "--data", data])
            as? LearnedCommand.Remove)
        try await remove.run()
        #expect(try await store.learnedPhrasings(includingRemoved: true).map(\.removedBy) == ["h2"])
        let again = try await Self.daemon(try SQLiteStore.open(directory: data))
        #expect(Self.indexed(again).isEmpty, "gone after the daemon's restart")
        #expect(try await !Self.answersDirectly(Self.question, again))
        var twice = try #require(try Motcua.parseAsRoot(["learned", "remove", "\(id)", "--data", data]) as? LearnedCommand.Remove)
        await #expect(throws: LearnedCommand.Failure.self) { try await twice.run() }
    }

    /// The replay on a tiny set: the use half teaches what the measured half asks again.
    @Test func replayOnATinySet() async throws {
        let corpus = try Corpus.load(from: BundledCorpus.directory)
        var ranking = RankingConfiguration()
        ranking.answerThreshold = 0.5
        ranking.suggestThreshold = 0.2
        let use = [EvaluationQuery(id: "u1", query: Self.question, relevant: [Self.target]),
                   EvaluationQuery(id: "u2", query: "ngoài phạm vi hoàn toàn xyz", relevant: [])]
        let test = [EvaluationQuery(id: "t1", query: Self.sameQuestion, relevant: [Self.target]),
                    EvaluationQuery(id: "t2", query: "Đăng ký chữ ký số cá nhân ở đâu?", relevant: ["chu-ky-so"])]
        let once = try await UseReplay.replay(use: use, test: test, split: "test", askers: 1, entries: Self.entries,
                                              corpus: corpus, ranking: ranking)
        #expect(once.learned == 0 && once.confirmed == 1, "one asker alone teaches nothing")
        #expect(once.after == once.before)
        let twice = try await UseReplay.replay(use: use, test: test, split: "test", askers: 2, entries: Self.entries,
                                               corpus: corpus, ranking: ranking)
        #expect(twice.learned == 1 && twice.confirmed == 2)
        #expect((twice.after.decisions["answer"] ?? 0) > (twice.before.decisions["answer"] ?? 0))
        #expect(twice.worse == 0)
    }
}


