import Testing

@testable import Retrieval

/// What a question asks for, read from its interrogative words, accented or not, and how it
/// moves the ranking when the configuration weighs it.
@Suite struct QuestionFormTests {
    let reader = QuestionFormReader()

    func form(_ text: String) -> QuestionForm { reader.form(of: Tokenizer.tokenize(text)) }

    @Test func interrogativeWordsGiveTheForm() {
        #expect(form("Nộp hồ sơ cấp lại căn cước ở đâu?") == .place)
        #expect(form("Hạn nộp báo cáo là khi nào?") == .time)
        #expect(form("Lệ phí cấp chứng thư số là bao nhiêu?") == .amount)
        #expect(form("Đăng ký tài khoản định danh như thế nào?") == .manner)
        #expect(form("EGDI là gì?") == .definition)
        #expect(form("Cơ quan nào thẩm định dự án CNTT?") == .agent)
        #expect(form("Chữ ký số có thay được con dấu không?").contains(.yesNo))
        #expect(form("DTI và EGDI khác nhau thế nào?") == [.difference, .manner])
        #expect(form("Bộ chỉ số DTI") == [], "no interrogative word: nothing known")
    }

    @Test func unaccentedQuestionsReadTheSame() {
        #expect(form("nop ho so o dau") == .place)
        #expect(form("bao lau thi co ket qua") == .duration)
        #expect(form("cac buoc dang ky chu ky so") == .manner)
    }

    @Test func commonWordsThatFoldLikeQuestionWordsDoNotCount() {
        #expect(form("Máy tính của cơ quan bị nhiễm mã độc") == [], "máy is not mấy")
        #expect(form("Đầu tư ứng dụng AI trong dịch vụ công") == [], "đầu is not đâu, AI is not ai")
        #expect(form("Thủ tục hành chính trên cổng dịch vụ công") == [])
    }

    @Test func agreement() {
        #expect(QuestionForm.place.agreement(with: [.place, .manner]) == 1)
        #expect(QuestionForm.place.agreement(with: .amount) == -1)
        #expect(QuestionForm.place.agreement(with: []) == 0)
        #expect(QuestionForm().agreement(with: .amount) == 0)
    }

    /// Two entries that share the question's words but ask different things: with the form
    /// weighed, the one asking what the question asks ranks first; unweighed, the ranking is
    /// BM25F's alone, and the form still reaches the confidence features.
    @Test func weighedFormPicksTheEntryThatAsksTheSame() {
        let entries = [
            KnowledgeEntry(id: "phi", question: "Gửi hồ sơ thủ tục hành chính qua bưu điện thì nộp lệ phí bao nhiêu?",
                           answer: "Mức phí theo bảng giá dịch vụ bưu chính công ích."),
            KnowledgeEntry(id: "buoc", question: "Gửi hồ sơ qua bưu điện làm theo những bước nào?",
                           answer: "Chuẩn bị hồ sơ, đến bưu cục, điền phiếu gửi và nhận biên nhận."),
        ]
        func top(_ weight: Float, _ question: String) -> SearchResult? {
            var configuration = RankingConfiguration()
            configuration.questionFormWeight = weight
            var index = KnowledgeIndex(analyzer: Analyzer(), configuration: configuration)
            index.load(entries)
            return index.search(question).results.first
        }
        let question = "gửi hồ sơ thủ tục hành chính qua bưu điện theo các bước ra sao"
        #expect(top(0, question)?.entryID == "phi", "the words alone favour the fee entry")
        #expect(top(0.3, question)?.entryID == "buoc")
        #expect(top(0.3, question)?.features.formAgreement == 1)
        #expect(top(0, "hồ sơ qua bưu điện lệ phí bao nhiêu")?.features.formAgreement == 1)
    }
}
