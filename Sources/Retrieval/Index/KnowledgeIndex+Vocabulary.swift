/// The knowledge base as a syllable vocabulary: the folded syllables of its questions, variants
/// and answers, with their document frequencies in the phrasing and content indexes.
extension KnowledgeIndex: SyllableVocabulary {
    /// Whether any entry holds the syllable.
    package func knows(_ folded: UInt64) -> Bool { accentVariants[folded] != nil }

    /// Phrasings and answers holding the syllable.
    package func frequency(_ folded: UInt64) -> Float {
        let key = TermExtractor.key(folded, .foldedUnigram)
        var total: Int32 = 0
        if let number = phrasings.number(of: key) { total += phrasings.documentFrequency[number] }
        if let number = contents.number(of: key) { total += contents.documentFrequency[number] }
        return Float(total)
    }

    /// Phrasings holding the two syllables next to each other (0 without bigram terms).
    package func bigramFrequency(_ first: UInt64, _ second: UInt64) -> Float {
        let key = TermExtractor.key(TermHash.combine(first, second), .foldedBigram)
        guard let number = phrasings.number(of: key) else { return 0 }
        return Float(phrasings.documentFrequency[number])
    }

    /// A question's tokens with its chat typing repaired (`ChatCorrector`), or nil.
    package func correctTyping(_ tokens: [Token], text: String) -> [Token]? {
        ChatCorrector.correct(text, tokens: tokens, lexicon: analyzer.lexicon, vocabulary: self)
    }
}
