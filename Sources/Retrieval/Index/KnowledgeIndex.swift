/// The searchable knowledge base: every live entry's phrasings (question and variants) in one
/// posting index, its answer and topic name in another, and the groups of entries that share
/// an answer.
///
/// A value type with in-place mutation; `SearchEngine` guards one behind a lock for
/// concurrent use. Adding, changing or retiring one entry takes effect at once.
package struct KnowledgeIndex: Sendable {
    /// One entry as the index keeps it: its texts, its topic and unit as numbers of `codes`,
    /// its phrasing documents and whether it is live, in 80 bytes (a `KnowledgeEntry` with a
    /// range, a group and a flag took 112: 3 MB more at 100,000 entries, 32 MB at 1,000,000).
    struct Record: Sendable {
        let id: String
        let question: String
        let answer: String
        let variants: [String]
        let refs: [String]
        let topic: UInt32
        let unit: UInt32
        /// The first of its phrasing documents (numbered consecutively).
        let firstPhrasing: UInt32
        /// The number of its phrasing documents (low 31 bits) and whether it was retired (top bit).
        private var countAndRetired: UInt32

        init(_ entry: KnowledgeEntry, codes: inout CodeBook, phrasings: Range<UInt32>) {
            id = entry.id
            question = entry.question
            answer = entry.answer
            variants = entry.variants
            refs = entry.refs
            topic = codes.number(entry.topic)
            unit = codes.number(entry.unit)
            firstPhrasing = phrasings.lowerBound
            countAndRetired = UInt32(phrasings.count)
        }

        /// Its phrasing documents.
        var phrasings: Range<UInt32> { firstPhrasing..<firstPhrasing + (countAndRetired & 0x7fff_ffff) }

        /// Whether the entry is live (not retired).
        var live: Bool {
            get { countAndRetired >> 31 == 0 }
            set { countAndRetired = countAndRetired & 0x7fff_ffff | (newValue ? 0 : 1 << 31) }
        }

        /// The entry again.
        func entry(_ codes: CodeBook) -> KnowledgeEntry {
            KnowledgeEntry(id: id, question: question, answer: answer, topic: codes.code(topic),
                           unit: codes.code(unit), variants: variants, refs: refs)
        }
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
    /// The topic and unit codes of the records.
    var codes = CodeBook()
    /// Entry id → its latest record.
    var slotByID = EntrySlots()
    /// Live entries.
    var liveEntries = 0
    /// Questions and variants: one field.
    var phrasings: PostingIndex
    /// Phrasing document → entry slot.
    var phrasingSlot: [UInt32] = []
    /// Phrasing document → its weight (question 1, variant `variantWeight`).
    var phrasingWeight: [Float] = []
    /// Phrasing document → its distinct content words (not stop words; at most 255).
    var phrasingWords: [UInt8] = []
    /// Answers and topic names: two fields, one document per distinct answer (document number
    /// = group number), so an answer shared by many entries counts once in the IDF.
    var contents: PostingIndex
    /// Answer key → group number.
    var groupByAnswer = AnswerGroups()
    /// Live entry slots of each group.
    var groupMembers = GroupMembers()
    /// Live entries of each group (a flat copy of `groupMembers[g].count` for the search loop,
    /// which would otherwise touch one more cache line a group).
    var groupSize: [Float] = []
    /// Entry slot → group.
    var entryGroup: [Int32] = []
    /// Entry slot → what its phrasings ask (`QuestionForm`, the union over them).
    var entryForm: [QuestionForm] = []
    /// Every phrasing of a group's live entries as one document: what people asked when this
    /// was the answer (scored like a class centroid, beside the best single phrasing).
    var groupQuestions: PostingIndex
    /// Group → its document in `groupQuestions` (-1: none yet).
    var groupQuestionsDocument: [Int32] = []
    /// Document of `groupQuestions` → group.
    var questionsDocumentGroup: [Int32] = []
    /// Folded identity of a syllable → the accented identities seen for it in the knowledge
    /// base (for guessing the diacritics of a question typed without them).
    var accentVariants: [UInt64: [UInt64]] = [:]
    /// The accented identities already in `accentVariants` (one cheap lookup a word at a load).
    var seenSyllables = KeySet()
    /// Token totals for the length averages of entries added one at a time into an index that
    /// was never bulk-loaded.
    var tokenTotals = TokenTotals()
    /// The field length averages of the last bulk load, which entries put in one at a time
    /// afterwards are normalised by too (so an unchanged entry upserted again scores as before).
    var loadAverages: Averages?
    /// Reusable accumulators for searching.
    var scratch = SearchScratch()
    /// Whether a bulk load is under way (the accumulators are sized once at its end).
    var bulkLoading = false

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
        groupQuestions = PostingIndex(fieldWeights: [1], k1: configuration.k1, b: configuration.b)
        contents = PostingIndex(fieldWeights: [1, configuration.topicWeight, configuration.referencesWeight],
                                k1: configuration.k1, b: configuration.b)
    }

    /// Number of live entries.
    package var count: Int { liveEntries }

    /// The live entry with this id.
    package func entry(_ id: String) -> KnowledgeEntry? {
        guard let slot = liveSlot(id) else { return nil }
        return records[slot].entry(codes)
    }

    /// The record of the live entry with this id.
    @inline(__always)
    func liveSlot(_ id: String) -> Int? {
        guard let slot = slotByID.record(of: id, ids: { [records] in records[Int($0)].id }), records[Int(slot)].live
        else { return nil }
        return Int(slot)
    }

    /// All live entries, in the order they were added.
    package var entries: [KnowledgeEntry] { records.lazy.filter(\.live).map { $0.entry(codes) } }

    /// Posting and term counts (for benchmarks).
    package var statistics: (terms: Int, postings: Int) {
        (phrasings.termCount + contents.termCount + groupQuestions.termCount,
         phrasings.postingCount + contents.postingCount + groupQuestions.postingCount)
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
        retire(entry.id)
        insert(entry, analyzed: analyze(entry), averages: loadAverages ?? tokenTotals.averages,
               deferGroupQuestions: false)
    }

    /// Adds many entries, normalising lengths by averages estimated from the batch itself
    /// (so the first entries of a bulk load are not weighed by a tiny running average).
    package mutating func load(_ batch: [KnowledgeEntry]) {
        // The sample's analyses are kept for indexing them below.
        let sample = batch.prefix(2000).map(analyze)
        var phrasingLength = 0.0
        var phrasingCount = 0.0
        var answerLength = 0.0
        var topicLength = 0.0
        var referencesLength = 0.0
        for analyzed in sample {
            for count in analyzed.tokenCounts.phrasings {
                phrasingLength += Double(count)
                phrasingCount += 1
            }
            answerLength += Double(analyzed.tokenCounts.answer)
            topicLength += Double(analyzed.tokenCounts.topic)
            referencesLength += Double(analyzed.tokenCounts.references)
        }
        let n = Double(max(sample.count, 1))
        let averages = Averages(phrasing: phrasingLength / max(phrasingCount, 1), answer: answerLength / n,
                                topic: topicLength / n, references: referencesLength / n)
        if !batch.isEmpty { loadAverages = averages }
        let firstNewGroup = groupMembers.groupCount
        bulkLoading = true
        // A first load sizes the id table once; a later one (ids mostly known) grows it as needed.
        if slotByID.count == 0 { slotByID.reserve(batch.count) }
        phrasings.beginBulkLoad()
        contents.beginBulkLoad()
        groupQuestions.beginBulkLoad()
        for (number, entry) in batch.enumerated() {
            retire(entry.id)
            insert(entry, analyzed: number < sample.count ? sample[number] : analyze(entry), averages: averages,
                   deferGroupQuestions: true)
        }
        // Groups born in this batch get their question documents once, complete.
        for group in firstNewGroup..<groupMembers.groupCount where !groupMembers.isEmpty(group) {
            addGroupQuestions(group)
        }
        phrasings.finishBulkLoad()
        contents.finishBulkLoad()
        groupQuestions.finishBulkLoad()
        bulkLoading = false
        groupByAnswer.fit()
        ensureScratch()
        FreedMemory.release()
    }

    /// Retires the entry with this id (it stops matching at once). Returns whether it was live.
    @discardableResult
    package mutating func retire(_ id: String) -> Bool {
        guard let slot = liveSlot(id) else { return false }
        let record = records[slot]
        let analyzed = analyze(record.entry(codes))
        for (document, terms) in zip(record.phrasings, analyzed.phrasings) {
            phrasings.retire(document, fields: [terms])
        }
        records[slot].live = false
        let group = Int(entryGroup[slot])
        retireGroupQuestions(group)
        groupMembers.remove(Int32(slot), from: group)
        groupSize[group] -= 1
        if !groupMembers.isEmpty(group) { addGroupQuestions(group) }
        if groupMembers.isEmpty(group) {
            contents.retire(UInt32(group), fields: [analyzed.answer, analyzed.topic, analyzed.references])
            groupByAnswer[analyzed.answerKey] = nil
        }
        liveEntries -= 1
        return true
    }

    /// The phrasing terms of every live entry of a group, in one list.
    func groupQuestionTerms(_ group: Int) -> [UInt64] {
        var terms: [UInt64] = []
        for slot in groupMembers[group] {
            let entry = records[Int(slot)]
            for text in [entry.question] + entry.variants {
                extractor.documentTerms(analyzer.analyze(text), into: &terms)
            }
        }
        return terms
    }

    /// Indexes a group's question document (its members must be final). A group of one entry
    /// with one phrasing gets none: its document would be that phrasing again, so the search
    /// uses the phrasing's score instead (half the memory for knowledge bases of unique answers).
    mutating func addGroupQuestions(_ group: Int) {
        if groupMembers.count(group) == 1 && records[Int(groupMembers.first(group))].variants.isEmpty {
            return
        }
        let document = groupQuestions.add(fields: [groupQuestionTerms(group)])
        groupQuestionsDocument[group] = Int32(document)
        questionsDocumentGroup.append(Int32(group))
        if !bulkLoading { ensureScratch() }
    }

    /// Retires a group's question document (before its members change).
    mutating func retireGroupQuestions(_ group: Int) {
        let document = groupQuestionsDocument[group]
        guard document >= 0 else { return }
        groupQuestions.retire(UInt32(document), fields: [groupQuestionTerms(group)])
        groupQuestionsDocument[group] = -1
    }

    /// Field length averages that documents are normalised by, in analysed tokens (words and
    /// references), while a document's own length counts its index terms (both key spaces and
    /// the bigrams: about four a word in a phrasing, two in an answer). That is a heavier length
    /// normalisation than BM25's `b` alone says; it is what the weights and the confidence
    /// model were tuned and measured with (BENCHMARKS.md, issue #15: averages in index terms
    /// found the synthetic source entry more often but lost 5 points of answer coverage and a
    /// point of hit@1 on the real sets). Bulk loads and single upserts use the same kind of
    /// average, so an entry added at run time weighs like one loaded at start.
    struct Averages {
        var phrasing: Double
        var answer: Double
        var topic: Double
        var references: Double
    }

    /// Running token totals over every entry ever added (the averages for upserts).
    struct TokenTotals: Sendable {
        var phrasings = 0.0
        var phrasingCount = 0.0
        var answers = 0.0
        var topics = 0.0
        var references = 0.0
        var entries = 0.0

        /// The averages so far (nil before the first entry: the document's own length).
        var averages: Averages? {
            guard entries > 0 else { return nil }
            return Averages(phrasing: phrasings / max(phrasingCount, 1), answer: answers / entries,
                            topic: topics / entries, references: references / entries)
        }

        mutating func add(_ counts: AnalyzedEntry.TokenCounts) {
            phrasings += Double(counts.phrasings.reduce(0, +))
            phrasingCount += Double(counts.phrasings.count)
            answers += Double(counts.answer)
            topics += Double(counts.topic)
            references += Double(counts.references)
            entries += 1
        }
    }

    /// The index terms of an entry's fields.
    struct AnalyzedEntry {
        var phrasings: [[UInt64]]
        /// What the phrasings ask, together.
        var form: QuestionForm
        /// Distinct content words of each phrasing.
        var phrasingWords: [UInt8]
        /// Analysed tokens of each field (what length averages are counted in).
        struct TokenCounts {
            var phrasings: [Int]
            var answer: Int
            var topic: Int
            var references: Int
        }
        var tokenCounts: TokenCounts
        var answer: [UInt64]
        var topic: [UInt64]
        var references: [UInt64]
        var answerKey: UInt64
        /// (folded, exact) identities of the words of the phrasings and the answer.
        var words: [(UInt64, UInt64)]
    }

    func topicName(_ entry: KnowledgeEntry) -> String {
        entry.topic.flatMap { topicNames[$0] } ?? ""
    }

    func referencesText(_ entry: KnowledgeEntry) -> String {
        entry.refs.compactMap { documentTexts[$0] }.joined(separator: "\n")
    }

    func analyze(_ entry: KnowledgeEntry) -> AnalyzedEntry {
        var phrasingTerms: [[UInt64]] = []
        var phrasingWords: [UInt8] = []
        var phrasingTokens: [Int] = []
        var words: [(UInt64, UInt64)] = []
        var form: QuestionForm = []
        for text in [entry.question] + entry.variants {
            var terms: [UInt64] = []
            let tokens = analyzer.analyze(text)
            form.formUnion(queryBuilder.forms.form(of: tokens))
            extractor.documentTerms(tokens, into: &terms)
            phrasingTerms.append(terms)
            // Distinct content words, counted by sorting (a phrasing has a dozen: no hashing).
            let content = tokens.lazy.filter { $0.kind != .word || !analyzer.isStopWord($0, unaccented: false) }
                .map(\.folded)
            var folded = Array(content)
            folded.sort()
            var distinct = folded.isEmpty ? 0 : 1
            for i in folded.indices.dropFirst() where folded[i] != folded[i - 1] { distinct += 1 }
            phrasingWords.append(UInt8(min(255, distinct)))
            phrasingTokens.append(tokens.count)
            for token in tokens where token.kind == .word { words.append((token.folded, token.exact)) }
        }
        let answerTokens = analyzer.analyze(entry.answer)
        for token in answerTokens where token.kind == .word { words.append((token.folded, token.exact)) }
        let answer = Self.contentTerms(answerTokens)
        // Most entries have no topic name or cited document: no analysis of empty text.
        let topic = topicName(entry)
        let topicTokens = topic.isEmpty ? [] : analyzer.analyze(topic)
        let references = referencesText(entry)
        let referenceTokens = references.isEmpty ? [] : analyzer.analyze(references)
        let counts = AnalyzedEntry.TokenCounts(phrasings: phrasingTokens, answer: answerTokens.count,
                                               topic: topicTokens.count, references: referenceTokens.count)
        let answerKey = CompiledLexicon.combined(answerTokens.lazy.map(\.exact))
        return AnalyzedEntry(phrasings: phrasingTerms, form: form, phrasingWords: phrasingWords, tokenCounts: counts,
                             answer: answer, topic: Self.contentTerms(topicTokens),
                             references: Self.contentTerms(referenceTokens),
                             answerKey: answerKey, words: words)
    }

    /// Answer, topic and cited-document terms: syllables, accented and folded, and references
    /// (no bigrams: these fields weigh less than the question, and this keeps the index half
    /// the size it would be with every key space).
    static func contentTerms(_ tokens: [Token]) -> [UInt64] {
        var terms: [UInt64] = []
        terms.reserveCapacity(tokens.count * 2)
        for token in tokens {
            if token.kind == .reference {
                terms.append(TermExtractor.key(token.exact, .reference))
            } else {
                terms.append(TermExtractor.key(token.exact, .exactUnigram))
                terms.append(TermExtractor.key(token.folded, .foldedUnigram))
            }
        }
        return terms
    }

    mutating func insert(_ entry: KnowledgeEntry, analyzed: AnalyzedEntry, averages: Averages?,
                         deferGroupQuestions: Bool)
    {
        tokenTotals.add(analyzed.tokenCounts)
        let slot = records.count
        // An accented identity folds one way only, so one seen before is in its list already.
        for (folded, exact) in analyzed.words where seenSyllables.insert(exact) {
            accentVariants[folded, default: []].append(exact)
        }
        let firstDocument = UInt32(phrasings.documentCount)
        for (index, terms) in analyzed.phrasings.enumerated() {
            phrasings.add(fields: [terms], averageLengths: averages.map { [$0.phrasing] })
            phrasingSlot.append(UInt32(slot))
            phrasingWeight.append(index == 0 ? 1 : configuration.variantWeight)
            phrasingWords.append(analyzed.phrasingWords[index])
        }
        let group: Int32
        if let existing = groupByAnswer[analyzed.answerKey] {
            group = existing
        } else {
            let content = contents.add(fields: [analyzed.answer, analyzed.topic, analyzed.references],
                                       averageLengths: averages.map { [$0.answer, $0.topic, $0.references] })
            group = Int32(groupMembers.groupCount)
            precondition(Int(content) == Int(group), "content documents are numbered like groups")
            groupByAnswer[analyzed.answerKey] = group
            groupMembers.addGroup()
            groupSize.append(0)
            groupQuestionsDocument.append(-1)
        }
        let existingGroup = groupQuestionsDocument[Int(group)] >= 0
        if existingGroup { retireGroupQuestions(Int(group)) }
        groupMembers.append(Int32(slot), to: Int(group))
        groupSize[Int(group)] += 1
        let documents = firstDocument..<UInt32(phrasings.documentCount)
        precondition(documents.count < 1 << 31, "an entry has fewer than 2^31 phrasings")
        records.append(Record(entry, codes: &codes, phrasings: documents))
        entryGroup.append(group)
        entryForm.append(analyzed.form)
        if existingGroup || !deferGroupQuestions { addGroupQuestions(Int(group)) }
        slotByID.set(entry.id, record: Int32(slot), ids: { [records] in records[Int($0)].id })
        liveEntries += 1
        if !bulkLoading { ensureScratch() }
    }

    /// Sizes the search accumulators to the index.
    mutating func ensureScratch() {
        scratch.ensure(phrasings: phrasings.documentCount, entries: records.count, groups: groupMembers.groupCount)
    }
}
