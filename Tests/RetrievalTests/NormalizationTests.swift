import Testing

@testable import Retrieval

/// Unicode and orthography: what different keyboards and habits produce must analyze alike.
@Suite struct NormalizationTests {
    let analyzer = Analyzer()

    func exact(_ text: String) -> [UInt64] { analyzer.analyze(text).map(\.exact) }
    func folded(_ text: String) -> [UInt64] { analyzer.analyze(text).map(\.folded) }

    /// Decomposed input (NFD, as some keyboards send it) gives the same tokens as NFC.
    @Test func decomposedInputMatchesComposed() {
        let composed = "Chính phủ điện tử và thủ tục hành chính"
        let decomposed = "Chi\u{301}nh phu\u{309} đie\u{302}\u{323}n tu\u{31B}\u{309} va\u{300} thu\u{309} tu\u{323}c ha\u{300}nh chi\u{301}nh"
        #expect(decomposed.unicodeScalars.count > composed.unicodeScalars.count)
        #expect(exact(decomposed) == exact(composed))
    }

    /// Old and new tone placement are the same word.
    @Test(arguments: [("hoá", "hóa"), ("uỷ", "ủy"), ("thuỷ", "thủy"), ("khoẻ", "khỏe"), ("oà", "òa"),
                      ("Tin học hoá", "tin học hóa"), ("quý", "qúy")])
    func oldAndNewTonePlacementMatch(old: String, new: String) {
        #expect(exact(old) == exact(new))
    }

    /// Upper case and lower case are the same word, Đ included.
    @Test func caseIsIgnored() {
        #expect(exact("ĐIỆN TỬ") == exact("điện tử"))
        #expect(exact("CPĐT") == exact("cpđt"))
    }

    /// Folding removes every diacritic, đ → d included, so unaccented typing matches.
    @Test func foldingRemovesDiacriticsAndStroke() {
        #expect(folded("chính phủ điện tử") == folded("chinh phu dien tu"))
        #expect(folded("Đồng bộ") == folded("dong bo"))
        #expect(exact("chính phủ điện tử") != exact("chinh phu dien tu"))
    }

    /// Tones distinguish words exactly, but fold to one form.
    @Test func tonesStayDistinctWhenExact() {
        let forms = ["ma", "mà", "mã", "má", "mả", "mạ"].map { exact($0)[0] }
        #expect(Set(forms).count == 6)
        let foldedForms = ["ma", "mà", "mã", "má"].map { folded($0)[0] }
        #expect(Set(foldedForms).count == 1)
    }

    /// i and y after a consonant are two spellings of one syllable ("kí"/"ký", "kĩ"/"kỹ").
    @Test func finalIAndYAreOneSpelling() {
        #expect(exact("đăng kí") == exact("đăng ký"))
        #expect(exact("kĩ thuật") == exact("kỹ thuật"))
        #expect(exact("y tế") != exact("i tế"))
    }
}
