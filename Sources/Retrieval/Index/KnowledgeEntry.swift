/// One earlier question with its answer: the unit of the knowledge base.
///
/// The JSON shape is pinned (corpus files, `import`, `eval`):
/// `{"id", "question", "answer", "topic"?, "unit"?, "variants"?, "refs"?}`; unknown fields are
/// ignored.
package struct KnowledgeEntry: Sendable, Codable, Hashable {
    /// Stable identifier.
    package var id: String
    /// The question as it was asked.
    package var question: String
    /// The answer given.
    package var answer: String
    /// The topic code, if known.
    package var topic: String?
    /// The answering unit's code, if known.
    package var unit: String?
    /// Other phrasings of the same question.
    package var variants: [String]
    /// Catalogue ids of the documents the answer relies on.
    package var refs: [String]

    /// Creates an entry.
    package init(id: String, question: String, answer: String, topic: String? = nil, unit: String? = nil,
                 variants: [String] = [], refs: [String] = [])
    {
        self.id = id
        self.question = question
        self.answer = answer
        self.topic = topic
        self.unit = unit
        self.variants = variants
        self.refs = refs
    }

    /// The JSON keys.
    enum CodingKeys: String, CodingKey {
        case id, question, answer, topic, unit, variants, refs
    }

    /// Decodes an entry; `variants` and `refs` may be missing.
    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        question = try container.decode(String.self, forKey: .question)
        answer = try container.decode(String.self, forKey: .answer)
        topic = try container.decodeIfPresent(String.self, forKey: .topic)
        unit = try container.decodeIfPresent(String.self, forKey: .unit)
        variants = try container.decodeIfPresent([String].self, forKey: .variants) ?? []
        refs = try container.decodeIfPresent([String].self, forKey: .refs) ?? []
    }

    /// Encodes an entry, leaving out empty optional parts.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(question, forKey: .question)
        try container.encode(answer, forKey: .answer)
        try container.encodeIfPresent(topic, forKey: .topic)
        try container.encodeIfPresent(unit, forKey: .unit)
        if !variants.isEmpty { try container.encode(variants, forKey: .variants) }
        if !refs.isEmpty { try container.encode(refs, forKey: .refs) }
    }
}
