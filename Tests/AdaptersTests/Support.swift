import Logging
import Dialogue
import GRDB
import Retrieval

@testable import Daemon
@testable import Storage

/// A dialogue service over a small real knowledge base and an in-memory store.
enum TestDaemon {
    static let entries = [
        KnowledgeEntry(id: "cap-do", question: "Hệ thống thông tin có mấy cấp độ an toàn?",
                       answer: "Có 5 cấp độ, từ cấp độ 1 đến cấp độ 5.", topic: "an-toan", refs: ["85-2016-nd-cp"]),
        KnowledgeEntry(id: "lgsp", question: "Nền tảng LGSP của tỉnh dùng để làm gì?",
                       answer: "Kết nối, chia sẻ dữ liệu giữa các hệ thống trong tỉnh."),
        KnowledgeEntry(id: "chu-ky", question: "Chữ ký số chuyên dùng công vụ cấp cho ai?",
                       answer: "Cho cán bộ, công chức, viên chức và cơ quan nhà nước."),
        KnowledgeEntry(id: "bao-cao", question: "Thời hạn nộp báo cáo định kỳ là khi nào?",
                       answer: "Trước ngày 15 của tháng cuối kỳ báo cáo."),
    ]

    static let documents = [
        CatalogueDocument(id: "85-2016-nd-cp", number: "85/2016/NĐ-CP", kind: "nghị định",
                          title: "Nghị định về bảo đảm an toàn hệ thống thông tin theo cấp độ", issuer: "Chính phủ",
                          date: "2016-07-01", topics: ["an-toan"], summary: "Quy định năm cấp độ an toàn."),
        CatalogueDocument(id: "47-2020-nd-cp", number: "47/2020/NĐ-CP", kind: "nghị định",
                          title: "Nghị định về quản lý, kết nối và chia sẻ dữ liệu số", issuer: "Chính phủ",
                          date: "2020-04-09", topics: ["nen-tang"], summary: "Kết nối, chia sẻ dữ liệu số."),
    ]

    /// The daemon's services, put together by the daemon's own assembly over an in-memory
    /// store: the entries and documents above, no desk.
    static func service() async throws -> DialogueService {
        var ranking = RankingConfiguration()
        ranking.answerThreshold = 0.3
        ranking.suggestThreshold = 0.1
        let recipe = DaemonRecipe(entries: entries, documents: documents,
                                  lexicon: Lexicon(abbreviationsText: "lgsp = nền tảng tích hợp chia sẻ dữ liệu cấp tỉnh"),
                                  ranking: ranking, desk: nil)
        return try await DaemonAssembly.open(store: try SQLiteStore(DatabaseQueue()), recipe: recipe,
                                             logger: Logger(label: "test"))
    }
}
