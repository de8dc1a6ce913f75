import Foundation

/// What the knowledge base knows about syllables, by folded identity (`Token.folded`): whether
/// it holds one, how many documents use it, how many use two in a row.
package protocol SyllableVocabulary {
    /// Whether the knowledge base holds the syllable.
    func knows(_ folded: UInt64) -> Bool
    /// How many documents hold the syllable (0 when none).
    func frequency(_ folded: UInt64) -> Float
    /// How many documents hold the two syllables in this order, next to each other.
    func bigramFrequency(_ first: UInt64, _ second: UInt64) -> Float
}

/// Repairs of one word the knowledge base does not know: an edit of one letter (deletion,
/// insertion, substitution or swap of neighbours) that gives a syllable it does know, or a split
/// into two known syllables ("chuky" → "chu ky"). The more frequent candidate wins, and the
/// words around it vote through the bigrams they would form.
package enum SyllableCorrector {
    /// A word's neighbours (folded identities, 0 for none), for the bigram votes.
    package struct Context: Sendable {
        /// The word before.
        package var previous: UInt64 = 0
        /// The word after.
        package var next: UInt64 = 0

        /// Creates a context.
        package init(previous: UInt64 = 0, next: UInt64 = 0) {
            self.previous = previous
            self.next = next
        }
    }

    /// Shortest word an edit is tried on (edits of two-letter words hit too many syllables).
    static let minimumEditLength = 3
    /// Shortest half of a split.
    static let minimumSplitLength = 2

    /// The folded identity of lower-case units (the tokenizer's, with its final y → i).
    package static func folded(_ units: [UInt16]) -> UInt64 { identities(units).folded }

    /// The exact and folded identities of lower-case NFC units, as the tokenizer gives them.
    package static func identities(_ units: [UInt16]) -> (exact: UInt64, folded: UInt64) {
        guard !units.isEmpty else { return (0, 0) }
        return units.withUnsafeBufferPointer { buffer in
            let ids = SyllableCanonicalizer.identities(buffer.baseAddress!, 0, buffer.count, VietnameseLetters.letters)
            return (ids.exact, ids.folded)
        }
    }

    /// The folded identity of lower-case ASCII letters without building an array (the same
    /// value as `folded`: FNV over the letters, a final y after a consonant read as i).
    @inline(__always)
    static func foldedASCII(_ word: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let count = word.count
        guard count > 0 else { return 0 }
        var vowels = 0
        for letter in word where TelexDecoder.isVowel(letter) { vowels += 1 }
        let yAsI = vowels == 1 && count >= 2 && word[count - 1] == 0x79 && !TelexDecoder.isVowel(word[count - 2])
        var hash = TermHash.seed
        for index in 0..<(yAsI ? count - 1 : count) { hash = TermHash.add(hash, UInt16(word[index])) }
        if yAsI { hash = TermHash.add(hash, 0x69) }
        return TermHash.finish(hash)
    }

    /// How well a syllable fits between its neighbours.
    static func score<V: SyllableVocabulary>(_ folded: UInt64, _ context: Context, _ vocabulary: V) -> Float {
        var score = logf(1 + vocabulary.frequency(folded))
        if context.previous != 0 { score += 2 * logf(1 + vocabulary.bigramFrequency(context.previous, folded)) }
        if context.next != 0 { score += 2 * logf(1 + vocabulary.bigramFrequency(folded, context.next)) }
        return score
    }

    /// The best known syllable one edit away from an unknown lower-case ASCII word.
    package static func correct<V: SyllableVocabulary>(_ word: [UInt8], context: Context, vocabulary: V) -> [UInt8]? {
        // A syllable has at most seven letters: a word of nine or more is no one-letter typo of one.
        guard word.count >= minimumEditLength, word.count <= 8, word.allSatisfy({ $0 >= 0x61 && $0 <= 0x7a })
        else { return nil }
        var best: [UInt8]?
        var bestScore = -Float.infinity
        var seen = Set<UInt64>()
        func consider(_ candidate: [UInt8]) {
            let key = candidate.withUnsafeBufferPointer(foldedASCII)
            guard vocabulary.knows(key), seen.insert(key).inserted else { return }
            let value = score(key, context, vocabulary)
            if value > bestScore {
                bestScore = value
                best = candidate
            }
        }
        var candidate = word
        for position in word.indices {
            // Deletion.
            candidate = word
            candidate.remove(at: position)
            consider(candidate)
            // Swap with the next letter.
            if position + 1 < word.count, word[position] != word[position + 1] {
                candidate = word
                candidate.swapAt(position, position + 1)
                consider(candidate)
            }
            // Substitution.
            for letter in UInt8(0x61)...UInt8(0x7a) where letter != word[position] {
                candidate = word
                candidate[position] = letter
                consider(candidate)
            }
        }
        // Insertion.
        for position in 0...word.count {
            for letter in UInt8(0x61)...UInt8(0x7a) {
                candidate = word
                candidate.insert(letter, at: position)
                consider(candidate)
            }
        }
        return best
    }

    /// The best split of an unknown word into two known syllables, as the split position.
    package static func split<V: SyllableVocabulary>(_ word: [UInt16], context: Context, vocabulary: V) -> Int? {
        guard word.count >= 2 * minimumSplitLength, word.count <= 2 * 8 else { return nil }
        var best: Int?
        var bestScore = -Float.infinity
        for position in minimumSplitLength...(word.count - minimumSplitLength) {
            // Never between a letter and the combining mark on it.
            if word[position] >= 0x300 && word[position] <= 0x36F { continue }
            let left = folded(Array(word[..<position]))
            let right = folded(Array(word[position...]))
            guard vocabulary.knows(left), vocabulary.knows(right) else { continue }
            let value = score(left, Context(previous: context.previous), vocabulary)
                + score(right, Context(next: context.next), vocabulary)
                + 2 * logf(1 + vocabulary.bigramFrequency(left, right))
            if value > bestScore {
                bestScore = value
                best = position
            }
        }
        return best
    }
}
