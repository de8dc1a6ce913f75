import Foundation
import Testing

@testable import Dialogue
@testable import Retrieval

/// What a user of the bot sees on the bundled corpus: off-topic questions are passed on to
/// staff, clear questions find their entry with or without diacritics, and JSON Lines errors
/// name the line.
@Suite struct BundledCorpusBehaviourTests {
    /// The package's own `corpus/` directory.
    static let corpusDirectory = BundledCorpus.directory

    /// The bundled corpus indexed once for the whole suite (or the error that stopped it).
    static let bundledIndex: Result<KnowledgeIndex, any Error> = Result {
        try Corpus.load(from: corpusDirectory).makeIndex()
    }

    /// A fresh copy of the shared index (searching mutates its scratch space).
    static func index() throws -> KnowledgeIndex { try bundledIndex.get() }

    /// A clear in-scope question and the entries any one of which answers it.
    struct InScopeQuestion: Sendable, CustomTestStringConvertible {
        var question: String
        var expected: Set<String>
        /// The same question with its diacritics, when `question` is typed without them.
        var accented: String? = nil
        var testDescription: String { question }
    }

    /// Questions written for these tests (not taken from `corpus/eval/queries.jsonl`).
    static let inScopeQuestions: [InScopeQuestion] = [
        // Plain, with diacritics.
        InScopeQuestion(question: "Gửi hồ sơ qua bưu điện mà bị mất thì bên nào phải chịu trách nhiệm bồi thường?",
                        expected: ["buu-chinh-007"]),
        // No diacritics at all.
        InScopeQuestion(question: "chu ky so ca nhan va chu ky so cua co quan khac nhau cho nao",
                        expected: ["van-ban-dt-009"],
                        accented: "chữ ký số cá nhân và chữ ký số của cơ quan khác nhau chỗ nào"),
        // Official abbreviations.
        InScopeQuestion(question: "tthc nào thì ko được nộp qua đường bưu điện vậy ad",
                        expected: ["buu-chinh-002"]),
        InScopeQuestion(question: "Kinh phí làm cpđt ở cơ quan mình có thể lấy từ những nguồn nào?",
                        expected: ["nguon-luc-001", "ke-hoach-016"]),
        // Document numbers in short form.
        InScopeQuestion(question: "nghị định 47 nói về những nội dung gì", expected: ["du-lieu-001", "chinh-sach-006"]),
        InScopeQuestion(question: "Theo NĐ 85/2016 thì dựa vào tiêu chí gì để biết hệ thống thuộc cấp độ mấy?",
                        expected: ["an-toan-002"]),
    ]

    /// Questions that have nothing to do with e-government.
    static let outOfScopeQuestions: [String] = [
        "Chiều nay ở Cần Thơ trời có nắng gắt không?",
        "du bao thoi tiet hai phong tuan sau co bao khong",
        "Tỉ số trận Hà Nội FC với Công an Hà Nội hôm qua là mấy?",
        "Hướng dẫn tôi cách làm món canh chua cá lóc miền Tây",
        "cach kho ca bong nuoc dua cho ngon",
        "Giá vàng miếng hôm nay tăng hay giảm so với hôm qua?",
        "Tôi với vợ đang làm thủ tục ly hôn, con nhỏ sẽ ở với ai?",
        "ong ba mat de lai nha cho con chau thi chia thua ke the nao",
    ]

    /// Off-topic questions (weather, football, cooking, gold, family law) are passed to staff.
    @Test(arguments: outOfScopeQuestions)
    func outOfScopeQuestionsAreEscalated(_ question: String) throws {
        var index = try Self.index()
        let response = index.search(question)
        #expect(response.decision == .escalate,
                "\(response.decision): top \(response.results.first.map { "\($0.entryID) \($0.confidence)" } ?? "none")")
    }

    /// Clear in-scope questions in new words find an entry that answers them in the top 3.
    @Test(arguments: inScopeQuestions)
    func inScopeQuestionsFindTheirEntry(_ example: InScopeQuestion) throws {
        var index = try Self.index()
        let response = index.search(example.question)
        let top3 = response.results.prefix(3).map(\.entryID)
        #expect(top3.contains { example.expected.contains($0) }, "top 3: \(top3), expected one of \(example.expected)")
    }

    /// A question typed without diacritics gets the same top result as with them.
    @Test(arguments: inScopeQuestions)
    func diacriticsDoNotChangeTheTopResult(_ example: InScopeQuestion) throws {
        let accented = example.accented ?? example.question
        let unaccented = Diacritics.strip(accented)
        #expect(unaccented != accented, "the pair must differ in diacritics")
        var index = try Self.index()
        let accentedTop = try #require(index.search(accented).results.first).entryID
        let unaccentedTop = try #require(index.search(unaccented).results.first).entryID
        #expect(accentedTop == unaccentedTop, "“\(accented)” → \(accentedTop), “\(unaccented)” → \(unaccentedTop)")
    }

    /// A broken line is reported with its 1-based line number.
    @Test func jsonLinesReportsTheBrokenLine() throws {
        let data = Data("""
            {"id": "q-1", "query": "nghị định 47 là gì", "relevant": ["du-lieu-001"]}
            {"id": "q-2", "query": "thiếu dấu đóng ngoặc"
            """.utf8)
        let error = try #require(throws: JSONLines.LineError.self) {
            try JSONLines.decode(EvaluationQuery.self, from: data, path: "queries.jsonl")
        }
        #expect(error.line == 2)
        #expect(error.path == "queries.jsonl")
        #expect(error.description.hasPrefix("queries.jsonl:2:"))
    }

    /// Unknown fields are ignored and blank lines skipped.
    @Test func jsonLinesIgnoresUnknownFieldsAndBlankLines() throws {
        let data = Data("""
            {"id": "q-1", "query": "LGSP là gì", "relevant": ["nen-tang-003"], "note": "extra", "score": 1}

               \t
            {"id": "q-2", "query": "thời tiết hôm nay", "relevant": []}

            """.utf8)
        let queries = try JSONLines.decode(EvaluationQuery.self, from: data)
        #expect(queries == [
            EvaluationQuery(id: "q-1", query: "LGSP là gì", relevant: ["nen-tang-003"]),
            EvaluationQuery(id: "q-2", query: "thời tiết hôm nay", relevant: []),
        ])
    }
}
