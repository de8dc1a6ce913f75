import Foundation
import Retrieval
import Synchronization

/// Learning from use: an asker who confirms an answer — rates it helpful, or picks a
/// suggestion by its number and does not refuse it afterwards (`no`, or asking for another
/// answer) — teaches the desk that their question is a phrasing of that entry. The question is
/// masked (`PersonalDataMasker`) and keyed (`QuestionKey`); once `quorum` different
/// conversations confirmed the same entry for the same key, the store makes it a learned
/// phrasing and this learner puts it in the live index at once. A reviewer lists and removes
/// learned phrasings; a removed one leaves the index and is never learned again.
///
/// The dialogue stays pure: `DialogueService` asks `event(for:…)` after each exchange and
/// hands the event back to `apply` once the exchange is committed.
package final class UseLearner: Sendable {
    /// Where confirmations and phrasings are kept.
    let store: any LearningStore & ConversationStore
    let keys: QuestionKey
    let masker = PersonalDataMasker()
    /// The live index's entry (with the phrasings learned so far).
    let entry: @Sendable (String) -> KnowledgeEntry?
    /// Puts an entry in the live index.
    let upsert: @Sendable (KnowledgeEntry) -> Void
    let clock: any WallClock
    /// How many different conversations must agree.
    package let quorum: Int
    /// Told when recording what an exchange taught failed (the exchange itself was committed
    /// and answered; the daemon logs the error's type and counts it, never the question).
    let failed: @Sendable (_ conversation: String, _ error: any Error) -> Void
    /// Whether confirmations are recorded (false: `serve --no-learning` — what was learned is
    /// still searched, listed and removable, nothing new is learned).
    package let learns: Bool
    /// The live learned phrasings by entry: merged into an entry whenever the desk puts it in
    /// the index again (an edit, a corpus update), so an edit does not drop them.
    private let book = Mutex<[String: [String]]>([:])

    /// What one exchange taught.
    package enum Event: Sendable, Hashable {
        /// The asker confirmed `entry` for `question` (as the dialogue searched it).
        case confirmed(entry: String, question: String)
        /// The asker refused `entry` after all.
        case refused(entry: String)
    }

    /// What a reviewer's removal found.
    package enum RemovalError: Error, Hashable {
        /// No live phrasing has this number.
        case unknown(Int)
    }

    /// Creates a learner.
    /// - Parameters:
    ///   - entry: looks an entry up in the live index.
    ///   - upsert: puts an entry in the live index (for a shared store, the store's change log
    ///     carries the change to the other daemons).
    ///   - learns: whether new confirmations are recorded at all.
    ///   - failed: told when `record` could not store what an exchange taught.
    package init(store: any LearningStore & ConversationStore, analyzer: Analyzer, quorum: Int = 2, learns: Bool = true,
                 clock: any WallClock = SystemClock(), entry: @escaping @Sendable (String) -> KnowledgeEntry?,
                 upsert: @escaping @Sendable (KnowledgeEntry) -> Void,
                 failed: @escaping @Sendable (_ conversation: String, _ error: any Error) -> Void = { _, _ in })
    {
        self.failed = failed
        self.learns = learns
        self.store = store
        keys = QuestionKey(analyzer: analyzer)
        self.quorum = max(2, quorum)
        self.clock = clock
        self.entry = entry
        self.upsert = upsert
    }

    /// Reads the live learned phrasings (the store already merged them into the entries it
    /// loaded; this keeps them for later re-indexing).
    package func load() async throws {
        let live = try await store.learnedPhrasings(includingRemoved: false)
        book.withLock { book in
            book.removeAll()
            for phrasing in live.reversed() { book[phrasing.entry, default: []].append(phrasing.question) }
        }
    }

    /// An entry with the phrasings learned for it.
    package func merged(_ entry: KnowledgeEntry) -> KnowledgeEntry {
        guard let learned = book.withLock({ $0[entry.id] }) else { return entry }
        return entry.adding(learned: learned)
    }

    /// What an exchange teaches, from the input, the state before and after it and the reply.
    package func event(for input: DialogueInput, before: ConversationState, after: ConversationState,
                       reply: DialogueReply) -> Event?
    {
        guard learns else { return nil }
        switch input {
        case .feedback(helpful: true):
            guard let answer = before.lastAnswer, let question = before.lastQuestion else { return nil }
            return .confirmed(entry: answer, question: question)
        case .feedback(helpful: false), .more:
            guard let answer = before.lastAnswer else { return nil }
            return .refused(entry: answer)
        case .pick(let number):
            return picked(number, before: before, after: after, reply: reply)
        case .say(let text):
            // A number while suggestions are on offer is a pick (as the dialogue reads it).
            guard !before.options.isEmpty,
                let number = Int(text.trimmedWhitespace.trimmingCharacters(in: [".", ")", "#"]))
            else { return nil }
            return picked(number, before: before, after: after, reply: reply)
        case .human, .help:
            return nil
        }
    }

    private func picked(_ number: Int, before: ConversationState, after: ConversationState, reply: DialogueReply) -> Event? {
        guard number >= 1, number <= before.options.count, case .answer(let answer) = reply,
            answer.kb == before.options[number - 1], let question = after.lastQuestion
        else { return nil }
        return .confirmed(entry: answer.kb, question: question)
    }

    /// Records what an exchange of `conversation` taught, after the exchange was committed: a
    /// failure here must not fail a reply already stored, so it goes to `failed` instead.
    package func record(_ event: Event, in conversation: String) async {
        do {
            try await apply(event, in: conversation)
        } catch {
            failed(conversation, error)
        }
    }

    /// Records what an exchange of `conversation` taught (after it was committed).
    /// - Returns: the phrasing learned by it, if any.
    @discardableResult
    package func apply(_ event: Event, in conversation: String) async throws -> LearnedPhrasing? {
        switch event {
        case .confirmed(let id, let question):
            guard let current = entry(id) else { return nil }
            let name = try await store.conversation(conversation)?.name
            guard let (masked, key) = candidate(question, askerName: name, for: current) else { return nil }
            let confirmation = UseConfirmation(conversation: conversation, entry: id, key: key, question: masked,
                                               date: clock.now)
            guard let learned = try await store.recordConfirmation(confirmation, quorum: quorum) else { return nil }
            book.withLock { $0[id, default: []].append(learned.question) }
            if let live = entry(id) { upsert(live.adding(learned: [learned.question])) }
            return learned
        case .refused(let id):
            let dropped = try await store.withdrawConfirmations(conversation: conversation, entry: id, quorum: quorum)
            for phrasing in dropped { forget(phrasing) }
            return nil
        }
    }

    /// The masked question and its key when it may be learned for `entry`: not too short or
    /// long, no personal data left after masking, not one of the entry's own phrasings.
    func candidate(_ question: String, askerName: String?, for entry: KnowledgeEntry) -> (String, String)? {
        let trimmed = question.trimmedWhitespace
        guard trimmed.hasVisibleText else { return nil }
        let masked = masker.mask(trimmed, askerName: askerName)
        // What masking missed (a second look finds more than the first left) is never learned.
        guard masker.findings(in: masked, askerName: askerName).isEmpty, let key = keys.key(of: masked) else { return nil }
        // The entry's own phrasings (a learned one is confirmed again: the store counts it).
        let learned = Set(book.withLock { $0[entry.id] } ?? [])
        let known = [entry.question] + entry.variants.filter { !learned.contains($0) }
        guard !known.contains(where: { keys.key(of: $0) == key }) else { return nil }
        return (masked, key)
    }

    /// The learned phrasings for a reviewer, newest first.
    package func list(includingRemoved: Bool = false) async throws -> [LearnedPhrasing] {
        try await store.learnedPhrasings(includingRemoved: includingRemoved)
    }

    /// A reviewer removes a learned phrasing: out of the index at once, never learned again.
    /// - Throws: `RemovalError.unknown` when no live phrasing has this number.
    @discardableResult
    package func remove(_ id: Int, by reviewer: String) async throws -> LearnedPhrasing {
        guard let removed = try await store.removeLearnedPhrasing(id, by: reviewer) else { throw RemovalError.unknown(id) }
        forget(removed)
        return removed
    }

    /// Takes a phrasing out of the book and the live index.
    private func forget(_ phrasing: LearnedPhrasing) {
        book.withLock { book in
            book[phrasing.entry]?.removeAll { $0 == phrasing.question }
            if book[phrasing.entry]?.isEmpty == true { book[phrasing.entry] = nil }
        }
        if let live = entry(phrasing.entry) { upsert(live.removing(learned: phrasing.question)) }
    }
}
