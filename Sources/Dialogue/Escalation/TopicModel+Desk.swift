import Retrieval

extension TopicModel {
    /// A topic model seeded with what the desk says of its fields: every topic's name, the name
    /// of its unit and what that unit answers (`units.jsonl`), the title and summary of the
    /// catalogue documents filed under it (`docs.jsonl`'s `topics`); the entries of the knowledge
    /// base are counted on top (`SearchEngine.trainTopics`).
    package static func desk(topics: [Topic], units: [UnitRecord], documents: [CatalogueDocument] = [],
                             analyzer: Analyzer, weights: Weights = Weights()) -> TopicModel
    {
        var model = TopicModel(analyzer: analyzer, weights: weights)
        let unitByID = Dictionary(units.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for topic in topics {
            model.describe(topic.id, with: topic.name)
            if let unit = unitByID[topic.unit] {
                model.describe(topic.id, with: unit.name)
                model.describe(topic.id, with: unit.answers)
            }
        }
        let known = Set(topics.map(\.id))
        for document in documents {
            for topic in document.topics ?? [] where known.contains(topic) {
                model.describe(topic, with: document.title + "\n" + document.summary, source: .document)
            }
        }
        return model
    }
}
