import Retrieval

/// What a conversation remembers between messages: enough to pick a suggestion by number,
/// give the next alternative, take feedback on the last answer, and read a short follow-up in
/// the light of the question before it.
package struct ConversationState: Sendable, Hashable, Codable {
    /// The last question that went to retrieval (after follow-up expansion).
    package var lastQuestion: String?
    /// The entry given as the last answer.
    package var lastAnswer: String?
    /// The topic of the last answer.
    package var lastTopic: String?
    /// Suggestions on offer, in the order shown.
    package var options: [String] = []
    /// Alternatives not shown yet for the last question, best first.
    package var alternatives: [String] = []
    /// The last question was handed to a person.
    package var escalated = false
    /// The asker already said whether the last answer helped (later feedback on it is not
    /// counted again). Optional: states stored before it decode as nil.
    package var feedbackGiven: Bool?
    /// The nearest entries the search found for a question it could not answer, for the
    /// ticket's topic (so the desk need not search again). Set only until the ticket is raised.
    package var nearest: [NearestEntry]?
    /// A handler asked for details on this ticket: the asker's messages go to it while it is
    /// open (answered or closed, the bot takes them again).
    package var detailsFor: Int?

    /// A fresh conversation.
    package init() {}
}

/// An entry a search ranked near a question, with its confidence.
package struct NearestEntry: Sendable, Hashable, Codable {
    package var kb: String
    package var confidence: Float

    /// Creates a match.
    package init(kb: String, confidence: Float) {
        self.kb = kb
        self.confidence = confidence
    }
}
