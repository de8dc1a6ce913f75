import Testing

@testable import Retrieval

/// An entry put into a loaded index one at a time (an edit, a learned phrasing, another
/// daemon's change) is weighed like the entries loaded with it.
@Suite struct UpsertConsistencyTests {
    static let entries = Fixtures.background + [
        KnowledgeEntry(id: "chu-ky-so", question: "Đăng ký chữ ký số cá nhân ở đâu?",
                       answer: "Tại một tổ chức cung cấp dịch vụ chứng thực chữ ký số được cấp phép."),
        KnowledgeEntry(id: "ho-chieu", question: "Làm hộ chiếu phổ thông lần đầu cần những giấy tờ gì?",
                       answer: "Cần tờ khai, ảnh chân dung và thẻ căn cước còn hạn."),
    ]

    /// Upserting an unchanged entry leaves every question's ranking and confidence as they were.
    @Test func unchangedEntryUpsertedAgainRanksAsBefore() {
        var index = Fixtures.index(Self.entries)
        let questions = ["chữ ký số cá nhân đăng ký chỗ nào", "hộ chiếu cần giấy tờ gì", "báo cáo định kỳ nộp khi nào"]
        let before = questions.map { index.search($0).results.map { ($0.entryID, $0.confidence) } }
        for entry in Self.entries { index.upsert(entry) }
        let after = questions.map { index.search($0).results.map { ($0.entryID, $0.confidence) } }
        for (old, new) in zip(before, after) {
            #expect(old.map(\.0) == new.map(\.0))
            for (a, b) in zip(old, new) { #expect(abs(a.1 - b.1) < 0.01, "confidence \(a.1) became \(b.1)") }
        }
    }
}
