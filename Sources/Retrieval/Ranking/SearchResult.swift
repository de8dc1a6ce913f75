/// What retrieval decides to do with a question.
package enum Decision: String, Sendable, Codable, Hashable {
    /// The best result is confident enough to be given as the answer.
    case answer
    /// A few results are worth showing; the user picks.
    case suggest
    /// Nothing fits: out of scope or not answered before; a person should answer.
    case escalate
}

/// One ranked knowledge-base entry (the best of the entries that share its answer).
package struct SearchResult: Sendable, Hashable {
    /// The entry id.
    package var entryID: String
    /// The ranking score (not comparable across questions).
    package var score: Float
    /// The calibrated probability that this entry answers the question, in [0, 1].
    package var confidence: Float
    /// How many live entries share this answer.
    package var sharedBy: Int
    /// The features the confidence was computed from.
    package var features: ConfidenceModel.Features
}

/// The ranked results and the decision for one question.
package struct SearchResponse: Sendable {
    /// The decision.
    package var decision: Decision
    /// Ranked results, best first, one per distinct answer.
    package var results: [SearchResult]
    /// The results worth showing for the decision: the answer first, or the suggestions.
    package var shown: [SearchResult]
    /// The question had no diacritics at all.
    package var unaccented: Bool
}
