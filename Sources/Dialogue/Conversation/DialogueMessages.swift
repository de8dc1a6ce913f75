import Foundation

/// What a person sends to a conversation, whatever the wire it came on.
package enum DialogueInput: Sendable, Hashable {
    /// A message: a question, a number picking a suggestion, small talk.
    case say(String)
    /// Pick suggestion `n` (1-based).
    case pick(Int)
    /// The next alternative answer to the last question.
    case more
    /// Feedback on the last answer.
    case feedback(helpful: Bool)
    /// Ask for a person (optionally with the question to pass on).
    case human(String?)
    /// How to use the desk.
    case help
}

/// A suggested earlier question.
package struct DialogueOption: Sendable, Hashable, Codable {
    /// Its entry id.
    package var kb: String
    /// Its question.
    package var question: String

    /// Creates an option.
    package init(kb: String, question: String) {
        self.kb = kb
        self.question = question
    }
}

/// An answer from the knowledge base.
package struct DialogueAnswer: Sendable, Hashable {
    /// The answer text.
    package var text: String
    /// The entry it comes from.
    package var kb: String
    /// The earlier question it answered.
    package var question: String
    /// The confidence, 0…1.
    package var confidence: Float
    /// Topic code.
    package var topic: String?
    /// Cited document ids.
    package var refs: [String]
    /// Other answers the person can ask for with `more`.
    package var alternatives: [DialogueOption]
}

/// What the bot replies, whatever the wire it goes out on.
package enum DialogueReply: Sendable, Hashable {
    /// An answer from the knowledge base.
    case answer(DialogueAnswer)
    /// Two or three earlier questions, one of which may be meant.
    case suggest(text: String, options: [DialogueOption])
    /// Nothing fits: the question goes to a person.
    case escalate(text: String)
    /// The question became a ticket (committed): its number and the unit it went to.
    case escalated(TicketReceipt)
    /// Greetings, thanks, help, small talk, and short notices.
    case chat(text: String)

    /// The message kind, as the protocol names it.
    package var kind: String {
        switch self {
        case .answer: "answer"
        case .suggest: "suggest"
        case .escalate: "escalate"
        case .escalated: "escalated"
        case .chat: "chat"
        }
    }

    /// The text a person reads.
    package var text: String {
        switch self {
        case .answer(let answer): answer.text
        case .suggest(let text, let options):
            ([text] + options.enumerated().map { "\($0.offset + 1). \($0.element.question)" }).joined(separator: "\n")
        case .escalate(let text), .chat(let text): text
        case .escalated(let receipt): receipt.text
        }
    }
}

/// What the asker is told when their question became a ticket.
package struct TicketReceipt: Sendable, Hashable {
    /// Ticket number.
    package var ticket: Int
    package var kind: TicketKind
    /// Topic code.
    package var topic: String
    /// Unit code.
    package var unit: String
    /// The sentence for the asker (number and unit name included).
    package var text: String

    /// The receipt of a stored ticket.
    package init(_ ticket: Ticket, unitName: String) {
        self.ticket = ticket.number
        kind = ticket.kind
        topic = ticket.topic
        unit = ticket.unit
        let (year, month, day) = CivilDay(containing: ticket.due).components
        // Written by hand: `String(format:)` goes through Foundation for every ticket raised.
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        text = "Em đã chuyển \(ticket.kind.label) của anh/chị đến \(unitName) (phiếu số \(ticket.number)), "
            + "hạn trả lời hết ngày \(two(day))/\(two(month))/\(year). "
            + "Câu trả lời của đơn vị sẽ được gửi lại trong cuộc trò chuyện này, kể cả khi anh/chị quay lại sau."
    }
}
