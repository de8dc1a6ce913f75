import Foundation

/// Which of the 34 provinces and cities an agency belongs to, read from the agency's name as
/// people write it: "Sở Nội vụ tỉnh Nghệ An", "so noi vu tinh nghe an", "UBND TP. Ho Chi Minh",
/// or an old province merged in 2025 ("Sở TT&TT Bình Dương" → Thành phố Hồ Chí Minh).
///
/// A name matches as a whole sequence of words, never inside a word, and the longest name
/// found wins ("Thừa Thiên Huế" over "Huế"; the earlier one when two are as long). Words are
/// compared without diacritics, except that a mark the agency's text does carry must agree:
/// "Huệ" is not "Huế", while "Hue", "HUẾ" and "Hoà"/"Hòa" are.
package struct ProvinceDirectory: Sendable {
    /// The provinces, as the corpus lists them.
    package let provinces: [Province]
    /// Every name, alias and merged name as words, longest first.
    private let names: [(words: [Word], province: Int)]

    /// A directory that places no agency (a corpus without `provinces.jsonl`).
    package static let empty = ProvinceDirectory(checked: [])

    /// A directory over checked provinces.
    private init(checked provinces: [Province]) {
        self.provinces = provinces
        names = provinces.enumerated().flatMap { index, province in
            ([province.name] + province.aliases + province.merged).map { (Word.split($0), index) }
        }.filter { !$0.0.isEmpty }.sorted { $0.0.count > $1.0.count }
    }

    /// A directory over provinces, refused when they cannot be meant: an id that is not a
    /// lower-case code or is repeated, a kind other than `tỉnh`/`thành phố`, text not in NFC, a
    /// name without letters, or a name two provinces claim (it would place agencies at random).
    /// - Throws: `CorpusError` naming `file` and the fault.
    package init(_ provinces: [Province], file: String) throws {
        func fail(_ why: String) -> CorpusError { CorpusError(description: "\(file): \(why)") }
        var ids: Set<String> = []
        var owners: [String: String] = [:]
        for province in provinces {
            guard !province.id.isEmpty, province.id.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" })
            else { throw fail("mã tỉnh không hợp lệ \"\(province.id)\"") }
            guard ids.insert(province.id).inserted else { throw fail("mã tỉnh \(province.id) lặp lại") }
            guard ["tỉnh", "thành phố"].contains(province.kind) else {
                throw fail("\(province.id): loại phải là \"tỉnh\" hoặc \"thành phố\", không phải \"\(province.kind)\"")
            }
            for name in [province.name] + province.aliases + province.merged {
                // Scalar by scalar: `String`'s `==` holds any two canonically equivalent texts equal.
                guard name.unicodeScalars.elementsEqual(name.precomposedStringWithCanonicalMapping.unicodeScalars) else { throw fail("\(province.id): \"\(name)\" chưa ở dạng NFC") }
                let key = Word.split(name).map(\.folded).joined(separator: " ")
                guard !key.isEmpty else { throw fail("\(province.id): tên \"\(name)\" không có chữ") }
                if let owner = owners[key], owner != province.id {
                    throw fail("\"\(name)\" vừa thuộc \(owner) vừa thuộc \(province.id)")
                }
                owners[key] = province.id
            }
        }
        self.init(checked: provinces)
    }

    /// The province an agency's name places it in; nil for none (a ministry, a national
    /// department, an empty or missing name).
    package func province(forAgency agency: String?) -> Province? {
        guard let agency, !names.isEmpty else { return nil }
        let words = Word.split(agency)
        var best: (length: Int, start: Int, province: Int)?
        for (candidate, province) in names {
            // Longest first: once a match is found, shorter names can only win by starting earlier
            // at the same length.
            if let best, candidate.count < best.length { break }
            guard candidate.count <= words.count else { continue }
            for start in 0...(words.count - candidate.count)
            where zip(words[start...], candidate).allSatisfy({ $0.matches($1) }) {
                if best == nil || start < best!.start { best = (candidate.count, start, province) }
                break
            }
        }
        return best.map { provinces[$0.province] }
    }

    /// The province with this id.
    package func province(id: String) -> Province? { provinces.first { $0.id == id } }
}

/// One word of a name, lower case, as three keys: its letters without any mark, its letters
/// with their vowel marks (â ă ê ô ơ ư đ) but no tone, and its tone mark.
private struct Word: Sendable, Hashable {
    /// Letters only (`nghe`).
    var folded: String
    /// Letters with vowel marks, decomposed (`nghê`).
    var base: String
    /// The tone mark (grave, acute, tilde, hook above, dot below), if any.
    var tone: Unicode.Scalar?

    /// The tone marks, as decomposed text holds them.
    static let tones: Set<UInt32> = [0x300, 0x301, 0x303, 0x309, 0x323]

    /// The words of a text: runs of letters and digits, lower case, decomposed; `Ð` (the
    /// Icelandic eth often typed for `Đ`) read as `đ`.
    static func split(_ text: String) -> [Word] {
        let decomposed = text.lowercased().replacingOccurrences(of: "ð", with: "đ").decomposedStringWithCanonicalMapping
        var words: [Word] = []
        var current: Word?
        for scalar in decomposed.unicodeScalars {
            if (0x300...0x36F).contains(scalar.value) {
                guard current != nil else { continue }
                if tones.contains(scalar.value) {
                    current!.tone = scalar
                } else {
                    current!.base.unicodeScalars.append(scalar)
                }
            } else if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                if current == nil { current = Word(folded: "", base: "", tone: nil) }
                current!.folded.unicodeScalars.append(scalar == "đ" ? "d" : scalar)
                current!.base.unicodeScalars.append(scalar)
            } else if let word = current {
                words.append(word)
                current = nil
            }
        }
        if let current { words.append(current) }
        return words
    }

    /// Whether this word, as an agency wrote it, is `name`'s word: the same letters, and the
    /// same marks where this word has any.
    func matches(_ name: Word) -> Bool {
        folded == name.folded && (tone == nil || tone == name.tone) && (base == folded || base == name.base)
    }
}
