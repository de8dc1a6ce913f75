/// A question turned into weighted index terms for both indexes.
package struct Query: Sendable {
    /// A term key with its weight.
    package struct Term: Sendable {
        /// The term key.
        package var key: UInt64
        /// The query weight.
        package var weight: Float
        /// A folded content-word unigram (counts towards coverage).
        package var isContent: Bool
    }

    /// Terms matched against questions and their variants.
    package var phrasingTerms: [Term] = []
    /// Terms matched against answers and topic names (folded syllables and references).
    package var contentTerms: [Term] = []
    /// The question was typed without any diacritics.
    package var unaccented = false
    /// What the question asks for (a place, a time, …), from its interrogative words.
    package var form: QuestionForm = []

    /// No term to search for.
    package var isEmpty: Bool { phrasingTerms.isEmpty && contentTerms.isEmpty }
}

/// Builds a `Query`: the analysis of the question, its weighting (exact over folded, stop words
/// lighter, references heavier) and the synonyms of the lexicon.
package struct QueryBuilder: Sendable {
    /// The analyzer (with its lexicon).
    package let analyzer: Analyzer
    /// The term extractor.
    package let extractor: TermExtractor
    /// The weights.
    package let configuration: RankingConfiguration
    /// Reads what a question asks for.
    package let forms = QuestionFormReader()

    /// Creates a builder.
    package init(analyzer: Analyzer, extractor: TermExtractor, configuration: RankingConfiguration) {
        self.analyzer = analyzer
        self.extractor = extractor
        self.configuration = configuration
    }

    /// The query for a question.
    /// - Parameter restore: for a question typed without diacritics, a guess of its accented
    ///   words (from what the knowledge base says); their accented terms are added with
    ///   `restoredWeight`, so "cap do" leans towards "cấp độ" without losing "cấp đỡ".
    /// - Parameter correct: chat typing repaired (Telex, typos; `ChatCorrector`), nil when none.
    package func query(_ text: String, restore: ([Token]) -> [Token] = { $0 },
                       correct: ([Token], String) -> [Token]? = { _, _ in nil }) -> Query {
        var raw = Tokenizer.tokenize(text)
        // Decided on the words as typed: chat words expand to accented forms ("ko" → "không"),
        // which says nothing about how the person types.
        let unaccented = !raw.contains { $0.kind == .word && $0.hasDiacritics }
        if let corrected = correct(raw, text) { raw = corrected }
        let tokens = analyzer.rewrite(raw)
        var phrasing: [UInt64: Query.Term] = [:]
        var content: [UInt64: Query.Term] = [:]
        add(tokens, factor: 1, unaccented: unaccented, phrasing: &phrasing, content: &content)
        if unaccented, configuration.restoredWeight > 0 {
            addAccented(restore(tokens), factor: configuration.restoredWeight, phrasing: &phrasing, content: &content)
        }
        if configuration.synonymWeight > 0 {
            for alternative in synonymAlternatives(tokens) {
                add(alternative, factor: configuration.synonymWeight, unaccented: unaccented, phrasing: &phrasing,
                    content: &content)
            }
        }
        var query = Query()
        query.unaccented = unaccented
        query.form = forms.form(of: tokens)
        query.phrasingTerms = Array(phrasing.values)
        query.contentTerms = Array(content.values)
        return query
    }

    /// Adds the accented-space terms (exact syllables and bigrams) of restored tokens.
    func addAccented(_ tokens: [Token], factor: Float, phrasing: inout [UInt64: Query.Term],
                     content: inout [UInt64: Query.Term])
    {
        for (index, token) in tokens.enumerated() where token.kind == .word && token.hasDiacritics {
            let weight = (analyzer.isStopWord(token, unaccented: false) ? configuration.stopWordWeight : 1) * factor
            let key = TermExtractor.key(token.exact, .exactUnigram)
            phrasing[key, default: Query.Term(key: key, weight: 0, isContent: false)].weight += weight
            content[key, default: Query.Term(key: key, weight: 0, isContent: false)].weight += weight
            if extractor.usesBigrams, index > 0, !token.startsPhrase, tokens[index - 1].kind == .word {
                let bigram = TermExtractor.key(TermHash.combine(tokens[index - 1].exact, token.exact), .exactBigram)
                phrasing[bigram, default: Query.Term(key: bigram, weight: 0, isContent: false)].weight +=
                    weight * configuration.compoundWeight
            }
        }
    }

    /// Adds the weighted terms of `tokens`.
    func add(_ tokens: [Token], factor: Float, unaccented: Bool, phrasing: inout [UInt64: Query.Term],
             content: inout [UInt64: Query.Term])
    {
        let c = configuration
        func put(_ key: UInt64, _ weight: Float, _ isContent: Bool, into table: inout [UInt64: Query.Term]) {
            if var existing = table[key] {
                existing.weight += weight
                existing.isContent = existing.isContent || isContent
                table[key] = existing
            } else {
                table[key] = Query.Term(key: key, weight: weight, isContent: isContent)
            }
        }
        var stops = [Bool](repeating: false, count: tokens.count)
        for (index, token) in tokens.enumerated() {
            if token.kind == .reference {
                let key = TermExtractor.key(token.exact, .reference)
                put(key, c.referenceWeight * factor, true, into: &phrasing)
                put(key, c.referenceWeight * factor, false, into: &content)
                continue
            }
            let stop = analyzer.isStopWord(token, unaccented: unaccented)
            stops[index] = stop
            let weight = (stop ? c.stopWordWeight : 1) * factor * expansionFactor(token)
            let folded = TermExtractor.key(token.folded, .foldedUnigram)
            if unaccented {
                put(folded, weight, !stop, into: &phrasing)
                put(folded, weight, false, into: &content)
            } else {
                let exact = TermExtractor.key(token.exact, .exactUnigram)
                put(exact, weight, false, into: &phrasing)
                put(folded, weight * c.foldedWeight, !stop, into: &phrasing)
                put(exact, weight, false, into: &content)
                put(folded, weight * c.foldedWeight, false, into: &content)
            }
            if extractor.usesBigrams, index > 0, !token.startsPhrase, tokens[index - 1].kind != .reference {
                let previous = tokens[index - 1]
                let bigramWeight = c.compoundWeight * factor * (stop && stops[index - 1] ? c.stopWordWeight : 1)
                    * min(expansionFactor(token), expansionFactor(previous))
                let foldedKey = TermExtractor.key(TermHash.combine(previous.folded, token.folded), .foldedBigram)
                if unaccented {
                    put(foldedKey, bigramWeight, false, into: &phrasing)
                } else {
                    let exactKey = TermExtractor.key(TermHash.combine(previous.exact, token.exact), .exactBigram)
                    put(exactKey, bigramWeight, false, into: &phrasing)
                    put(foldedKey, bigramWeight * c.foldedWeight, false, into: &phrasing)
                }
            }
        }
        if extractor.usesDictionary {
            extractor.forEachDictionaryWord(tokens) { exact, folded in
                let weight = c.compoundWeight * factor
                if unaccented {
                    put(TermExtractor.key(folded, .foldedWord), weight, false, into: &phrasing)
                } else {
                    put(TermExtractor.key(exact, .exactWord), weight, false, into: &phrasing)
                    put(TermExtractor.key(folded, .foldedWord), weight * c.foldedWeight, false, into: &phrasing)
                }
            }
        }
    }

    /// The weight factor of a token from an expansion: the expansion as a whole weighs
    /// `expansionWeight` words.
    @inline(__always)
    func expansionFactor(_ token: Token) -> Float {
        min(1, configuration.expansionWeight * token.expansionShare) * token.correctionWeight
    }

    /// For every synonym-group member found in the tokens, the tokens of the other members.
    package func synonymAlternatives(_ tokens: [Token]) -> [[Token]] {
        let lexicon = analyzer.lexicon
        guard !lexicon.synonymStarts.isEmpty else { return [] }
        var alternatives: [[Token]] = []
        var usedGroups = Set<Int>()
        for index in tokens.indices {
            guard let candidates = lexicon.synonymStarts[tokens[index].folded] else { continue }
            for (group, member) in candidates where !usedGroups.contains(group) {
                let phrase = lexicon.synonymGroups[group][member]
                guard index + phrase.count <= tokens.count else { continue }
                let matches = phrase.indices.allSatisfy { tokens[index + $0].folded == phrase[$0].folded }
                guard matches else { continue }
                usedGroups.insert(group)
                for (other, tokensOfOther) in lexicon.synonymGroups[group].enumerated() where other != member {
                    alternatives.append(tokensOfOther)
                }
            }
        }
        return alternatives
    }
}
