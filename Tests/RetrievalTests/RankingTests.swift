import Testing

@testable import Retrieval

/// Ranking on small knowledge bases: accents, grouping, live changes.
@Suite struct RankingTests {
    /// An exact accented match ranks above a match that agrees only without diacritics.
    @Test func exactBeatsFolded() {
        var index = Fixtures.index(Fixtures.background + [
            KnowledgeEntry(id: "ma-code", question: "Mã định danh cơ quan lấy ở đâu?", answer: "Tra cứu theo danh mục mã."),
            KnowledgeEntry(id: "ma-but", question: "Mà định danh cơ quan lấy ở đâu?", answer: "Hỏi đơn vị quản lý."),
        ])
        #expect(Fixtures.ranked(&index, "mã định danh cơ quan").first == "ma-code")
        #expect(Fixtures.ranked(&index, "mà định danh cơ quan").first == "ma-but")
    }

    /// A question typed without diacritics still finds the accented entry first.
    @Test func unaccentedQuestionFindsAccentedEntry() {
        var index = Fixtures.index(Fixtures.background + [
            KnowledgeEntry(id: "target", question: "Chữ ký số chuyên dùng cấp cho ai?", answer: "Cho cán bộ, công chức."),
        ])
        #expect(Fixtures.ranked(&index, "chu ky so chuyen dung cap cho ai").first == "target")
    }

    /// Entries sharing one answer appear once, and count how many share it.
    @Test func groupsEntriesSharingAnAnswer() {
        var index = Fixtures.index(Fixtures.background + Fixtures.sharedAnswerGroup + [
            KnowledgeEntry(id: "other", question: "Tài khoản cổng dịch vụ công bị khóa thì sao?",
                           answer: "Liên hệ tổng đài hỗ trợ để mở khóa."),
        ])
        let results = index.search("tài khoản cổng dịch vụ công").results
        let grouped = results.filter { ["a1", "a2", "a3"].contains($0.entryID) }
        #expect(grouped.count == 1)
        #expect(grouped.first?.sharedBy == 3)
        #expect(results.contains { $0.entryID == "other" })
    }

    /// Adding an entry makes it findable at once; retiring it removes it at once.
    @Test func addAndRetireTakeEffectAtOnce() {
        var index = Fixtures.index(Fixtures.background)
        let question = "trục liên thông văn bản quốc gia kết nối thế nào"
        #expect(!Fixtures.ranked(&index, question).contains("new"))
        index.upsert(KnowledgeEntry(id: "new", question: "Kết nối trục liên thông văn bản quốc gia thế nào?",
                                    answer: "Đăng ký kết nối với Văn phòng Chính phủ."))
        #expect(Fixtures.ranked(&index, question).first == "new")
        #expect(index.count == Fixtures.background.count + 1)
        let retired = index.retire("new")
        #expect(retired)
        #expect(!Fixtures.ranked(&index, question).contains("new"))
        #expect(index.entry("new") == nil)
        let retiredAgain = index.retire("new")
        #expect(!retiredAgain, "retiring twice is a no-op")
    }

    /// Changing an entry replaces its old text in the index.
    @Test func changingAnEntryReplacesIt() {
        var index = Fixtures.index(Fixtures.background + [
            KnowledgeEntry(id: "x", question: "Tên miền gov.vn đăng ký ở đâu?", answer: "Tại cơ quan quản lý tên miền."),
        ])
        index.upsert(KnowledgeEntry(id: "x", question: "Chứng thư số công vụ gia hạn ra sao?", answer: "Gửi đề nghị gia hạn."))
        #expect(!Fixtures.ranked(&index, "tên miền đăng ký ở đâu").contains("x"))
        #expect(Fixtures.ranked(&index, "gia hạn chứng thư số").first == "x")
        #expect(index.count == Fixtures.background.count + 1)
    }

    /// A question made only of common words still finds what it can (stop words weigh less,
    /// they are not deleted).
    @Test func stopWordsOnlyQuestionStillWorks() {
        var index = Fixtures.index(Fixtures.background + [
            KnowledgeEntry(id: "common", question: "Là gì thì có được không ạ?", answer: "Tùy trường hợp."),
        ])
        #expect(Fixtures.ranked(&index, "là gì thì có được không").first == "common")
    }

    /// A document number in the question finds the entry that cites it, whatever the form.
    @Test(arguments: ["47/2020/NĐ-CP", "nghị định 47", "nd 47/2020"])
    func documentNumberFindsEntry(question: String) {
        var index = Fixtures.index(Fixtures.background + [
            KnowledgeEntry(id: "decree", question: "Nghị định 47/2020/NĐ-CP quy định những gì?",
                           answer: "Quản lý, kết nối và chia sẻ dữ liệu số."),
            KnowledgeEntry(id: "other-decree", question: "Nghị định 45/2020/NĐ-CP quy định những gì?",
                           answer: "Thực hiện thủ tục hành chính trên môi trường điện tử."),
        ])
        #expect(Fixtures.ranked(&index, question).first == "decree")
    }
}

/// Guessing diacritics for questions typed without them.
@Suite struct DiacriticRestorationTests {
    /// The accented forms the knowledge base uses are chosen for an unaccented question.
    @Test func restoresTheFormsTheKnowledgeBaseUses() {
        let index = Fixtures.index(Fixtures.background + [
            KnowledgeEntry(id: "level", question: "Xác định cấp độ an toàn hệ thống thế nào?", answer: "Theo hồ sơ đề xuất cấp độ."),
            KnowledgeEntry(id: "other", question: "Cấp đỡ kinh phí cho xã ra sao?", answer: "Theo dự toán ngân sách."),
        ])
        let analyzer = Analyzer(lexicon: Fixtures.lexicon)
        let restored = index.restoreDiacritics(analyzer.analyze("xac dinh cap do he thong"))
        let expected = analyzer.analyze("xác định cấp độ hệ thống")
        #expect(restored.map(\.exact) == expected.map(\.exact))
    }
}

/// The engine shared between connections.
@Suite struct SearchEngineTests {
    /// Searches from several threads while entries are added see every entry added before them
    /// and nothing breaks.
    @Test func concurrentSearchesAndChanges() async {
        let engine = SearchEngine(Fixtures.index(Fixtures.background))
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for number in 0..<50 {
                    engine.upsert(KnowledgeEntry(id: "added-\(number)", question: "Câu hỏi số \(number) về chữ ký số",
                                                 answer: "Trả lời số \(number)."))
                }
            }
            for _ in 0..<4 {
                group.addTask {
                    for _ in 0..<100 { _ = engine.search("báo cáo định kỳ nộp khi nào") }
                }
            }
        }
        #expect(engine.count == Fixtures.background.count + 50)
        #expect(engine.search("báo cáo định kỳ nộp khi nào").results.first?.entryID == "bg-1")
        #expect(engine.entry("added-49") != nil)
    }
}
