/// What the analyzer needs to know about one UTF-16 unit of lower-cased NFC text: its letter
/// without tone mark, its ASCII folding, its tone, and whether it is a vowel.
///
/// Written by hand rather than with ICU transliteration because no ICU transform folds `đ`
/// without also rewriting unrelated characters (`Any-Latin; Latin-ASCII` turns `—` into `-`),
/// and because one table lookup per unit is several times faster than any transform.
package struct LetterInfo: Sendable {
    /// The packed fields; see the accessors.
    let bits: UInt32

    /// The letter with its tone mark removed but its vowel quality kept (`ấ` → `â`).
    @inline(__always) package var base: UInt16 { UInt16(truncatingIfNeeded: bits) }
    /// The ASCII folding (`ấ` → `a`, `đ` → `d`); the unit itself for anything else.
    @inline(__always) package var folded: UInt16 {
        let ascii = UInt16((bits >> 16) & 0x7f)
        return ascii == 0 ? base : ascii
    }
    /// The tone: 0 none, 1 huyền, 2 sắc, 3 hỏi, 4 ngã, 5 nặng.
    @inline(__always) package var tone: UInt8 { UInt8((bits >> 24) & 0x7) }
    /// A vowel letter (a ă â e ê i o ô ơ u ư y with any tone).
    @inline(__always) package var isVowel: Bool { bits & (1 << 27) != 0 }
    /// A vowel with a quality mark (ă â ê ô ơ ư), which takes the tone in a cluster.
    @inline(__always) package var isMarkedVowel: Bool { bits & (1 << 28) != 0 }
    /// A combining mark left over after NFC (tone marks set `tone`; others are dropped).
    @inline(__always) package var isCombining: Bool { bits & (1 << 29) != 0 }
    /// The unit differs from its folding (a diacritic or `đ`).
    @inline(__always) package var hasDiacritic: Bool { tone != 0 || folded != base || isCombining }

    init(base: UInt16, folded: UInt16 = 0, tone: UInt8 = 0, vowel: Bool = false, marked: Bool = false,
         combining: Bool = false) {
        var value = UInt32(base)
        value |= UInt32(folded & 0x7f) << 16
        value |= UInt32(tone & 0x7) << 24
        if vowel { value |= 1 << 27 }
        if marked { value |= 1 << 28 }
        if combining { value |= 1 << 29 }
        bits = value
    }
}

/// The lookup table for every UTF-16 unit below U+1F00 (Latin, Latin Extended Additional and
/// the combining marks); units above it are their own base and folding.
package enum VietnameseLetters {
    /// Each vowel's six forms: no tone, huyền, sắc, hỏi, ngã, nặng.
    static let vowelRows: [(forms: String, folded: Character, marked: Bool)] = [
        ("aàáảãạ", "a", false), ("ăằắẳẵặ", "a", true), ("âầấẩẫậ", "a", true),
        ("eèéẻẽẹ", "e", false), ("êềếểễệ", "e", true), ("iìíỉĩị", "i", false),
        ("oòóỏõọ", "o", false), ("ôồốổỗộ", "o", true), ("ơờớởỡợ", "o", true),
        ("uùúủũụ", "u", false), ("ưừứửữự", "u", true), ("yỳýỷỹỵ", "y", false),
    ]

    static let tableSize = 0x1F00 as Int

    /// The table, built once.
    package static let table: [LetterInfo] = {
        var table = (0..<tableSize).map { LetterInfo(base: UInt16($0)) }
        for row in vowelRows {
            let forms = Array(row.forms.utf16)
            let folded = UInt16(row.folded.asciiValue!)
            for (tone, unit) in forms.enumerated() {
                table[Int(unit)] = LetterInfo(base: forms[0], folded: folded, tone: UInt8(tone), vowel: true,
                                              marked: row.marked)
            }
        }
        let dStroke: UInt16 = 0x0111  // đ
        table[Int(dStroke)] = LetterInfo(base: dStroke, folded: UInt16(UInt8(ascii: "d")))
        // Combining tone marks (from NFD input that NFC could not compose, e.g. on a consonant).
        let combiningTones: [(UInt16, UInt8)] = [(0x0300, 1), (0x0301, 2), (0x0309, 3), (0x0303, 4), (0x0323, 5),
                                                  (0x0340, 1), (0x0341, 2)]
        for unit in UInt16(0x0300)...UInt16(0x036F) {
            table[Int(unit)] = LetterInfo(base: unit, combining: true)
        }
        for (unit, tone) in combiningTones {
            table[Int(unit)] = LetterInfo(base: unit, tone: tone, combining: true)
        }
        // Other Latin letters with diacritics fold to ASCII too, so a French or German name
        // typed without its accents still matches.
        let otherLatin: [(String, Character)] = [
            ("çć", "c"), ("ñń", "n"), ("üûùúū", "u"), ("öøōœ", "o"), ("äåāæ", "a"), ("ëē", "e"), ("ïîī", "i"),
            ("ÿ", "y"), ("ß", "s"), ("š", "s"), ("ž", "z"), ("ł", "l"),
        ]
        for (letters, ascii) in otherLatin {
            for unit in letters.utf16 where !table[Int(unit)].isVowel {
                table[Int(unit)] = LetterInfo(base: unit, folded: UInt16(ascii.asciiValue!))
            }
        }
        for ascii in "aeiouy".utf16 {
            table[Int(ascii)] = LetterInfo(base: ascii, folded: ascii, vowel: true)
        }
        return table
    }()

    /// The information for one unit (slow path: goes through the lazily initialised global;
    /// hot loops hold a `Letters` instead).
    package static func info(_ unit: UInt16) -> LetterInfo { letters.info(unit) }

    /// The table as a pointer that lives as long as the process.
    package static let letters = Letters(table: {
        let pointer = UnsafeMutablePointer<LetterInfo>.allocate(capacity: tableSize)
        pointer.initialize(from: table, count: tableSize)
        return UnsafePointer(pointer)
    }())
}

/// A handle on the letter table for hot loops: reading a Swift global goes through a
/// once-initialisation check on every access, so the tokenizer fetches this once per text.
package struct Letters: @unchecked Sendable {
    // Safe to share: the table is immutable and never freed.
    let table: UnsafePointer<LetterInfo>

    /// The information for one unit.
    @inline(__always)
    package func info(_ unit: UInt16) -> LetterInfo {
        unit < 0x1F00 ? table[Int(unit)] : LetterInfo(base: unit)
    }
}
