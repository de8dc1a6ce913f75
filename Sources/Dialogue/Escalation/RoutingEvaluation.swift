import Foundation
import Retrieval

/// One question of a routing development set (`corpus/eval/routing.jsonl`): a question the
/// knowledge base does not answer, with the unit that owns it.
package struct RoutingQuery: Sendable, Codable, Hashable {
    /// Stable identifier.
    package var id: String
    /// The question as a user would type it.
    package var query: String
    /// The unit that should get its ticket.
    package var unit: String
    /// The topic, when one is clear.
    package var topic: String?
    /// `tune` (weights may be chosen on it) or `test` (held out).
    package var split: String?

    /// Creates a query.
    package init(id: String, query: String, unit: String, topic: String? = nil, split: String? = nil) {
        self.id = id
        self.query = query
        self.unit = unit
        self.topic = topic
        self.split = split
    }
}

/// Routing accuracy over a development set, for the topic model and for the old rule (the
/// nearest answers only) in the same run, on the same searches.
package struct RoutingEvaluation: Sendable, Encodable {
    /// Right and total.
    package struct Tally: Sendable, Encodable, Hashable {
        /// Questions routed to their unit.
        package var correct = 0
        /// Questions.
        package var total = 0
        /// No questions yet.
        package init() {}

        /// `correct / total` (0 for none).
        package var accuracy: Double { total == 0 ? 0 : Double(correct) / Double(total) }

        mutating func count(_ right: Bool) {
            total += 1
            if right { correct += 1 }
        }

        /// The JSON keys.
        enum CodingKeys: String, CodingKey { case correct, total, accuracy }

        /// Encodes the counts and the accuracy.
        package func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(correct, forKey: .correct)
            try container.encode(total, forKey: .total)
            try container.encode(accuracy, forKey: .accuracy)
        }
    }

    /// The figures of one rule.
    package struct Figures: Sendable, Encodable {
        /// All questions.
        package var overall = Tally()
        /// By the unit that owns the question.
        package var byUnit: [String: Tally] = [:]
        /// By `split` (`tune`, `test`; questions without one count as `-`).
        package var bySplit: [String: Tally] = [:]
        /// Questions whose topic is labelled: the topic chosen was that one.
        package var topic = Tally()

        mutating func count(_ query: RoutingQuery, unit: String, topic chosen: String?) {
            let right = unit == query.unit
            overall.count(right)
            byUnit[query.unit, default: Tally()].count(right)
            bySplit[query.split ?? "-", default: Tally()].count(right)
            if let labelled = query.topic { topic.count(chosen == labelled) }
        }
    }

    /// How one question was routed.
    package struct Record: Sendable, Codable, Hashable {
        /// The query id.
        package var id: String
        /// The unit it belongs to.
        package var unit: String
        /// The unit and topic the model chose.
        package var model: String
        /// The topic the model chose.
        package var modelTopic: String?
        /// The unit the nearest answers alone chose.
        package var nearestOnly: String
    }

    /// The topic model combined with the nearest answers.
    package var model = Figures()
    /// The old rule: the nearest answers only.
    package var nearestOnly = Figures()
    /// The questions were stripped of their diacritics first.
    package var strippedDiacritics = false
    /// Mean time of the model's routing of one question, search excluded (microseconds).
    package var modelMicroseconds = 0.0
    /// Every question's routing.
    package var records: [Record] = []

    /// Routes every query with both rules.
    /// - Parameters:
    ///   - engine: the knowledge base (its topic model trained: `trainTopics`).
    ///   - topics: topics and their units.
    ///   - fallbackUnit: where a topic without an owner goes (as the desk does).
    package static func run(_ queries: [RoutingQuery], engine: SearchEngine, topics: [Topic],
                            fallbackUnit: String? = nil, stripDiacritics: Bool = false,
                            weights: TopicClassifier.Weights = TopicClassifier.Weights()) -> RoutingEvaluation
    {
        let search: @Sendable (String) -> SearchResponse = { engine.search($0) }
        let entry: @Sendable (String) -> KnowledgeEntry? = { engine.entry($0) }
        let withModel = TopicClassifier(topics: topics, search: search, entry: entry,
                                        model: { engine.topicProbabilities($0) }, weights: weights)
        let old = TopicClassifier(topics: topics, search: search, entry: entry)
        func unit(_ topic: String?) -> String {
            topic.flatMap { code in topics.first { $0.id == code }?.unit } ?? fallbackUnit ?? "-"
        }
        var evaluation = RoutingEvaluation()
        evaluation.strippedDiacritics = stripDiacritics
        var modelTime = Duration.zero
        let clock = ContinuousClock()
        for query in queries {
            let text = stripDiacritics ? Diacritics.strip(query.query) : query.query
            let nearest = engine.search(text).results.prefix(TopicClassifier.depth).map {
                NearestEntry(kb: $0.entryID, confidence: $0.confidence)
            }
            var modelTopic: String?
            modelTime += clock.measure { modelTopic = withModel.topic(of: text, nearest: nearest) }
            let oldTopic = old.topic(of: text, nearest: nearest)
            evaluation.model.count(query, unit: unit(modelTopic), topic: modelTopic)
            evaluation.nearestOnly.count(query, unit: unit(oldTopic), topic: oldTopic)
            evaluation.records.append(Record(id: query.id, unit: query.unit, model: unit(modelTopic),
                                             modelTopic: modelTopic, nearestOnly: unit(oldTopic)))
        }
        let seconds = Double(modelTime.components.seconds) + Double(modelTime.components.attoseconds) / 1e18
        evaluation.modelMicroseconds = queries.isEmpty ? 0 : seconds * 1e6 / Double(queries.count)
        return evaluation
    }
}
