/// A `Lexicon` turned into hash tables over token identities, ready for the hot path.
package struct CompiledLexicon: Sendable {
    /// A phrase as the folded hashes of its tokens.
    package struct Phrase: Sendable, Hashable {
        /// Folded identities, in order.
        package var folded: [UInt64]
    }

    /// Folded identity of a one-token abbreviation → its expansion.
    package var abbreviations: [UInt64: [Token]] = [:]
    /// Exact identity of a chat word → its expansion.
    package var chatWords: [UInt64: [Token]] = [:]
    /// Document-type phrases (folded) → type key; a phrase of one token may be an abbreviation.
    package var documentTypes: [(phrase: Phrase, key: UInt64, expansion: [Token])] = []
    /// Synonym groups: every member's tokens.
    package var synonymGroups: [[[Token]]] = []
    /// First folded identity of a synonym member → (group, member) positions.
    package var synonymStarts: [UInt64: [(group: Int, member: Int)]] = [:]
    /// Exact identities of stop words.
    package var stopExact: Set<UInt64> = []
    /// Folded identities of stop words (for questions typed without diacritics).
    package var stopFolded: Set<UInt64> = []
    /// Combined folded identities of dictionary words, by length in syllables.
    package var dictionary: Set<UInt64> = []
    /// The longest dictionary word, in syllables.
    package var longestWord = 0
    /// A 65,536-bit filter over the identities `Analyzer.rewrite` looks up (chat words by exact
    /// identity, abbreviations and document-type phrases by folded identity): most tokens are
    /// none of these, and one bit test is much cheaper than two hash-table lookups.
    package var rewriteFilter = [UInt64](repeating: 0, count: 1024)

    /// Whether `hash` may be a key of the rewrite tables.
    @inline(__always)
    package func mayRewrite(_ hash: UInt64) -> Bool {
        let bit = Int(truncatingIfNeeded: hash & 0xFFFF)
        return rewriteFilter[bit >> 6] & (1 << UInt64(bit & 63)) != 0
    }

    mutating func addToFilter(_ hash: UInt64) {
        let bit = Int(truncatingIfNeeded: hash & 0xFFFF)
        rewriteFilter[bit >> 6] |= 1 << UInt64(bit & 63)
    }

    /// Compiles a lexicon.
    package init(_ lexicon: Lexicon) {
        for (short, long) in lexicon.abbreviations {
            let shortTokens = Tokenizer.tokenize(short)
            guard shortTokens.count == 1 else { continue }
            abbreviations[shortTokens[0].folded] = Tokenizer.tokenize(long)
        }
        for (short, long) in lexicon.chatWords {
            let shortTokens = Tokenizer.tokenize(short)
            guard shortTokens.count == 1 else { continue }
            chatWords[shortTokens[0].exact] = Tokenizer.tokenize(long)
        }
        for (key, phrases) in lexicon.documentTypes {
            let typeKey = DocumentType.key(named: key)
            // The first phrase is the full name, which abbreviations expand to.
            let fullName = phrases.first.map(Tokenizer.tokenize) ?? []
            for phrase in phrases {
                let tokens = Tokenizer.tokenize(phrase)
                guard !tokens.isEmpty else { continue }
                documentTypes.append((Phrase(folded: tokens.map(\.folded)), typeKey, fullName))
            }
        }
        for key in abbreviations.keys { addToFilter(key) }
        for key in chatWords.keys { addToFilter(key) }
        for entry in documentTypes { addToFilter(entry.phrase.folded[0]) }
        // Longer phrases first, so "nghị định" wins over a one-syllable form.
        documentTypes.sort { $0.phrase.folded.count > $1.phrase.folded.count }
        for group in lexicon.synonyms {
            // Members are stored as the analyzer will see them: abbreviations expanded, and
            // members that expand to the same words kept once ("csdl ~ cơ sở dữ liệu" is
            // already handled by the abbreviation table).
            var seen = Set<[UInt64]>()
            let members = group.map { expandAbbreviations(Tokenizer.tokenize($0)) }.filter {
                !$0.isEmpty && seen.insert($0.map(\.folded)).inserted
            }
            guard members.count >= 2 else { continue }
            let groupIndex = synonymGroups.count
            synonymGroups.append(members)
            for (memberIndex, member) in members.enumerated() {
                synonymStarts[member[0].folded, default: []].append((groupIndex, memberIndex))
            }
        }
        for word in lexicon.stopWords {
            for token in Tokenizer.tokenize(word) {
                stopExact.insert(token.exact)
                stopFolded.insert(token.folded)
            }
        }
        for word in lexicon.words {
            let tokens = Tokenizer.tokenize(word)
            guard tokens.count >= 2 else { continue }
            dictionary.insert(Self.combined(tokens.lazy.map(\.folded)))
            longestWord = max(longestWord, tokens.count)
        }
    }

    /// Replaces one-token abbreviations by their expansions.
    func expandAbbreviations(_ tokens: [Token]) -> [Token] {
        tokens.flatMap { token in
            token.kind == .word ? abbreviations[token.folded] ?? [token] : [token]
        }
    }

    /// The identity of a token sequence (dictionary words, bigrams).
    @inline(__always)
    package static func combined<S: Sequence>(_ hashes: S) -> UInt64 where S.Element == UInt64 {
        var result: UInt64 = 0x5745_5244
        for hash in hashes { result = TermHash.combine(result, hash) }
        return result
    }
}
