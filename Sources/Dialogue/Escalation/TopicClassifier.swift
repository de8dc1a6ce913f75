import Retrieval

/// Which topic a question belongs to, so that its ticket goes to the unit that owns the field:
/// the topic of the nearest earlier answers (their confidences summed per topic), or, when
/// nothing near is known, the topic whose name shares most words with the question.
package struct TopicClassifier: Sendable {
    let topics: [Topic]
    let search: @Sendable (String) -> SearchResponse
    let entry: @Sendable (String) -> KnowledgeEntry?

    /// Creates a classifier over the corpus topics and the knowledge base.
    package init(topics: [Topic], search: @escaping @Sendable (String) -> SearchResponse,
                 entry: @escaping @Sendable (String) -> KnowledgeEntry?)
    {
        self.topics = topics
        self.search = search
        self.entry = entry
    }

    /// How many of the nearest entries vote.
    static let depth = 5

    /// The topic code for a question (the first topic when nothing at all matches).
    /// - Parameter nearest: the entries a search already ranked for it (none: search now).
    package func topic(of question: String, nearest: [NearestEntry]? = nil) -> String? {
        let nearest = nearest ?? search(question).results.prefix(Self.depth).map {
            NearestEntry(kb: $0.entryID, confidence: $0.confidence)
        }
        var weight: [String: Float] = [:]
        for match in nearest.prefix(Self.depth) {
            guard let topic = entry(match.kb)?.topic else { continue }
            weight[topic, default: 0] += max(match.confidence, 0.01)
        }
        if let best = weight.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }) {
            return best.key
        }
        let words = Set(Diacritics.foldedKey(question).split(separator: " "))
        let byName = topics.max { first, second in
            overlap(first, words) < overlap(second, words)
        }
        return byName.map(\.id) ?? topics.first?.id
    }

    private func overlap(_ topic: Topic, _ words: Set<Substring>) -> Int {
        Set(Diacritics.foldedKey(topic.name).split(separator: " ")).intersection(words).count
    }
}
