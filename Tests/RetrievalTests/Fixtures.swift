@testable import Retrieval

/// Small knowledge bases and lexicons for ranking tests.
enum Fixtures {
    /// A lexicon with a few of each kind of list.
    static let lexicon = Lexicon(
        abbreviationsText: "cpđt = chính phủ điện tử\ncsdl = cơ sở dữ liệu\nattt = an toàn thông tin",
        chatText: "ko = không\nđc = được\ne = em",
        documentTypesText: "nd = nghị định, nđ",
        synonymsText: "bảo mật ~ an toàn thông tin\nliên thông ~ kết nối",
        stopWordsText: "là\ncủa\ncho\nhỏi\nem\ngì\nkhông\nđược\nthì\ncó\nạ",
        wordsText: "chính phủ\nđiện tử\ncơ sở dữ liệu")

    /// An index over `entries` with the fixture lexicon.
    static func index(_ entries: [KnowledgeEntry], configuration: RankingConfiguration = RankingConfiguration())
        -> KnowledgeIndex
    {
        var index = KnowledgeIndex(analyzer: Analyzer(lexicon: lexicon), configuration: configuration)
        index.load(entries)
        return index
    }

    /// Ids of the ranked results.
    static func ranked(_ index: inout KnowledgeIndex, _ question: String) -> [String] {
        index.search(question).results.map(\.entryID)
    }

    /// Three questions with one answer between them (a group of three entries).
    static let sharedAnswerGroup: [KnowledgeEntry] = {
        let answer = "Đăng ký tài khoản trên Cổng Dịch vụ công quốc gia bằng định danh điện tử."
        return [
            KnowledgeEntry(id: "a1", question: "Đăng ký tài khoản cổng dịch vụ công thế nào?", answer: answer),
            KnowledgeEntry(id: "a2", question: "Tạo tài khoản cổng dịch vụ công ở đâu?", answer: answer),
            KnowledgeEntry(id: "a3", question: "Làm tài khoản dịch vụ công quốc gia?", answer: answer),
        ]
    }()

    /// A few unrelated entries, so IDF has something to work with.
    static let background: [KnowledgeEntry] = [
        KnowledgeEntry(id: "bg-1", question: "Thời hạn nộp báo cáo định kỳ là khi nào?",
                       answer: "Báo cáo định kỳ nộp trước ngày 15 của tháng cuối kỳ."),
        KnowledgeEntry(id: "bg-2", question: "Ai phê duyệt kế hoạch ứng dụng công nghệ thông tin?",
                       answer: "Người đứng đầu cơ quan phê duyệt kế hoạch."),
        KnowledgeEntry(id: "bg-3", question: "Hệ thống một cửa điện tử của tỉnh đặt ở đâu?",
                       answer: "Hệ thống đặt tại trung tâm dữ liệu của tỉnh."),
        KnowledgeEntry(id: "bg-4", question: "Mua sắm thiết bị mạng theo quy trình nào?",
                       answer: "Theo quy định về đầu tư ứng dụng công nghệ thông tin."),
    ]
}
