import Testing

@testable import Retrieval

/// Chat typing repaired on the question side: Telex and VNI keys decoded, one-letter typos and
/// run-together syllables fixed towards what the knowledge base knows, known words left alone.
@Suite struct ChatTypingTests {
    /// A vocabulary given by hand: folded syllable → document frequency.
    struct Words: SyllableVocabulary {
        var counts: [UInt64: Float] = [:]
        var pairs: [UInt64: Float] = [:]

        init(_ words: [String: Float], pairs: [(String, String, Float)] = []) {
            for (word, count) in words { counts[Self.folded(word)] = count }
            for (first, second, count) in pairs {
                self.pairs[TermHash.combine(Self.folded(first), Self.folded(second))] = count
            }
        }

        static func folded(_ word: String) -> UInt64 { Tokenizer.tokenize(word)[0].folded }
        func knows(_ folded: UInt64) -> Bool { counts[folded] != nil }
        func frequency(_ folded: UInt64) -> Float { counts[folded] ?? 0 }
        func bigramFrequency(_ first: UInt64, _ second: UInt64) -> Float { pairs[TermHash.combine(first, second)] ?? 0 }
    }

    /// The accented identity of a word (tone placement does not matter).
    static func exact(_ text: String?) -> UInt64? { text.flatMap { Tokenizer.tokenize($0).first?.exact } }

    static func decoded(_ typed: String) -> UInt64? { exact(TelexDecoder.decode(Array(typed.utf8))) }

    @Test(arguments: [("chuwx", "chữ"), ("kys", "ký"), ("soos", "số"), ("vieejt", "việt"), ("nguwowif", "người"),
                      ("ddax", "đã"), ("howpj", "hợp"), ("giuwax", "giữa"), ("buwu", "bưu"), ("quoocs", "quốc")])
    func telexDecodes(typed: String, expected: String) {
        #expect(Self.decoded(typed) == Self.exact(expected))
    }

    @Test(arguments: [("chu74", "chữ"), ("ky1", "ký"), ("so61", "số"), ("d9", "đ"), ("d9ien65", "điện"),
                      ("d9uoc75", "được"), ("buu7", "bưu"), ("nguoi72", "người"), ("bang82", "bằng")])
    func vniDecodes(typed: String, expected: String) {
        #expect(Self.decoded(typed) == Self.exact(expected))
    }

    /// Words without any key of either method are not "decoded".
    @Test(arguments: ["online", "vneid", "pdf", "https", "lgsp"])
    func plainWordsAreNotDecoded(word: String) {
        #expect(TelexDecoder.decode(Array(word.utf8)) == nil)
    }

    /// Only words that cannot be one Vietnamese syllable are candidates for a repair.
    @Test func spellingOfOneSyllable() {
        for word in ["vang", "phim", "nghieng", "khuya", "quoc", "gi", "huynh", "truong"] {
            #expect(SyllableSpelling.isSyllable(Array(word.utf8)), "\(word)")
        }
        for word in ["kys", "chuwx", "nhna", "hoso", "chaun", "game", "lucc", "dnah"] {
            #expect(!SyllableSpelling.isSyllable(Array(word.utf8)), "\(word)")
        }
    }

    /// One edit, towards a syllable the vocabulary knows; the more frequent one wins, and a
    /// neighbour's bigram outvotes frequency.
    @Test func typoCorrectedToKnownSyllables() {
        func corrected(_ typed: String, _ words: Words, previous: String? = nil) -> String? {
            let context = SyllableCorrector.Context(previous: previous.map(Words.folded) ?? 0)
            return SyllableCorrector.correct(Array(typed.utf8), context: context, vocabulary: words)
                .map { String(decoding: $0, as: UTF8.self) }
        }
        #expect(corrected("nhna", Words(["nhan": 5, "nha": 1])) == "nhan")
        #expect(corrected("nhna", Words(["nhan": 1, "nha": 5])) == "nha")
        #expect(corrected("nhna", Words(["nhan": 1, "nha": 5, "tiep": 3], pairs: [("tiep", "nhan", 4)]),
                          previous: "tiep") == "nhan")
        #expect(corrected("nhna", Words(["xyz": 5])) == nil)
    }

    /// Two known halves: the split the bigram supports.
    @Test func runTogetherSplit() {
        let words = Words(["he": 5, "thong": 5, "het": 2, "hong": 2], pairs: [("he", "thong", 6)])
        let typed = Array("hethong".utf16)
        #expect(SyllableCorrector.split(typed, context: .init(), vocabulary: words) == 2)
        #expect(SyllableCorrector.split(Array("hexyz".utf16), context: .init(), vocabulary: words) == nil)
    }

    static let entries = Fixtures.background + [
        KnowledgeEntry(id: "target", question: "Chữ ký số chuyên dùng cấp cho ai?", answer: "Cho cán bộ, công chức."),
        KnowledgeEntry(id: "json", question: "Dữ liệu trao đổi dùng JSNO hay XML?", answer: "Theo danh mục tiêu chuẩn."),
        KnowledgeEntry(id: "json-2", question: "Định dạng JSON cho dịch vụ dữ liệu", answer: "JSON theo tiêu chuẩn."),
        KnowledgeEntry(id: "json-3", question: "Trả dữ liệu JSON qua API", answer: "Dùng JSON."),
    ]

    /// Telex, VNI, a run-together word and a typo all find the entry typed correctly.
    @Test(arguments: ["chuwx kys soos chuyeen dungf caaps cho ai", "chu74 ky1 so61 chuyen dung2 cap61 cho ai",
                      "chuky so chuyen dung cap cho ai", "chu ky so chuyen dugn cap cho ai"])
    func chatTypingFindsTheEntry(question: String) {
        var index = Fixtures.index(Self.entries)
        #expect(Fixtures.ranked(&index, question).first == "target")
    }

    /// A repaired word weighs a little less than the same word typed right.
    @Test func correctedTermsWeighLess() {
        var index = Fixtures.index(Self.entries)
        let typed = index.search("chu ky so chuyen dung cap cho ai").results.first
        let telex = index.search("chuwx kys soos chuyeen dungf caaps cho ai").results.first
        #expect(typed?.entryID == "target" && telex?.entryID == "target")
        #expect((telex?.score ?? 0) < (typed?.score ?? 0))
    }

    /// A word the knowledge base knows is never changed, even one edit from a more frequent one;
    /// questions of known words are returned as they are.
    @Test func knownWordsStay() {
        var index = Fixtures.index(Self.entries)
        let question = "du lieu trao doi dung jsno hay xml"
        #expect(index.correctTyping(Tokenizer.tokenize(question), text: question) == nil)
        #expect(Fixtures.ranked(&index, question).first == "json")
        let typo = "chu ky so chuyen dugn"
        let corrected = index.correctTyping(Tokenizer.tokenize(typo), text: typo)
        #expect(corrected?.map(\.folded) == Tokenizer.tokenize("chu ky so chuyen dung").map(\.folded))
        #expect(corrected?.last?.correctionWeight ?? 1 < 1)
        #expect(corrected?.first?.correctionWeight == 1)
    }

    /// A word spelled like Vietnamese but unknown to the knowledge base is not "corrected" into
    /// one it knows (an off-topic question must keep looking off-topic).
    @Test func unknownVietnameseWordsStay() {
        let index = Fixtures.index(Self.entries)
        let question = "gia vang hom nay"
        #expect(index.correctTyping(Tokenizer.tokenize(question), text: question) == nil)
    }
}

/// `motcua eval` figures per query style.
@Suite struct StyleMetricsTests {
    /// hit@1 is counted per style over in-scope queries; untagged queries count only overall.
    @Test func hitAt1PerStyle() {
        let outcomes: [EvaluationMetrics.Outcome] = [
            .init(ranked: ["a"], relevant: ["a"], decision: .answer, style: "telex"),
            .init(ranked: ["b", "a"], relevant: ["a"], decision: .suggest, style: "telex"),
            .init(ranked: ["c"], relevant: ["c"], decision: .answer, style: "typo"),
            .init(ranked: ["x"], relevant: [], decision: .escalate, style: "typo"),
            .init(ranked: ["d"], relevant: ["d"], decision: .answer),
        ]
        let metrics = EvaluationMetrics(outcomes)
        #expect(metrics.hitAt1ByStyle == ["telex": 0.5, "typo": 1])
        #expect(metrics.inScopeByStyle == ["telex": 2, "typo": 1])
        #expect(metrics.hitAt1 == 0.75)
    }

    /// A word far longer than any syllable (a pasted code, a key held down) is not a typo: it is
    /// left as typed, and a message of such words is searched like any other.
    @Test func overlongWordsAreNotRepaired() {
        let words = ChatTypingTests.Words(["chu": 10, "ky": 8, "so": 9])
        #expect(SyllableCorrector.correct(Array(repeating: UInt8(ascii: "a"), count: 5000), context: .init(),
                                          vocabulary: words) == nil)
        #expect(SyllableCorrector.split(Array(repeating: UInt16(0x61), count: 5000), context: .init(),
                                        vocabulary: words) == nil)
        var index = KnowledgeIndex(analyzer: Analyzer())
        index.load([KnowledgeEntry(id: "a", question: "chữ ký số là gì", answer: "Chữ ký số xác thực văn bản.")])
        let flood = (0..<300).map { _ in String(repeating: "x", count: 40) }.joined(separator: " ") + " chuwx kys soos"
        #expect(index.search(flood).results.first?.entryID == "a")
    }
}
