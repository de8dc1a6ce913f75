import Foundation
import Synchronization
import Testing

@testable import Dialogue
@testable import Retrieval

/// A fake retrieval: each question maps to a prepared decision, and every question asked is
/// remembered (to see what a follow-up was searched as).
final class FakeSearch: Sendable {
    let asked = Mutex<[String]>([])
    let entries: [String: KnowledgeEntry] = Dictionary(uniqueKeysWithValues: (1...5).map { number in
        ("e\(number)", KnowledgeEntry(id: "e\(number)", question: "Câu hỏi \(number)?", answer: "Trả lời \(number).",
                                      topic: "an-toan", refs: number == 1 ? ["85-2016-nd-cp"] : []))
    })

    func result(_ id: String, _ confidence: Float) -> SearchResult {
        SearchResult(entryID: id, score: confidence * 10, confidence: confidence, sharedBy: 1,
                     features: .init(normalizedScore: 0, coverage: 0, relativeScore: 0, margin: 0, isTop: 0))
    }

    func search(_ text: String) -> SearchResponse {
        asked.withLock { $0.append(text) }
        let ranked = [result("e1", 0.9), result("e2", 0.5), result("e3", 0.4), result("e4", 0.2)]
        if text.contains("mơ hồ") {
            return SearchResponse(decision: .suggest, results: ranked, shown: Array(ranked.prefix(3)), unaccented: false)
        }
        if text.contains("thời tiết") {
            return SearchResponse(decision: .escalate, results: ranked, shown: [], unaccented: false)
        }
        return SearchResponse(decision: .answer, results: ranked, shown: [ranked[0]], unaccented: false)
    }

    var dialogue: Dialogue {
        Dialogue(analyzer: Analyzer(lexicon: Lexicon(chatText: "ad = admin\nko = không")),
                 search: { self.search($0) }, entry: { self.entries[$0] })
    }
}



/// The conversation logic without I/O.
@Suite struct DialogueLogicTests {
    /// Greetings, thanks and help get Vietnamese small talk, without searching.
    @Test func smallTalk() {
        let fake = FakeSearch()
        var state = ConversationState()
        let greeting = fake.dialogue.respond(to: .say("Xin chào ad ạ"), state: &state)
        #expect(greeting.kind == "chat")
        #expect(greeting.text.contains("Xin chào"))
        #expect(fake.dialogue.respond(to: .say("cam on nhieu"), state: &state).text.contains("không có gì"))
        #expect(fake.dialogue.respond(to: .help, state: &state).text.contains("/human"))
        #expect(fake.asked.withLock { $0.isEmpty })
    }

    /// A greeting followed by a question is a question.
    @Test func greetingWithAQuestionIsSearched() {
        let fake = FakeSearch()
        var state = ConversationState()
        let reply = fake.dialogue.respond(to: .say("chào ad, cho hỏi cấp độ an toàn xác định thế nào"), state: &state)
        #expect(reply.kind == "answer")
        #expect(fake.asked.withLock { $0.count } == 1)
    }

    /// An answer carries the entry, its confidence, refs and the alternatives.
    @Test func answerCarriesAlternatives() throws {
        let fake = FakeSearch()
        var state = ConversationState()
        let reply = fake.dialogue.respond(to: .say("cấp độ an toàn là gì"), state: &state)
        guard case .answer(let answer) = reply else { Issue.record("expected an answer, got \(reply)"); return }
        #expect(answer.kb == "e1")
        #expect(answer.text == "Trả lời 1.")
        #expect(answer.confidence == 0.9)
        #expect(answer.refs == ["85-2016-nd-cp"])
        #expect(answer.alternatives.map(\.kb) == ["e2", "e3", "e4"])
        #expect(state.lastAnswer == "e1")
    }

    /// Suggestions are numbered, and typing a number picks one.
    @Test func pickSuggestionByNumber() {
        let fake = FakeSearch()
        var state = ConversationState()
        let reply = fake.dialogue.respond(to: .say("câu hỏi mơ hồ"), state: &state)
        guard case .suggest(_, let options) = reply else { Issue.record("expected suggestions"); return }
        #expect(options.map(\.kb) == ["e1", "e2", "e3"])
        #expect(reply.text.contains("2. Câu hỏi 2?"))
        let picked = fake.dialogue.respond(to: .say("2"), state: &state)
        guard case .answer(let answer) = picked else { Issue.record("expected the picked answer"); return }
        #expect(answer.kb == "e2")
        #expect(fake.dialogue.respond(to: .pick(7), state: &state).kind == "chat")
    }

    /// Negative feedback gives the next alternative; when none is left, the question goes to a
    /// person.
    @Test func negativeFeedbackWalksAlternativesThenEscalates() {
        let fake = FakeSearch()
        var state = ConversationState()
        _ = fake.dialogue.respond(to: .say("cấp độ an toàn là gì"), state: &state)
        var seen: [String] = []
        for _ in 0..<3 {
            if case .answer(let answer) = fake.dialogue.respond(to: .feedback(helpful: false), state: &state) {
                seen.append(answer.kb)
            }
        }
        #expect(seen == ["e2", "e3", "e4"])
        let last = fake.dialogue.respond(to: .feedback(helpful: false), state: &state)
        #expect(last.kind == "escalate")
        #expect(state.escalated && state.lastQuestion == "cấp độ an toàn là gì")
        #expect(fake.dialogue.respond(to: .feedback(helpful: true), state: &state).kind == "chat")
    }

    /// Nothing fits: the question is escalated; asking for a person escalates too.
    @Test func escalation() {
        let fake = FakeSearch()
        var state = ConversationState()
        #expect(fake.dialogue.respond(to: .say("thời tiết Hà Nội mai thế nào"), state: &state).kind == "escalate")
        #expect(state.escalated)
        var fresh = ConversationState()
        #expect(fake.dialogue.respond(to: .human(nil), state: &fresh).text.contains("cho biết câu hỏi"))
        _ = fake.dialogue.respond(to: .say("cấp độ an toàn là gì"), state: &fresh)
        #expect(fake.dialogue.respond(to: .human(nil), state: &fresh).kind == "escalate")
    }

    /// A short follow-up is searched together with the question before it.
    @Test func followUpLeansOnThePreviousQuestion() {
        let fake = FakeSearch()
        var state = ConversationState()
        _ = fake.dialogue.respond(to: .say("kế hoạch chuyển đổi số cấp bộ gồm những gì"), state: &state)
        _ = fake.dialogue.respond(to: .say("còn cấp tỉnh thì sao?"), state: &state)
        _ = fake.dialogue.respond(to: .say("Nghị định 47 quy định gì về chia sẻ dữ liệu giữa các bộ"), state: &state)
        let asked = fake.asked.withLock { $0 }
        #expect(asked.count == 3)
        #expect(asked[1].contains("còn cấp tỉnh thì sao?"))
        #expect(asked[1].contains("kế hoạch chuyển đổi số cấp bộ"))
        #expect(!asked[2].contains("cấp tỉnh"), "a full question stands on its own")
    }

    /// A pointing word is matched as typed: "cấp độ" does not point back ("độ" is not "đó"),
    /// while "van ban do", typed without diacritics, may mean "văn bản đó".
    @Test func followUpMarkersMatchAsTyped() {
        let fake = FakeSearch()
        var state = ConversationState()
        _ = fake.dialogue.respond(to: .say("kế hoạch chuyển đổi số cấp bộ gồm những gì"), state: &state)
        _ = fake.dialogue.respond(to: .say("Hệ thống thông tin có mấy cấp độ an toàn?"), state: &state)
        _ = fake.dialogue.respond(to: .say("van ban do ban hanh khi nao"), state: &state)
        let asked = fake.asked.withLock { $0 }
        #expect(asked[1] == "Hệ thống thông tin có mấy cấp độ an toàn?", "not a follow-up")
        #expect(asked[2].hasPrefix("van ban do ban hanh khi nao\n"), "a follow-up typed without diacritics")
    }
}
