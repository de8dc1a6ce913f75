/// Decodes a word left in the keys of a Vietnamese input method that did not run: Telex
/// ("chuwx" → "chữ", "kys" → "ký", "soos" → "số", "vieejt" → "việt", "ddax" → "đã") and VNI
/// ("chu74" → "chữ", "ky1" → "ký", "d9ien65" → "điện").
///
/// Works on lower-case ASCII only and says nothing about whether the result is a real syllable:
/// the caller keeps a decoding only when the knowledge base knows it.
package enum TelexDecoder {
    /// A letter with its quality mark.
    struct Letter {
        var ascii: UInt8
        var mark: Mark = .none
    }

    /// The quality marks (and the stroke of đ).
    enum Mark {
        case none, circumflex, breve, horn, stroke
    }

    /// The decoded text (NFC), or nil when the word holds no Telex or VNI key.
    package static func decode(_ word: [UInt8]) -> String? {
        guard let first = word.first, isLetter(first) else { return nil }
        if word.contains(where: isDigit) { return decodeVNI(word) }
        return decodeTelex(word)
    }

    /// Telex: `aa ee oo` circumflex, `aw` breve, `ow uw` horn (`uow` both, a lone `w` ư), `dd` đ,
    /// tones `s f r x j` after the first vowel (`z` clears it).
    static func decodeTelex(_ word: [UInt8]) -> String? {
        var letters: [Letter] = []
        var tone = 0
        var changed = false
        var index = 0
        if word.count >= 2, word[0] == ascii("d"), word[1] == ascii("d") {
            letters.append(Letter(ascii: ascii("d"), mark: .stroke))
            changed = true
            index = 2
        }
        while index < word.count {
            let unit = word[index]
            index += 1
            let hasVowel = letters.contains { isVowel($0.ascii) }
            if hasVowel, let key = telexTone(unit) {
                tone = key
                changed = true
                continue
            }
            if hasVowel, unit == ascii("z") {
                tone = 0
                changed = true
                continue
            }
            if unit == ascii("w") {
                if hasVowel, addHorn(&letters, breve: true) {
                    changed = true
                } else if !hasVowel {
                    letters.append(Letter(ascii: ascii("u"), mark: .horn))
                    changed = true
                } else {
                    return nil
                }
                continue
            }
            if unit == ascii("a") || unit == ascii("e") || unit == ascii("o"), let last = letters.last,
                last.ascii == unit, last.mark == .none
            {
                letters[letters.count - 1].mark = .circumflex
                changed = true
                continue
            }
            guard isLetter(unit) else { return nil }
            letters.append(Letter(ascii: unit))
        }
        return changed ? compose(letters, tone: tone) : nil
    }

    /// VNI: digits after the letters they change: 1–5 tones, 6 circumflex, 7 horn, 8 breve, 9 đ.
    static func decodeVNI(_ word: [UInt8]) -> String? {
        var letters: [Letter] = []
        var tone = 0
        for unit in word {
            if isLetter(unit) {
                letters.append(Letter(ascii: unit))
                continue
            }
            guard isDigit(unit), !letters.isEmpty else { return nil }
            switch unit - ascii("0") {
            case 1...5:
                guard letters.contains(where: { isVowel($0.ascii) }) else { return nil }
                tone = Int(unit - ascii("0"))
            case 6:
                guard let position = letters.lastIndex(where: {
                    ($0.ascii == ascii("a") || $0.ascii == ascii("e") || $0.ascii == ascii("o")) && $0.mark == .none
                }) else { return nil }
                letters[position].mark = .circumflex
            case 7:
                guard addHorn(&letters, breve: false) else { return nil }
            case 8:
                guard let position = letters.lastIndex(where: { $0.ascii == ascii("a") && $0.mark == .none })
                else { return nil }
                letters[position].mark = .breve
            case 9:
                guard let position = letters.firstIndex(where: { $0.ascii == ascii("d") && $0.mark == .none })
                else { return nil }
                letters[position].mark = .stroke
            default:
                return nil
            }
        }
        return compose(letters, tone: tone)
    }

    /// Puts the horn on the last vowel cluster: both letters of "uo", else its `o`, else its first
    /// `u` ("ưu", "ưa"); with `breve`, an `a` takes a breve when there is neither.
    static func addHorn(_ letters: inout [Letter], breve: Bool) -> Bool {
        guard let last = letters.lastIndex(where: { isVowel($0.ascii) }) else { return false }
        var first = last
        while first > 0 && isVowel(letters[first - 1].ascii) { first -= 1 }
        let cluster = first...last
        for position in cluster where position + 1 <= last
            && letters[position].ascii == ascii("u") && letters[position + 1].ascii == ascii("o")
        {
            letters[position].mark = .horn
            letters[position + 1].mark = .horn
            return true
        }
        if let o = cluster.last(where: { letters[$0].ascii == ascii("o") && letters[$0].mark == .none }) {
            letters[o].mark = .horn
            return true
        }
        if let u = cluster.first(where: { letters[$0].ascii == ascii("u") && letters[$0].mark == .none }) {
            letters[u].mark = .horn
            return true
        }
        if breve, let a = cluster.last(where: { letters[$0].ascii == ascii("a") && letters[$0].mark == .none }) {
            letters[a].mark = .breve
            return true
        }
        return false
    }

    /// The letters as NFC text, the tone on the first vowel (the analyzer moves it to the vowel
    /// the spelling rules name).
    static func compose(_ letters: [Letter], tone: Int) -> String {
        var text = ""
        var toneDone = tone == 0
        for letter in letters {
            var base = Unicode.Scalar(letter.ascii)
            switch (letter.ascii, letter.mark) {
            case (ascii("a"), .circumflex): base = "â"
            case (ascii("a"), .breve): base = "ă"
            case (ascii("e"), .circumflex): base = "ê"
            case (ascii("o"), .circumflex): base = "ô"
            case (ascii("o"), .horn): base = "ơ"
            case (ascii("u"), .horn): base = "ư"
            case (ascii("d"), .stroke): base = "đ"
            default: break
            }
            if !toneDone, isVowel(letter.ascii), let toned = toned(base, tone) {
                text.unicodeScalars.append(toned)
                toneDone = true
            } else {
                text.unicodeScalars.append(base)
            }
        }
        return text
    }

    /// A vowel with a tone (1 sắc, 2 huyền, 3 hỏi, 4 ngã, 5 nặng).
    static func toned(_ vowel: Unicode.Scalar, _ tone: Int) -> Unicode.Scalar? {
        // The letter table's rows run: no tone, huyền, sắc, hỏi, ngã, nặng.
        let column = [0, 2, 1, 3, 4, 5][tone]
        for row in VietnameseLetters.vowelRows {
            let forms = Array(row.forms.unicodeScalars)
            if forms[0] == vowel { return forms[column] }
        }
        return nil
    }

    /// The VNI tone number of a Telex tone key (s 1, f 2, r 3, x 4, j 5).
    static func telexTone(_ unit: UInt8) -> Int? {
        switch unit {
        case ascii("s"): 1
        case ascii("f"): 2
        case ascii("r"): 3
        case ascii("x"): 4
        case ascii("j"): 5
        default: nil
        }
    }

    @inline(__always) static func ascii(_ scalar: Unicode.Scalar) -> UInt8 { UInt8(scalar.value) }
    @inline(__always) static func isLetter(_ unit: UInt8) -> Bool { unit >= 0x61 && unit <= 0x7a }
    @inline(__always) static func isDigit(_ unit: UInt8) -> Bool { unit >= 0x30 && unit <= 0x39 }
    @inline(__always) static func isVowel(_ unit: UInt8) -> Bool {
        unit == 0x61 || unit == 0x65 || unit == 0x69 || unit == 0x6f || unit == 0x75 || unit == 0x79
    }
}
