import Foundation
import Retrieval

/// The conversation logic, without I/O: given the state and one input, the reply and the next
/// state. Greetings, thanks and help; answer / suggest / escalate from the retrieval decision;
/// a suggestion picked by its number; `more` and negative feedback walk the alternatives, then
/// offer a person; a short follow-up is searched with the question before it.
package struct Dialogue: Sendable {
    /// Ranks and decides (a `SearchEngine`, or a fake in tests).
    let search: @Sendable (String) -> SearchResponse
    /// Looks an entry up by id.
    let entry: @Sendable (String) -> KnowledgeEntry?
    let smallTalk: SmallTalk
    let followUp: FollowUp

    /// How many alternatives an answer keeps for `more`.
    static let alternativeCount = 3

    /// Creates the logic over a search function.
    package init(analyzer: Analyzer, search: @escaping @Sendable (String) -> SearchResponse,
                 entry: @escaping @Sendable (String) -> KnowledgeEntry?)
    {
        self.search = search
        self.entry = entry
        smallTalk = SmallTalk(analyzer: analyzer)
        followUp = FollowUp(analyzer: analyzer)
    }

    /// Creates the logic over a search engine.
    package init(engine: SearchEngine, analyzer: Analyzer) {
        self.init(analyzer: analyzer, search: { engine.search($0) }, entry: { engine.entry($0) })
    }

    /// The reply to `input`; `state` becomes the state after it.
    package func respond(to input: DialogueInput, state: inout ConversationState) -> DialogueReply {
        switch input {
        case .help:
            return .chat(text: SmallTalk.helpText)
        case .pick(let number):
            return pick(number, state: &state)
        case .more:
            return nextAlternative(state: &state, exhausted: Texts.noMoreAlternatives)
        case .feedback(let helpful):
            guard state.lastAnswer != nil else { return .chat(text: Texts.nothingToRate) }
            let again = state.feedbackGiven == true
            state.feedbackGiven = true
            if helpful { return .chat(text: again ? Texts.feedbackAlreadyGiven : Texts.thanksForFeedback) }
            guard state.alternatives.isEmpty, state.lastQuestion != nil else {
                return nextAlternative(state: &state, exhausted: Texts.noMoreAlternatives)
            }
            // No answer helped: the question goes to a person (a ticket, where the desk runs).
            state.lastAnswer = nil
            state.escalated = true
            return .escalate(text: Texts.escalated)
        case .human(let text):
            let question = text.flatMap { $0.hasVisibleText ? $0 : nil } ?? state.lastQuestion
            state.escalated = true
            state.options = []
            state.lastQuestion = question
            return .escalate(text: question == nil ? Texts.humanWithoutQuestion : Texts.escalated)
        case .say(let text):
            return say(text, state: &state)
        }
    }

    func say(_ raw: String, state: inout ConversationState) -> DialogueReply {
        let text = raw.trimmedWhitespace
        guard text.hasVisibleText else { return .chat(text: Texts.empty) }
        if !state.options.isEmpty, let number = Int(text.trimmingCharacters(in: [".", ")", "#"])) {
            return pick(number, state: &state)
        }
        if let kind = smallTalk.classify(text) { return .chat(text: SmallTalk.reply(kind)) }
        var question = text
        if let previous = state.lastQuestion, followUp.isFollowUp(text) {
            question = followUp.combine(text, after: previous)
        }
        let response = search(question)
        state.nearest = nil
        state.lastQuestion = question
        state.options = []
        state.escalated = false
        switch response.decision {
        case .answer:
            guard let top = response.shown.first else { break }
            let rest = response.results.dropFirst().prefix(Self.alternativeCount).map(\.entryID)
            return give(top.entryID, confidence: top.confidence, alternatives: Array(rest), state: &state)
        case .suggest:
            let options = response.shown.compactMap { result in
                entry(result.entryID).map { DialogueOption(kb: $0.id, question: $0.question) }
            }
            state.options = options.map(\.kb)
            state.lastAnswer = nil
            state.alternatives = []
            return .suggest(text: Texts.suggestions, options: options)
        case .escalate:
            break
        }
        state.lastAnswer = nil
        state.alternatives = []
        state.escalated = true
        state.nearest = response.results.prefix(TopicClassifier.depth).map {
            NearestEntry(kb: $0.entryID, confidence: $0.confidence)
        }
        return .escalate(text: Texts.escalated)
    }

    func pick(_ number: Int, state: inout ConversationState) -> DialogueReply {
        guard number >= 1, number <= state.options.count else {
            return .chat(text: state.options.isEmpty ? Texts.nothingToPick : Texts.noSuchOption(state.options.count))
        }
        let chosen = state.options[number - 1]
        let others = state.options.enumerated().filter { $0.offset != number - 1 }.map(\.element)
        state.options = []
        return give(chosen, confidence: nil, alternatives: others, state: &state)
    }

    func nextAlternative(state: inout ConversationState, exhausted: String) -> DialogueReply {
        guard !state.alternatives.isEmpty else {
            state.lastAnswer = nil
            return .chat(text: state.lastQuestion == nil ? Texts.nothingAsked : exhausted)
        }
        let next = state.alternatives.removeFirst()
        return give(next, confidence: nil, alternatives: state.alternatives, state: &state)
    }

    /// Gives an entry as the answer and remembers what may come next.
    func give(_ id: String, confidence: Float?, alternatives: [String], state: inout ConversationState) -> DialogueReply {
        guard let found = entry(id) else { return .chat(text: Texts.entryGone) }
        state.lastAnswer = id
        state.feedbackGiven = nil
        state.lastTopic = found.topic
        state.alternatives = alternatives
        let options = alternatives.compactMap { entry($0).map { DialogueOption(kb: $0.id, question: $0.question) } }
        return .answer(DialogueAnswer(text: found.answer, kb: found.id, question: found.question,
                                      confidence: confidence ?? 0, topic: found.topic, refs: found.refs,
                                      alternatives: options))
    }
}

/// The bot's sentences.
enum Texts {
    static let empty = "Anh/chị cần hỏi gì ạ? Gõ /help để xem hướng dẫn."
    static let suggestions = "Có phải anh/chị muốn hỏi một trong các câu sau? Gõ số thứ tự để chọn:"
    static let escalated = "Câu hỏi này chưa có câu trả lời sẵn. Em sẽ chuyển đến cán bộ của đơn vị phụ trách; "
        + "câu trả lời sẽ được gửi lại trong cuộc trò chuyện này."
    static let humanWithoutQuestion = "Anh/chị cho biết câu hỏi cần chuyển cho cán bộ phụ trách ạ."
    static let noMoreAlternatives = "Em không còn câu trả lời nào khác cho câu hỏi này. "
        + "Gõ /human để chuyển câu hỏi cho cán bộ phụ trách."
    static let nothingAsked = "Anh/chị chưa hỏi câu nào ạ."
    static let nothingToRate = "Chưa có câu trả lời nào để đánh giá ạ."
    static let thanksForFeedback = "Cảm ơn anh/chị đã cho biết câu trả lời hữu ích."
    static let feedbackAlreadyGiven = "Em đã ghi nhận đánh giá của anh/chị cho câu trả lời này rồi ạ."
    static let nothingToPick = "Hiện không có gợi ý nào để chọn."
    static let entryGone = "Câu trả lời này vừa được gỡ khỏi cơ sở tri thức. Anh/chị hỏi lại giúp em nhé."
    static func noSuchOption(_ count: Int) -> String { "Vui lòng chọn một số từ 1 đến \(count)." }
}
