/// Turns analyzed tokens into index terms: unigrams and multi-syllable units (syllable bigrams,
/// dictionary words or both), each in an accented and a folded key space, plus references.
package struct TermExtractor: Sendable {
    /// How multi-syllable words are represented (measured in BENCHMARKS.md).
    package enum Compounds: String, Sendable, CaseIterable {
        /// Syllables only.
        case none
        /// Every pair of adjacent syllables within a phrase.
        case bigrams
        /// Words of the lexicon's dictionary, longest match first.
        case dictionary
        /// Both bigrams and dictionary words.
        case both
    }

    /// Key spaces, so that the same text in different roles never shares a term.
    package enum Space: UInt64, Sendable {
        case exactUnigram = 1, foldedUnigram, exactBigram, foldedBigram, exactWord, foldedWord, reference
    }

    /// The multi-syllable representation.
    package var compounds: Compounds
    /// The dictionary (from the compiled lexicon).
    let dictionary: Set<UInt64>
    let longestWord: Int

    /// Creates an extractor.
    package init(compounds: Compounds = .bigrams, lexicon: CompiledLexicon) {
        self.compounds = compounds
        dictionary = lexicon.dictionary
        longestWord = lexicon.longestWord
    }

    /// The key of a token text in a space.
    @inline(__always)
    package static func key(_ hash: UInt64, _ space: Space) -> UInt64 {
        TermHash.tagged(hash, space.rawValue)
    }

    var usesBigrams: Bool { compounds == .bigrams || compounds == .both }
    var usesDictionary: Bool { (compounds == .dictionary || compounds == .both) && !dictionary.isEmpty }

    /// Index terms of a field, with repetitions; `accented: false` keeps the folded space only.
    package func documentTerms(_ tokens: [Token], accented: Bool = true, into terms: inout [UInt64]) {
        for (index, token) in tokens.enumerated() {
            if token.kind == .reference {
                terms.append(Self.key(token.exact, .reference))
                continue
            }
            if accented { terms.append(Self.key(token.exact, .exactUnigram)) }
            terms.append(Self.key(token.folded, .foldedUnigram))
            if usesBigrams, index > 0, !token.startsPhrase, tokens[index - 1].kind != .reference {
                let previous = tokens[index - 1]
                if accented {
                    terms.append(Self.key(TermHash.combine(previous.exact, token.exact), .exactBigram))
                }
                terms.append(Self.key(TermHash.combine(previous.folded, token.folded), .foldedBigram))
            }
        }
        if usesDictionary {
            forEachDictionaryWord(tokens) { exact, folded in
                if accented { terms.append(Self.key(exact, .exactWord)) }
                terms.append(Self.key(folded, .foldedWord))
            }
        }
    }

    /// Calls `body` with the exact and folded identity of every dictionary word, longest match
    /// first, left to right.
    func forEachDictionaryWord(_ tokens: [Token], _ body: (UInt64, UInt64) -> Void) {
        var index = 0
        while index < tokens.count {
            var matched = 0
            if tokens[index].kind == .word {
                var length = min(longestWord, tokens.count - index)
                while length >= 2 {
                    let slice = tokens[index..<index + length]
                    if slice.dropFirst().allSatisfy({ !$0.startsPhrase && $0.kind == .word }),
                        dictionary.contains(CompiledLexicon.combined(slice.lazy.map(\.folded)))
                    {
                        body(CompiledLexicon.combined(slice.lazy.map(\.exact)),
                             CompiledLexicon.combined(slice.lazy.map(\.folded)))
                        matched = length
                        break
                    }
                    length -= 1
                }
            }
            index += max(matched, 1)
        }
    }
}
