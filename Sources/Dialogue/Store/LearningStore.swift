import Foundation
import Retrieval

/// What the desk learns from the people who use it, as a store keeps it: askers' confirmations
/// (an answer rated helpful, a suggestion picked and not refused) and the phrasings learned from
/// them once enough different conversations agree. Implemented by both stores; `UseLearner`
/// decides what is worth recording, the store decides atomically when a phrasing is learned.
///
/// A learned phrasing is kept apart from its entry's own text (`knowledge_entry` stays as the
/// corpus or a handler wrote it): the store adds the live phrasings to their entries' variants
/// whenever it hands entries out (`knowledgeEntries()`, and on PostgreSQL the knowledge change
/// the other daemons read), so a corpus import or an edit of the entry never loses them.
package protocol LearningStore: Sendable {
    /// Records that a conversation confirmed an entry for a question, and learns the question
    /// as a phrasing of the entry when at least `quorum` different conversations have confirmed
    /// the same entry for the same question key — unless a reviewer removed that phrasing
    /// before. A conversation confirming twice counts once.
    /// - Returns: the phrasing when this confirmation made it live (nil otherwise: not yet
    ///   agreed, already learned, or removed by a reviewer).
    func recordConfirmation(_ confirmation: UseConfirmation, quorum: Int) async throws -> LearnedPhrasing?

    /// Withdraws a conversation's confirmations of an entry (the asker said `no` after all).
    /// - Returns: the phrasings that no longer have `quorum` conversations behind them and are
    ///   no longer live (they may be learned again later).
    func withdrawConfirmations(conversation: String, entry: String, quorum: Int) async throws -> [LearnedPhrasing]

    /// The learned phrasings, newest first; removed ones too when asked.
    func learnedPhrasings(includingRemoved: Bool) async throws -> [LearnedPhrasing]

    /// A reviewer removes a learned phrasing: it leaves its entry and is never learned again.
    /// - Returns: the phrasing as it was, nil when unknown or already removed.
    func removeLearnedPhrasing(_ id: Int, by reviewer: String) async throws -> LearnedPhrasing?
}

/// One asker's confirmation of an entry for a question.
package struct UseConfirmation: Sendable, Hashable {
    /// The conversation that confirmed.
    package var conversation: String
    /// The entry confirmed.
    package var entry: String
    /// What makes two questions the same (`QuestionKey`).
    package var key: String
    /// The question, personal data masked.
    package var question: String
    /// When.
    package var date: Date

    /// Creates a confirmation.
    package init(conversation: String, entry: String, key: String, question: String, date: Date) {
        self.conversation = conversation
        self.entry = entry
        self.key = key
        self.question = question
        self.date = date
    }
}

/// A question learned as a phrasing (variant) of an entry.
package struct LearnedPhrasing: Sendable, Hashable, Codable {
    /// The store's number for it.
    package var id: Int
    /// The entry it is a phrasing of.
    package var entry: String
    /// Its question key.
    package var key: String
    /// The phrasing (masked).
    package var question: String
    /// How many different conversations confirmed it.
    package var conversations: Int
    /// When it became live.
    package var learnedAt: Date
    /// Who removed it (nil: live).
    package var removedBy: String?

    /// Creates a phrasing.
    package init(id: Int, entry: String, key: String, question: String, conversations: Int, learnedAt: Date,
                 removedBy: String? = nil)
    {
        self.id = id
        self.entry = entry
        self.key = key
        self.question = question
        self.conversations = conversations
        self.learnedAt = learnedAt
        self.removedBy = removedBy
    }

    /// Whether it is live (not removed by a reviewer).
    package var isLive: Bool { removedBy == nil }
}

extension KnowledgeEntry {
    /// The entry with these learned phrasings among its variants (each once).
    package func adding(learned questions: [String]) -> KnowledgeEntry {
        var entry = self
        for question in questions where question != entry.question && !entry.variants.contains(question) {
            entry.variants.append(question)
        }
        return entry
    }

    /// The entry without this learned phrasing.
    package func removing(learned question: String) -> KnowledgeEntry {
        var entry = self
        entry.variants.removeAll { $0 == question }
        return entry
    }
}
