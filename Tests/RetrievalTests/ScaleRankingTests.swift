import Testing

@testable import Retrieval

/// The baseline of the engines people would pick instead, the answer decision's own model, and
/// the features that tell how much of a question an entry explains.
@Suite struct ScaleRankingTests {
    /// Plain BM25 ranks by the folded words alone: diacritics and case do not matter, a rarer
    /// shared word outweighs a common one, and a text sharing nothing is not returned.
    @Test func plainBM25RanksFoldedWords() {
        let plain = PlainBM25(texts: [
            "Chữ ký số của cơ quan nhà nước",
            "Cơ quan nhà nước gửi văn bản điện tử",
            "Thời tiết hôm nay",
            "Cơ quan nhà nước và cổng dịch vụ công",
        ])
        #expect(plain.search("CHU KY SO cua co quan").first == 0)
        #expect(plain.search("văn bản điện tử").first == 1)
        #expect(!plain.search("văn bản điện tử").contains(2))
        #expect(plain.search("bóng đá").isEmpty)
    }

    /// A short entry whose words all appear in a long question explains little of it: its
    /// entry coverage is full, its question coverage low; the entry that holds the question's
    /// words has both high.
    @Test func entryCoverageSeesShortEntriesInsideLongQuestions() {
        var index = KnowledgeIndex(analyzer: Analyzer())
        index.load([
            KnowledgeEntry(id: "short", question: "đăng ký trực tuyến", answer: "Vào cổng dịch vụ công để đăng ký."),
            KnowledgeEntry(id: "long", question: "hồ sơ đăng ký chữ ký số cho cán bộ cần những giấy tờ gì",
                           answer: "Hồ sơ gồm đơn đề nghị và bản sao giấy tờ tùy thân của cán bộ."),
        ])
        let results = index.search("đăng ký trực tuyến chữ ký số cho cán bộ cần giấy tờ gì").results
        let short = results.first { $0.entryID == "short" }
        let long = results.first { $0.entryID == "long" }
        #expect(short?.features.entryCoverage == 1)
        #expect((long?.features.coverage ?? 0) > (short?.features.coverage ?? 1))
        #expect(results.first?.entryID == "long")
    }

    /// With an answer model the answer decision reads it, not the suggestions' confidence.
    @Test func answerModelDecidesTheAnswer() {
        var configuration = RankingConfiguration()
        configuration.answerThreshold = 0.5
        configuration.suggestThreshold = 0.3
        let features = ConfidenceModel.Features(normalizedScore: 1, coverage: 1, relativeScore: 1, margin: 1, isTop: 1)
        let top = SearchResult(entryID: "a", score: 1, confidence: 0.4, sharedBy: 1, features: features)
        let without = KnowledgeIndex(analyzer: Analyzer(), configuration: configuration)
        #expect(without.decide([top], unaccented: false).decision == .suggest)
        // A model that is sure whenever the best result covers the question.
        configuration.answerModel = ConfidenceModel(weights: [-5, 0, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
        let with = KnowledgeIndex(analyzer: Analyzer(), configuration: configuration)
        #expect(with.decide([top], unaccented: false).decision == .answer)
    }

    /// An entry added at run time weighs like the same entry loaded at start.
    @Test func upsertWeighsLikeALoad() {
        let entries = (0..<40).map {
            KnowledgeEntry(id: "e\($0)", question: "câu hỏi số \($0) về chữ ký số và văn bản điện tử",
                           answer: "Trả lời số \($0) về quy trình gửi nhận văn bản.")
        }
        var loaded = KnowledgeIndex(analyzer: Analyzer())
        loaded.load(entries)
        let before = loaded.search("chữ ký số câu hỏi số 7").results.first
        var again = loaded
        again.upsert(entries[7])
        let after = again.search("chữ ký số câu hỏi số 7").results.first
        #expect(before?.entryID == "e7")
        #expect(after?.entryID == "e7")
        let ratio = (after?.score ?? 0) / max(before?.score ?? 1, 1e-6)
        #expect(abs(ratio - 1) < 0.05)
    }
}
