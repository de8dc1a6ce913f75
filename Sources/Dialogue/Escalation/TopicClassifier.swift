import Retrieval

/// Which topic a question belongs to, so that its ticket goes to the unit that owns the field.
///
/// With a topic model (trained on the knowledge base, the topic names and what each unit
/// answers: `TopicModel`), its probabilities and the vote of the nearest earlier answers (their
/// confidences summed per topic) are added; the unit with the highest total wins and, within
/// it, its best topic. Without one, the old rule: the nearest answers' vote alone, or, when
/// nothing near is known, the topic whose name shares most words with the question.
package struct TopicClassifier: Sendable {
    /// How the model and the nearest answers are combined.
    ///
    /// Chosen with `TopicModel.Weights` (the same grid; the vote matters little either way).
    package struct Weights: Sendable, Hashable {
        /// How much one unit of summed confidence of the nearest answers adds to a topic's
        /// probability from the model.
        package var vote: Double = 0.1

        /// The default weights.
        package init() {}
    }

    let topics: [Topic]
    let search: @Sendable (String) -> SearchResponse
    let entry: @Sendable (String) -> KnowledgeEntry?
    /// Topic → probability for a question (nil: the nearest answers only).
    let model: (@Sendable (String) -> [String: Double])?
    let weights: Weights

    /// Creates a classifier over the corpus topics and the knowledge base.
    /// - Parameter model: the topic model's probabilities (`SearchEngine.topicProbabilities`);
    ///   nil routes by the nearest answers only.
    package init(topics: [Topic], search: @escaping @Sendable (String) -> SearchResponse,
                 entry: @escaping @Sendable (String) -> KnowledgeEntry?,
                 model: (@Sendable (String) -> [String: Double])? = nil, weights: Weights = Weights())
    {
        self.topics = topics
        self.search = search
        self.entry = entry
        self.model = model
        self.weights = weights
    }

    /// How many of the nearest entries vote.
    static let depth = 5

    /// The topic code for a question (the first topic when nothing at all matches).
    /// - Parameter nearest: the entries a search already ranked for it (none: search now).
    package func topic(of question: String, nearest: [NearestEntry]? = nil) -> String? {
        let nearest = nearest ?? search(question).results.prefix(Self.depth).map {
            NearestEntry(kb: $0.entryID, confidence: $0.confidence)
        }
        var vote: [String: Double] = [:]
        for match in nearest.prefix(Self.depth) {
            guard let topic = entry(match.kb)?.topic else { continue }
            vote[topic, default: 0] += Double(max(match.confidence, 0.01))
        }
        if let model {
            let probabilities = model(question)
            if !probabilities.isEmpty { return combined(probabilities, vote) }
        }
        if let best = vote.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }) {
            return best.key
        }
        let words = Set(Diacritics.foldedKey(question).split(separator: " "))
        let byName = topics.max { first, second in
            overlap(first, words) < overlap(second, words)
        }
        return byName.map(\.id) ?? topics.first?.id
    }

    /// The best topic of the best unit by model probability plus weighted vote.
    private func combined(_ probabilities: [String: Double], _ vote: [String: Double]) -> String? {
        var score = probabilities
        for (topic, weight) in vote { score[topic, default: 0] += weights.vote * weight }
        // A topic the desk does not know is a unit of its own (the fallback unit gets it).
        func unit(_ topic: String) -> String { topics.first { $0.id == topic }?.unit ?? "?" + topic }
        var byUnit: [String: Double] = [:]
        for (topic, value) in score { byUnit[unit(topic), default: 0] += value }
        func better(_ a: (key: String, value: Double), _ b: (key: String, value: Double)) -> Bool {
            a.value < b.value || (a.value == b.value && a.key > b.key)
        }
        guard let bestUnit = byUnit.max(by: better)?.key else { return nil }
        return score.filter { unit($0.key) == bestUnit }.max(by: better)?.key
    }

    private func overlap(_ topic: Topic, _ words: Set<Substring>) -> Int {
        Set(Diacritics.foldedKey(topic.name).split(separator: " ")).intersection(words).count
    }
}
