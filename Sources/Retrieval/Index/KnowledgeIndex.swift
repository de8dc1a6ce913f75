/// The searchable knowledge base: every live entry's phrasings (question and variants) in one
/// posting index, its answer and topic name in another, and the groups of entries that share
/// an answer.
///
/// A value type with in-place mutation; `SearchEngine` guards one behind a lock for
/// concurrent use. Adding, changing or retiring one entry takes effect at once.
package struct KnowledgeIndex: Sendable {
    /// Per-entry bookkeeping.
    struct Record: Sendable {
        var entry: KnowledgeEntry
        var live: Bool
        var phrasings: [UInt32]
        var group: Int32
    }

    /// The analyzer shared by entries and questions.
    package let analyzer: Analyzer
    /// The ranking configuration.
    package private(set) var configuration: RankingConfiguration
    /// Index terms from tokens.
    package let extractor: TermExtractor
    /// Query construction.
    package let queryBuilder: QueryBuilder
    /// Topic code → Vietnamese name (indexed with the answer).
    package let topicNames: [String: String]
    /// Catalogue document id → its number and title (indexed with the answers that cite it,
    /// so "QĐ 2323" finds an answer whose `refs` name that decision).
    package let documentTexts: [String: String]

    var records: [Record] = []
    var slotByID: [String: Int] = [:]
    /// Questions and variants: one field.
    var phrasings: PostingIndex
    /// Phrasing document → entry slot.
    var phrasingSlot: [UInt32] = []
    /// Phrasing document → its weight (question 1, variant `variantWeight`).
    var phrasingWeight: [Float] = []
    /// Answers and topic names: two fields, one document per distinct answer (document number
    /// = group number), so an answer shared by many entries counts once in the IDF.
    var contents: PostingIndex
    /// Answer key → group number.
    var groupByAnswer: [UInt64: Int32] = [:]
    /// Live entry slots of each group.
    var groupMembers: [[Int32]] = []
    /// Entry slot → group (a flat copy of `Record.group` for the search loops).
    var entryGroup: [Int32] = []
    /// Reusable accumulators for searching.
    var scratch = SearchScratch()

    /// Creates an empty index.
    package init(analyzer: Analyzer, configuration: RankingConfiguration = RankingConfiguration(),
                 topicNames: [String: String] = [:], documentTexts: [String: String] = [:])
    {
        self.documentTexts = documentTexts
        self.analyzer = analyzer
        self.configuration = configuration
        self.topicNames = topicNames
        extractor = TermExtractor(compounds: configuration.compoundMode, lexicon: analyzer.lexicon)
        queryBuilder = QueryBuilder(analyzer: analyzer, extractor: extractor, configuration: configuration)
        phrasings = PostingIndex(fieldWeights: [1], k1: configuration.k1, b: configuration.b)
        contents = PostingIndex(fieldWeights: [1, configuration.topicWeight, configuration.referencesWeight],
                                k1: configuration.k1, b: configuration.b)
    }

    /// Number of live entries.
    package var count: Int { slotByID.count }

    /// The live entry with this id.
    package func entry(_ id: String) -> KnowledgeEntry? {
        guard let slot = slotByID[id], records[slot].live else { return nil }
        return records[slot].entry
    }

    /// All live entries, in the order they were added.
    package var entries: [KnowledgeEntry] { records.lazy.filter(\.live).map(\.entry) }

    /// Posting and term counts (for benchmarks).
    package var statistics: (terms: Int, postings: Int) {
        (phrasings.termCount + contents.termCount, phrasings.postingCount + contents.postingCount)
    }

    /// Runs `body` with another configuration of the ranking knobs that do not change the
    /// index (weights, thresholds, `exhaustive`), then restores this one.
    package mutating func withConfiguration<R>(_ other: RankingConfiguration, _ body: (inout KnowledgeIndex) -> R) -> R {
        let saved = configuration
        configuration = other
        defer { configuration = saved }
        return body(&self)
    }

    // MARK: - Changes

    /// Adds an entry, or replaces the live entry with the same id. Takes effect at once.
    package mutating func upsert(_ entry: KnowledgeEntry) {
        if slotByID[entry.id] != nil { retire(entry.id) }
        insert(entry, averages: nil)
    }

    /// Adds many entries, normalising lengths by averages estimated from the batch itself
    /// (so the first entries of a bulk load are not weighed by a tiny running average).
    package mutating func load(_ batch: [KnowledgeEntry]) {
        let sample = batch.prefix(2000)
        var phrasingLength = 0.0
        var phrasingCount = 0.0
        var answerLength = 0.0
        var topicLength = 0.0
        var referencesLength = 0.0
        for entry in sample {
            for text in [entry.question] + entry.variants {
                phrasingLength += Double(analyzer.analyze(text).count)
                phrasingCount += 1
            }
            answerLength += Double(analyzer.analyze(entry.answer).count)
            topicLength += Double(analyzer.analyze(topicName(entry)).count)
            referencesLength += Double(analyzer.analyze(referencesText(entry)).count)
        }
        let n = Double(max(sample.count, 1))
        let averages = Averages(phrasing: phrasingLength / max(phrasingCount, 1), answer: answerLength / n,
                                topic: topicLength / n, references: referencesLength / n)
        for entry in batch {
            if slotByID[entry.id] != nil { retire(entry.id) }
            insert(entry, averages: averages)
        }
        phrasings.compact()
        contents.compact()
    }

    /// Retires the entry with this id (it stops matching at once). Returns whether it was live.
    @discardableResult
    package mutating func retire(_ id: String) -> Bool {
        guard let slot = slotByID[id], records[slot].live else { return false }
        let record = records[slot]
        let analyzed = analyze(record.entry)
        for (document, terms) in zip(record.phrasings, analyzed.phrasings) {
            phrasings.retire(document, fields: [terms])
        }
        records[slot].live = false
        let group = Int(record.group)
        groupMembers[group].removeAll { $0 == Int32(slot) }
        if groupMembers[group].isEmpty {
            contents.retire(UInt32(group), fields: [analyzed.answer, analyzed.topic, analyzed.references])
            groupByAnswer[analyzed.answerKey] = nil
        }
        slotByID[id] = nil
        return true
    }

    /// Field length averages for a bulk load.
    struct Averages {
        var phrasing: Double
        var answer: Double
        var topic: Double
        var references: Double
    }

    /// The index terms of an entry's fields.
    struct AnalyzedEntry {
        var phrasings: [[UInt64]]
        var answer: [UInt64]
        var topic: [UInt64]
        var references: [UInt64]
        var answerKey: UInt64
    }

    func topicName(_ entry: KnowledgeEntry) -> String {
        entry.topic.flatMap { topicNames[$0] } ?? ""
    }

    func referencesText(_ entry: KnowledgeEntry) -> String {
        entry.refs.compactMap { documentTexts[$0] }.joined(separator: "\n")
    }

    func analyze(_ entry: KnowledgeEntry) -> AnalyzedEntry {
        var phrasingTerms: [[UInt64]] = []
        for text in [entry.question] + entry.variants {
            var terms: [UInt64] = []
            extractor.documentTerms(analyzer.analyze(text), into: &terms)
            phrasingTerms.append(terms)
        }
        let answerTokens = analyzer.analyze(entry.answer)
        let answer = Self.contentTerms(answerTokens)
        let topic = Self.contentTerms(analyzer.analyze(topicName(entry)))
        let references = Self.contentTerms(analyzer.analyze(referencesText(entry)))
        let answerKey = CompiledLexicon.combined(answerTokens.lazy.map(\.exact))
        return AnalyzedEntry(phrasings: phrasingTerms, answer: answer, topic: topic, references: references,
                             answerKey: answerKey)
    }

    /// Answer and topic terms: folded syllables and references only (their weight is small, and
    /// this keeps the index a third of the size it would be with every key space).
    static func contentTerms(_ tokens: [Token]) -> [UInt64] {
        tokens.map { token in
            token.kind == .reference
                ? TermExtractor.key(token.exact, .reference) : TermExtractor.key(token.folded, .foldedUnigram)
        }
    }

    mutating func insert(_ entry: KnowledgeEntry, averages: Averages?) {
        let analyzed = analyze(entry)
        let slot = records.count
        var documents: [UInt32] = []
        for (index, terms) in analyzed.phrasings.enumerated() {
            let document = phrasings.add(fields: [terms], averageLengths: averages.map { [$0.phrasing] })
            documents.append(document)
            phrasingSlot.append(UInt32(slot))
            phrasingWeight.append(index == 0 ? 1 : configuration.variantWeight)
        }
        let group: Int32
        if let existing = groupByAnswer[analyzed.answerKey] {
            group = existing
        } else {
            let content = contents.add(fields: [analyzed.answer, analyzed.topic, analyzed.references],
                                       averageLengths: averages.map { [$0.answer, $0.topic, $0.references] })
            group = Int32(groupMembers.count)
            precondition(Int(content) == Int(group), "content documents are numbered like groups")
            groupByAnswer[analyzed.answerKey] = group
            groupMembers.append([])
        }
        groupMembers[Int(group)].append(Int32(slot))
        records.append(Record(entry: entry, live: true, phrasings: documents, group: group))
        entryGroup.append(group)
        slotByID[entry.id] = slot
        scratch.ensure(phrasings: phrasings.documentCount, entries: records.count, groups: groupMembers.count)
    }
}
