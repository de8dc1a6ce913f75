/// Canonical identities of one token's UTF-16 units: the tone mark moved to one fixed vowel,
/// and the diacritic-free folding.
///
/// Old and new tone placement ("hoá"/"hóa", "uỷ"/"ủy", "thuỷ"/"thủy", "khoẻ"/"khỏe") give the
/// same `exact` hash because the tone is lifted off whatever vowel carries it and put back on
/// the vowel that the modern rule names (see `tonePosition`).
package enum SyllableCanonicalizer {
    /// Marker fed into the exact hash right after the vowel that carries the tone.
    static let toneMarker: UInt16 = 0xF000

    /// The identities of the units `units[start..<end]`.
    /// - Returns: the exact hash, the folded hash (both unfinished FNV states run through
    ///   `TermHash.finish`) and whether any diacritic was seen.
    @inline(__always)
    package static func identities(_ units: UnsafePointer<UInt16>, _ start: Int, _ end: Int, _ letters: Letters)
        -> (exact: UInt64, folded: UInt64, hasDiacritics: Bool)
    {
        var tone: UInt8 = 0
        var diacritic = false
        var vowels = 0
        for index in start..<end {
            let info = letters.info(units[index])
            if info.tone != 0 && tone == 0 { tone = info.tone }
            if info.hasDiacritic { diacritic = true }
            if info.isVowel { vowels += 1 }
        }
        // "kí"/"ký", "lí"/"lý", "kĩ"/"kỹ", "mĩ"/"mỹ": after a consonant, a syllable whose only
        // vowel is a final i or y is spelled both ways; both become i. ("y tế", "ý kiến" keep
        // their y: there is no consonant before it.)
        let yAsI = vowels == 1 && end - start >= 2
            && letters.info(units[end - 1]).base == ascii("y")
            && !letters.info(units[end - 2]).isVowel
        if yAsI { return identitiesWithFinalI(units, start, end, tone: tone, letters) }
        var exact = TermHash.seed
        var folded = TermHash.seed
        if !diacritic {
            // Plain ASCII-like token: both identities are the units themselves.
            for index in start..<end { exact = TermHash.add(exact, units[index]) }
            let hash = TermHash.finish(exact)
            return (hash, hash, false)
        }
        let position = tone == 0 ? -1 : tonePosition(units, start, end, letters)
        for index in start..<end {
            let info = letters.info(units[index])
            if info.isCombining { continue }
            exact = TermHash.add(exact, info.base)
            folded = TermHash.add(folded, info.folded)
            if index == position { exact = TermHash.add(exact, toneMarker &+ UInt16(tone)) }
        }
        if tone != 0 && position < 0 { exact = TermHash.add(exact, toneMarker &+ UInt16(tone)) }
        return (TermHash.finish(exact), TermHash.finish(folded), true)
    }

    /// Identities of a syllable whose final y is written i (see `identities`).
    static func identitiesWithFinalI(_ units: UnsafePointer<UInt16>, _ start: Int, _ end: Int, tone: UInt8,
                                     _ letters: Letters)
        -> (exact: UInt64, folded: UInt64, hasDiacritics: Bool)
    {
        var exact = TermHash.seed
        var folded = TermHash.seed
        var diacritic = false
        for index in start..<(end - 1) {
            let info = letters.info(units[index])
            if info.isCombining { continue }
            if info.hasDiacritic { diacritic = true }
            exact = TermHash.add(exact, info.base)
            folded = TermHash.add(folded, info.folded)
        }
        exact = TermHash.add(exact, ascii("i"))
        folded = TermHash.add(folded, ascii("i"))
        if tone != 0 {
            exact = TermHash.add(exact, toneMarker &+ UInt16(tone))
            diacritic = true
        }
        return (TermHash.finish(exact), TermHash.finish(folded), diacritic)
    }

    /// The index of the vowel that carries the tone in the modern ("new style") placement.
    ///
    /// The vowel cluster is found after the onset (the `u` of "qu" and the `i` of "gi" belong to
    /// the onset when another vowel follows). Then: a vowel with a quality mark (ă â ê ô ơ ư)
    /// takes it (the last one, for "ươ"); a single vowel takes it; with a final consonant the
    /// last vowel takes it; in a cluster of three the middle one; in an open pair "oa", "oe" and
    /// "uy" the second, any other pair the first.
    package static func tonePosition(_ units: UnsafePointer<UInt16>, _ start: Int, _ end: Int, _ letters: Letters) -> Int {
        var first = start
        while first < end && !letters.info(units[first]).isVowel { first += 1 }
        if first == end { return -1 }
        if first > start && first + 1 < end && letters.info(units[first + 1]).isVowel {
            let onset = units[first - 1]
            let vowel = letters.info(units[first]).base
            if (onset == ascii("q") && vowel == ascii("u")) || (onset == ascii("g") && vowel == ascii("i")) {
                first += 1
            }
        }
        var last = first
        while last < end && letters.info(units[last]).isVowel { last += 1 }
        let count = last - first
        var marked = -1
        for index in first..<last where letters.info(units[index]).isMarkedVowel { marked = index }
        if marked >= 0 { return marked }
        if count == 1 { return first }
        if last < end { return last - 1 }
        if count >= 3 { return first + 1 }
        let a = letters.info(units[first]).base
        let b = letters.info(units[first + 1]).base
        if (a == ascii("o") && (b == ascii("a") || b == ascii("e"))) || (a == ascii("u") && b == ascii("y")) {
            return first + 1
        }
        return first
    }

    @inline(__always)
    static func ascii(_ scalar: Unicode.Scalar) -> UInt16 { UInt16(scalar.value) }
}
