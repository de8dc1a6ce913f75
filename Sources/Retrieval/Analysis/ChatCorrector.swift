/// Chat Vietnamese on the question side: words the knowledge base does not know, typed the way
/// people type on a phone, repaired before the question is analyzed.
///
/// A word is left alone when the knowledge base or the lexicon knows it (a known syllable is
/// never changed). Otherwise, in order: Telex or VNI keys decoded ("chuwx" → "chữ", "d9ien65"
/// → "điện"); a teen-code onset read back ("wốc" → "quốc", "fải" → "phải"); a run of two
/// syllables split ("chuky" → "chu ky"); one letter edited ("nhna" → "nhan"). Each repair is
/// kept only when its result is known, and its terms weigh a little less than typed ones.
/// Questions whose words are all known (most of them) cost one table lookup a word.
package enum ChatCorrector {
    /// Weight of a decoded Telex or VNI word.
    package static let decodedWeight: Float = 0.9
    /// Weight of a teen-code onset read back or of a split word's halves.
    package static let rewrittenWeight: Float = 0.8
    /// Weight of a word corrected by one letter.
    package static let editedWeight: Float = 0.7

    /// The corrected tokens of a question, or nil when there is nothing to correct.
    /// - Parameters:
    ///   - text: the question as typed.
    ///   - tokens: its tokens (`Tokenizer.tokenize(text)`).
    package static func correct<V: SyllableVocabulary>(_ text: String, tokens: [Token], lexicon: CompiledLexicon,
                                                       vocabulary: V) -> [Token]?
    {
        // Fast path: every word known.
        guard tokens.contains(where: { isCandidate($0) && !isKnown($0.exact, $0.folded, lexicon, vocabulary) })
        else { return nil }
        let units = Array(text.lowercased().utf16)
        let words = wordRanges(units)
        guard !words.isEmpty else { return nil }
        let identities = words.map { range in
            units.withUnsafeBufferPointer { buffer in
                SyllableCanonicalizer.identities(buffer.baseAddress!, range.lowerBound, range.upperBound,
                                                 VietnameseLetters.letters)
            }
        }
        var output: [UInt16] = []
        output.reserveCapacity(units.count + 8)
        var weights: [UInt64: Float] = [:]
        var cursor = 0
        var changed = false
        var attempts = 0
        for (number, range) in words.enumerated() {
            output.append(contentsOf: units[cursor..<range.lowerBound])
            cursor = range.upperBound
            let word = Array(units[range])
            let identity = identities[number]
            let first = word[0]
            guard word.count <= Self.maximumRepairLength, attempts < Self.maximumRepairs, !(first >= 0x30 && first <= 0x39), !isAttached(units, range),
                !isKnown(identity.exact, identity.folded, lexicon, vocabulary), !SyllableSpelling.isSyllable(word)
            else {
                output.append(contentsOf: word)
                continue
            }
            attempts += 1
            let context = SyllableCorrector.Context(
                previous: number > 0 ? identities[number - 1].folded : 0,
                next: number + 1 < words.count ? identities[number + 1].folded : 0)
            guard let (repair, weight) = repair(word, context: context, lexicon: lexicon, vocabulary: vocabulary)
            else {
                output.append(contentsOf: word)
                continue
            }
            changed = true
            output.append(contentsOf: repair)
            for piece in repair.split(separator: 0x20) { weights[SyllableCorrector.identities(Array(piece)).exact] = weight }
        }
        guard changed else { return nil }
        output.append(contentsOf: units[cursor...])
        let typed = Set(tokens.lazy.map(\.exact))
        var corrected = Tokenizer.tokenize(String(decoding: output, as: UTF16.self))
        for index in corrected.indices where !typed.contains(corrected[index].exact) {
            if let weight = weights[corrected[index].exact] { corrected[index].correctionWeight = weight }
        }
        return corrected
    }

    /// The repair of one unknown word and its weight.
    /// Longest word a repair is tried on.
    static let maximumRepairLength = 16
    /// Most words of one message a repair is tried on (a message of gibberish costs no more).
    static let maximumRepairs = 24

    static func repair<V: SyllableVocabulary>(_ word: [UInt16], context: SyllableCorrector.Context,
                                              lexicon: CompiledLexicon, vocabulary: V) -> ([UInt16], Float)?
    {
        // Two syllables typed with Telex keys are at most 16 letters; anything longer (a code, a
        // pasted token, a key held down) is no typo, and trying every edit of it would cost
        // the square of its length.
        guard word.count <= maximumRepairLength else { return nil }
        let ascii = word.allSatisfy { $0 < 0x80 } ? word.map { UInt8($0) } : nil
        if let ascii, let decoded = TelexDecoder.decode(ascii) {
            let units = Array(decoded.utf16)
            let identity = SyllableCorrector.identities(units)
            if isKnown(identity.exact, identity.folded, lexicon, vocabulary) { return (units, decodedWeight) }
        }
        if let onset = teenOnset(word), vocabulary.knows(SyllableCorrector.folded(onset)) {
            return (onset, rewrittenWeight)
        }
        if let position = SyllableCorrector.split(word, context: context, vocabulary: vocabulary) {
            return (Array(word[..<position]) + [0x20] + Array(word[position...]), rewrittenWeight)
        }
        if let ascii, let edited = SyllableCorrector.correct(ascii, context: context, vocabulary: vocabulary) {
            return (edited.map(UInt16.init), editedWeight)
        }
        return nil
    }

    /// Teen code's onsets read back: f → ph, w → qu, j → gi, k → c (before a vowel).
    static func teenOnset(_ word: [UInt16]) -> [UInt16]? {
        guard word.count >= 2, VietnameseLetters.info(word[1]).isVowel else { return nil }
        let rest = Array(word.dropFirst())
        switch word[0] {
        case 0x66: return [0x70, 0x68] + rest  // f → ph
        case 0x77: return [0x71, 0x75] + rest  // w → qu
        case 0x6A: return [0x67, 0x69] + rest  // j → gi
        case 0x6B: return [0x63] + rest  // k → c
        default: return nil
        }
    }

    /// A token the correction looks at: a word, or letters with digits ("chu74").
    @inline(__always)
    static func isCandidate(_ token: Token) -> Bool {
        token.kind == .word || (token.kind == .number && token.numberKey == 0)
    }

    /// Known to the knowledge base or the lexicon (chat words, abbreviations, document types,
    /// stop words).
    @inline(__always)
    static func isKnown<V: SyllableVocabulary>(_ exact: UInt64, _ folded: UInt64, _ lexicon: CompiledLexicon,
                                               _ vocabulary: V) -> Bool
    {
        vocabulary.knows(folded) || lexicon.mayRewrite(exact) || lexicon.mayRewrite(folded)
            || lexicon.stopFolded.contains(folded)
    }

    /// Runs of letters, digits and combining marks.
    static func wordRanges(_ units: [UInt16]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start: Int?
        for (index, unit) in units.enumerated() {
            if isWordUnit(unit) {
                if start == nil { start = index }
            } else if let begin = start {
                ranges.append(begin..<index)
                start = nil
            }
        }
        if let begin = start { ranges.append(begin..<units.count) }
        return ranges
    }

    @inline(__always)
    static func isWordUnit(_ unit: UInt16) -> Bool {
        (unit >= 0x61 && unit <= 0x7A) || (unit >= 0x30 && unit <= 0x39)
            || (unit >= 0xC0 && unit < 0x2000 && unit != 0xD7 && unit != 0xF7)
    }

    /// Part of a reference (a URL, an e-mail, a document number, a file name): joined to more
    /// letters or digits by `.`, `/`, `@`, `:`, `_` or `-`.
    static func isAttached(_ units: [UInt16], _ range: Range<Int>) -> Bool {
        let joiners: Set<UInt16> = [0x2E, 0x2F, 0x40, 0x3A, 0x5F, 0x2D, 0x5C]
        if range.lowerBound >= 2, joiners.contains(units[range.lowerBound - 1]),
            isWordUnit(units[range.lowerBound - 2])
        {
            return true
        }
        if range.upperBound + 1 < units.count, joiners.contains(units[range.upperBound]),
            isWordUnit(units[range.upperBound + 1])
        {
            return true
        }
        return false
    }
}
