import Testing

@testable import Retrieval

/// The lexicon applies both ways: whichever form the question or the entry uses.
@Suite struct LexiconTests {
    let entries = Fixtures.background + [
        KnowledgeEntry(id: "abbr", question: "Kiến trúc CPĐT cấp tỉnh gồm những gì?",
                       answer: "Gồm các thành phần nghiệp vụ, dữ liệu, ứng dụng, công nghệ."),
        KnowledgeEntry(id: "full", question: "Cơ sở dữ liệu dân cư được khai thác thế nào?",
                       answer: "Khai thác qua nền tảng chia sẻ theo phân quyền."),
        KnowledgeEntry(id: "security", question: "Hệ thống cần bảo đảm an toàn thông tin theo cấp độ nào?",
                       answer: "Xác định cấp độ theo Nghị định 85/2016/NĐ-CP."),
        KnowledgeEntry(id: "link", question: "Liên thông hồ sơ giữa hai sở làm thế nào?",
                       answer: "Qua trục liên thông và nền tảng tích hợp."),
    ]

    /// A question in full words finds an entry written with the abbreviation.
    @Test func fullWordsFindAbbreviation() {
        var index = Fixtures.index(entries)
        #expect(Fixtures.ranked(&index, "kiến trúc chính phủ điện tử của tỉnh").first == "abbr")
    }

    /// A question with the abbreviation (accented or not) finds an entry in full words.
    @Test(arguments: ["csdl dân cư khai thác ra sao", "CSDL dan cu khai thac ra sao"])
    func abbreviationFindsFullWords(question: String) {
        var index = Fixtures.index(entries)
        #expect(Fixtures.ranked(&index, question).first == "full")
    }

    /// Chat words become the words they stand for.
    @Test func chatWordsExpand() {
        let analyzer = Analyzer(lexicon: Fixtures.lexicon)
        #expect(analyzer.analyze("ko đc").map(\.exact) == analyzer.analyze("không được").map(\.exact))
        #expect(analyzer.analyze("ko").count == 1)
    }

    /// A synonym in the question reaches an entry that uses the other word, both ways.
    @Test func synonymsBothWays() {
        var index = Fixtures.index(entries)
        #expect(Fixtures.ranked(&index, "bảo mật hệ thống theo cấp độ").first == "security")
        #expect(Fixtures.ranked(&index, "kết nối hồ sơ giữa hai sở").first == "link")
    }

    /// The lexicon files' syntax: comments, blank lines, `=` pairs and `~` groups.
    @Test func parsesFiles() {
        let lexicon = Lexicon(abbreviationsText: "# comment\n\ncpđt = chính phủ điện tử\nbroken line\n",
                              synonymsText: "a ~ b ~ c\nlonely\n")
        #expect(lexicon.abbreviations.count == 1)
        #expect(lexicon.abbreviations[0].1 == "chính phủ điện tử")
        #expect(lexicon.synonyms == [["a", "b", "c"]])
    }
}
