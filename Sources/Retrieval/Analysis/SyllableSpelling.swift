/// Whether a word is spelled like one Vietnamese syllable (onset, vowel cluster, final), read
/// without its diacritics. Chat repairs touch only words that are not: "vang", "phim" or "bong"
/// are Vietnamese the knowledge base happens not to hold and stay as typed, while "kys",
/// "chuwx", "nhna" or "hoso" cannot be one syllable.
package enum SyllableSpelling {
    /// Onsets, longest first.
    static let onsets: [[UInt8]] = ["ngh", "ng", "gh", "gi", "kh", "nh", "ph", "qu", "th", "tr", "ch",
                                    "b", "c", "d", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x"]
        .map { Array($0.utf8) }
    /// Vowel clusters that take a final consonant.
    static let openClusters: Set<[UInt8]> = Set(["a", "e", "i", "o", "u", "y", "ie", "ye", "oa", "oe", "oo", "ua", "ue",
                                                 "uo", "uy", "uye", "ia", "ya", "ua", "uya"].map { Array($0.utf8) })
    /// Vowel clusters that end the syllable (their last letter is a semivowel).
    static let closedClusters: Set<[UInt8]> = Set(["ai", "ao", "au", "ay", "eo", "eu", "iu", "oi", "ui", "uu", "ieu",
                                                   "yeu", "oai", "oay", "oeo", "uay", "uoi", "uou", "uyu", "ueu"]
        .map { Array($0.utf8) })
    /// Finals.
    static let finals: Set<[UInt8]> = Set(["", "c", "ch", "m", "n", "ng", "nh", "p", "t"].map { Array($0.utf8) })

    /// Whether lower-case units (any diacritics) spell one syllable.
    package static func isSyllable(_ units: [UInt16]) -> Bool {
        var folded: [UInt8] = []
        folded.reserveCapacity(units.count)
        for unit in units {
            let info = VietnameseLetters.info(unit)
            if info.isCombining { continue }
            let letter = info.folded
            guard letter >= 0x61 && letter <= 0x7A else { return false }
            folded.append(UInt8(letter))
        }
        return isSyllable(folded)
    }

    /// Whether lower-case ASCII letters spell one syllable.
    package static func isSyllable(_ word: [UInt8]) -> Bool {
        guard !word.isEmpty else { return false }
        var candidates: [Int] = [0]
        for onset in onsets where word.starts(with: onset) { candidates.append(onset.count) }
        for start in candidates where start < word.count {
            if start == 1, word[0] == 0x6B, !"eiy".utf8.contains(word[start]) { continue }  // k only before e, i, y
            var end = start
            while end < word.count && "aeiouy".utf8.contains(word[end]) { end += 1 }
            guard end > start else { continue }
            let cluster = Array(word[start..<end])
            let final = Array(word[end...])
            if closedClusters.contains(cluster) && final.isEmpty { return true }
            if openClusters.contains(cluster) && finals.contains(final) { return true }
        }
        return false
    }
}
