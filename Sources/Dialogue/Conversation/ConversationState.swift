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

    /// A fresh conversation.
    package init() {}
}
