import Testing

@testable import Retrieval

/// Segmentation: syllables and numbers from ICU, references kept whole and searchable.
@Suite struct SegmentationTests {
    let analyzer = Analyzer(lexicon: Lexicon(documentTypesText: "nd = nghị định, nđ\nqd = quyết định, qđ"))

    func references(_ text: String) -> Set<UInt64> {
        Set(analyzer.analyze(text).filter { $0.kind == .reference }.map(\.exact))
    }

    /// Syllables come out one by one, spaces and punctuation dropped.
    @Test func syllablesAreTokens() {
        let tokens = analyzer.analyze("Chính phủ, điện tử!")
        #expect(tokens.count == 4)
        #expect(tokens.allSatisfy { $0.kind == .word })
        #expect(tokens[2].startsPhrase, "a comma breaks the phrase")
        #expect(!tokens[1].startsPhrase)
    }

    /// A document number is one reference, whatever its case or diacritics.
    @Test func documentNumberIsOneReference() {
        let tokens = analyzer.analyze("47/2020/NĐ-CP")
        #expect(tokens.allSatisfy { $0.kind == .reference })
        #expect(!references("47/2020/NĐ-CP").isEmpty)
        #expect(references("47/2020/NĐ-CP") == references("47/2020/nd-cp"))
        #expect(references("09/2019/NĐ-CP") == references("9/2019/NĐ-CP"))
        #expect(references("47/2020/NĐ-CP") != references("45/2020/NĐ-CP"))
    }

    /// The short forms people type share a key with the full number.
    @Test(arguments: ["nghị định 47", "Nghị định số 47", "NĐ 47/2020", "nghi dinh 47", "nđ 47"])
    func shortFormsMeetTheFullNumber(short: String) {
        let full = references("Nghị định 47/2020/NĐ-CP")
        #expect(!full.intersection(references(short)).isEmpty)
        #expect(full.intersection(references("quyết định 47")).isEmpty)
    }

    /// "749/QĐ-TTg" (no year) and "quyết định 749" meet.
    @Test func decisionWithoutYear() {
        #expect(!references("Quyết định 749/QĐ-TTg").intersection(references("qđ 749")).isEmpty)
    }

    /// Dates are one reference, leading zeros ignored.
    @Test func datesAreOneReference() {
        #expect(references("03/6/2020") == references("3/06/2020"))
        #expect(analyzer.analyze("ngày 03/6/2020").filter { $0.kind == .reference }.count == 1)
    }

    /// A URL yields its host, which is what a bare domain name in a question gives.
    @Test func urlsAndDomains() {
        let url = references("xem https://dichvucong.gov.vn/p/home/dvc-trang-chu.html.")
        let domain = references("dichvucong.gov.vn")
        #expect(domain.count == 1)
        #expect(domain.isSubset(of: url))
        #expect(references("www.dichvucong.gov.vn").isEmpty == false)
    }

    /// An e-mail address is one token.
    @Test func emailIsOneToken() {
        let tokens = analyzer.analyze("gửi tới hotro@mic.gov.vn nhé")
        #expect(tokens.count == 4)
        #expect(tokens[2].kind == .reference)
    }

    /// Numbers, version numbers included, are single number tokens.
    @Test func numbers() {
        let tokens = analyzer.analyze("phiên bản 2.0 có 5 cấp độ")
        #expect(tokens.map(\.kind) == [.word, .word, .number, .word, .number, .word, .word])
    }

    /// Punctuation alone and empty text give no tokens, and do not crash.
    @Test(arguments: ["", "   ", "?!...", "—–-/", "\n\n"])
    func nothingToIndex(text: String) {
        #expect(analyzer.analyze(text).isEmpty)
    }

    /// A megabyte of text is analyzed whole.
    @Test func oneMegabyte() {
        let sentence = "Cơ quan nhà nước kết nối, chia sẻ dữ liệu theo Nghị định 47/2020/NĐ-CP. "
        let text = String(repeating: sentence, count: 1_048_576 / sentence.utf8.count + 1)
        let tokens = analyzer.analyze(text)
        let perSentence = analyzer.analyze(sentence).count
        #expect(tokens.count == perSentence * (1_048_576 / sentence.utf8.count + 1))
    }

    /// Invalid UTF-8 cannot reach here as a Swift String, but lone surrogates and odd scalars
    /// must not break analysis.
    @Test func unusualScalars() {
        #expect(analyzer.analyze("a\u{FFFD}b 😀 中文").count >= 2)
    }
}
