@testable import Wire
import Foundation
import Testing

@testable import Dialogue
@testable import Retrieval

/// The Vietnamese text shown at the terminal for each kind of decision.
@Suite struct ResponseTextTests {
    static let entries: [String: KnowledgeEntry] = [
        "an-toan-001": KnowledgeEntry(
            id: "an-toan-001", question: "Bảo đảm ATTT theo cấp độ là gì?",
            answer: "Có 5 cấp độ, xác định theo Nghị định 85/2016/NĐ-CP.", topic: "an-toan", unit: "ATTT",
            refs: ["85-2016-nd-cp", "12-2022-tt-btttt"]),
        "du-lieu-004": KnowledgeEntry(
            id: "du-lieu-004", question: "Kết nối dữ liệu có bắt buộc qua LGSP không?",
            answer: "Các hệ thống của tỉnh kết nối qua LGSP của tỉnh.", topic: "du-lieu", unit: "CDS"),
        "nen-tang-003": KnowledgeEntry(
            id: "nen-tang-003", question: "LGSP là gì và tỉnh dùng nó để làm gì?",
            answer: "LGSP là nền tảng tích hợp, chia sẻ dữ liệu cấp tỉnh.", topic: "nen-tang", unit: "CDS"),
    ]

    static let renderer = ResponseText(
        entry: { entries[$0] },
        topicNames: ["an-toan": "An toàn thông tin, an ninh mạng", "du-lieu": "Kết nối, chia sẻ, mở dữ liệu",
                     "nen-tang": "Nền tảng, công nghệ, hạ tầng kỹ thuật"])

    static func result(_ id: String, confidence: Float, score: Float = 5, sharedBy: Int = 1, top: Bool = false)
        -> SearchResult
    {
        SearchResult(entryID: id, score: score, confidence: confidence, sharedBy: sharedBy,
                     features: ConfidenceModel.Features(normalizedScore: 0.5, coverage: 0.5, relativeScore: 1,
                                                        margin: 0.2, isTop: top ? 1 : 0))
    }

    static let ranked = [
        result("an-toan-001", confidence: 0.87, score: 12.5, top: true),
        result("nen-tang-003", confidence: 0.42, score: 7.25, sharedBy: 3),
        result("du-lieu-004", confidence: 0.31, score: 6),
    ]

    /// An answer shows "trả lời", the matched question, its answer and the documents it cites.
    @Test func answerShowsTheEntry() {
        let response = SearchResponse(decision: .answer, results: Self.ranked, shown: [Self.ranked[0]],
                                      unaccented: false)
        let text = Self.renderer.render(response, showRanking: false)
        #expect(text.contains("trả lời"))
        #expect(text.contains("87%"))
        #expect(text.contains("Bảo đảm ATTT theo cấp độ là gì?"))
        #expect(text.contains("Có 5 cấp độ, xác định theo Nghị định 85/2016/NĐ-CP."))
        #expect(text.contains("85-2016-nd-cp, 12-2022-tt-btttt"))
        #expect(!text.contains("LGSP"), "only the chosen entry is shown")
        #expect(!text.contains("chuyển"))
    }

    /// Suggestions are a numbered list of the shown entries' questions, without their answers.
    @Test func suggestListsNumberedOptions() {
        let shown = Array(Self.ranked.prefix(2))
        let response = SearchResponse(decision: .suggest, results: Self.ranked, shown: shown, unaccented: false)
        let lines = Self.renderer.render(response, showRanking: false).split(separator: "\n").map(String.init)
        #expect(lines.first?.contains("gợi ý") == true)
        let options = lines.dropFirst().map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(options.count == 2)
        #expect(options.first?.hasPrefix("1. Bảo đảm ATTT theo cấp độ là gì?") == true)
        #expect(options.first?.contains("87%") == true)
        #expect(options.last?.hasPrefix("2. LGSP là gì và tỉnh dùng nó để làm gì?") == true)
        #expect(options.last?.contains("42%") == true)
        #expect(!lines.joined().contains("Có 5 cấp độ"), "suggestions do not give an answer")
        #expect(!lines.joined().contains("Kết nối dữ liệu có bắt buộc"), "only the shown results are offered")
    }

    /// A suggestion whose entry is unknown still appears, under its id.
    @Test func suggestFallsBackToTheEntryID() {
        let missing = Self.result("xoa-001", confidence: 0.5, top: true)
        let response = SearchResponse(decision: .suggest, results: [missing], shown: [missing], unaccented: false)
        #expect(Self.renderer.render(response, showRanking: false).contains("1. xoa-001 (50%)"))
    }

    /// Escalation says the question will be passed on to the responsible unit, and gives no answer.
    @Test func escalateSaysTheQuestionIsPassedOn() {
        let response = SearchResponse(decision: .escalate, results: Self.ranked, shown: [], unaccented: false)
        let text = Self.renderer.render(response, showRanking: false)
        #expect(text.contains("chuyển"))
        #expect(text.contains("đơn vị phụ trách"))
        #expect(!text.contains("Trả lời:"))
        #expect(!text.contains("Có 5 cấp độ"))
        #expect(!text.contains("1."))
    }

    /// The ranking lists every result in order with its id, confidence percentage, score and topic.
    @Test func rankingListsIDsAndPercentages() throws {
        let response = SearchResponse(decision: .suggest, results: Self.ranked, shown: Array(Self.ranked.prefix(2)),
                                      unaccented: false)
        let text = Self.renderer.render(response)
        let ranking = try #require(text.components(separatedBy: "Xếp hạng:").last)
        let lines = ranking.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("1. an-toan-001"))
        #expect(lines[0].contains("87%"))
        #expect(lines[0].contains("12.50"))
        #expect(lines[0].contains("[An toàn thông tin, an ninh mạng]"))
        #expect(lines[1].hasPrefix("2. nen-tang-003"))
        #expect(lines[1].contains("42%"))
        #expect(lines[1].contains("3 câu chung một câu trả lời"))
        #expect(lines[2].hasPrefix("3. du-lieu-004"))
        #expect(lines[2].contains("31%"))
    }

    /// Without `showRanking`, or with nothing ranked, no ranking section is printed.
    @Test func rankingCanBeHidden() {
        let hidden = SearchResponse(decision: .answer, results: Self.ranked, shown: [Self.ranked[0]], unaccented: false)
        #expect(!Self.renderer.render(hidden, showRanking: false).contains("Xếp hạng"))
        let empty = SearchResponse(decision: .escalate, results: [], shown: [], unaccented: false)
        #expect(!Self.renderer.render(empty).contains("Xếp hạng"))
        #expect(Self.renderer.render(hidden).contains("Xếp hạng"))
    }
}
