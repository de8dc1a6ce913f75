import Foundation

/// What the store holds about the people who talk to the desk, given back to them or forgotten
/// on request — the rights of the data subject under the Law on Personal Data Protection
/// (91/2025/QH15, in force since 1 January 2026) and Decree 13/2023/NĐ-CP — and forgotten on its
/// own after a retention period. Owned by Dialogue like the other store protocols, in domain
/// values only: `SQLiteStore` implements it, a PostgreSQL store will too.
///
/// Erasing a conversation (by request or by retention) removes what the person said and was
/// told: the conversation itself (channel, user, name, agency, dialogue state), its messages,
/// the units' messages on their way to it, and the drafts made from its tickets. Its tickets are
/// kept, anonymised, because they are the desk's record of how each unit handled what it was
/// asked (counts, time to answer, past due, ratings): the question and context become
/// `Ticket.erasedQuestion`, the link to the conversation is dropped, the trail keeps who did
/// what and when but not the texts, a rating keeps its score but not its comment, and a ticket
/// still open is closed. What became knowledge (entries learned from the tickets' answers) was
/// masked when it was learned and stays.
package protocol PrivacyStore: Sendable {
    /// The conversation a reference names, if the store holds it.
    func findConversation(_ reference: ConversationReference) async throws -> ConversationRecord?

    /// Everything stored about one conversation; nil when the store holds none with this id.
    func export(conversation id: String) async throws -> PersonalDataExport?

    /// Erases one conversation as the protocol describes, in one transaction; a ticket still open
    /// is closed at `now`.
    /// - Returns: what was erased, or nil when the store holds no conversation with this id.
    func erase(conversation id: String, at now: Date) async throws -> ErasureSummary?

    /// Retention: erases, as `erase` does, every conversation with no activity since `cutoff` —
    /// neither the conversation nor any of its tickets changed since — and no open ticket.
    /// - Returns: how many conversations were erased.
    func expireConversations(inactiveSince cutoff: Date) async throws -> Int
}

/// How an operator names the conversation of a person who asks for their data.
package enum ConversationReference: Sendable, Hashable {
    /// The conversation id (what the web chat and `motcua chat` keep).
    case id(String)
    /// A gateway's user: the channel (`telegram`, `zalo`, …) and the user's id there.
    case gatewayUser(channel: String, user: String)
}

/// Everything stored about one conversation, as its person may be given it: their record, what
/// they and the bot said, and their tickets with what the units did on them.
package struct PersonalDataExport: Sendable, Hashable, Codable {
    /// The conversation's own record.
    package struct Conversation: Sendable, Hashable, Codable {
        /// The conversation id.
        package var id: String
        /// The gateway channel, when bound to one.
        package var channel: String?
        /// The user's id on `channel`.
        package var user: String?
        /// The name the person gave.
        package var name: String?
        /// The agency the person gave.
        package var agency: String?
        /// What the bot remembers for the next message (the last question, the suggestions on offer).
        package var state: ConversationState
        /// When it started.
        package var createdAt: Date
        /// The last activity.
        package var updatedAt: Date

        /// Creates a record.
        package init(id: String, channel: String?, user: String?, name: String?, agency: String?,
                     state: ConversationState, createdAt: Date, updatedAt: Date)
        {
            self.id = id
            self.channel = channel
            self.user = user
            self.name = name
            self.agency = agency
            self.state = state
            self.createdAt = createdAt
            self.updatedAt = updatedAt
        }
    }

    /// One line of a ticket's trail.
    package struct Event: Sendable, Hashable, Codable {
        /// `asker`, `system`, `gateway`, or the handler's id.
        package var actor: String
        /// The action's code (`created`, `replied`, …).
        package var action: String
        /// What the action carried: the question, a reply's text, a note, a unit's code, …
        package var detail: String
        /// When.
        package var date: Date
        /// A note for the unit only, never shown to the asker (the operator decides whether it
        /// is handed over).
        package var internalNote: Bool

        /// Creates an event.
        package init(actor: String, action: String, detail: String, date: Date, internalNote: Bool) {
            self.actor = actor
            self.action = action
            self.detail = detail
            self.date = date
            self.internalNote = internalNote
        }
    }

    /// A unit's message to the person.
    package struct Delivery: Sendable, Hashable, Codable {
        /// The delivery id.
        package var id: Int
        /// `reply`, `update` or `ask`.
        package var kind: String
        /// What the unit wrote.
        package var text: String
        /// When it was written.
        package var createdAt: Date
        /// When the person's client acknowledged it (nil: not yet).
        package var acknowledgedAt: Date?

        /// Creates a delivery.
        package init(id: Int, kind: String, text: String, createdAt: Date, acknowledgedAt: Date?) {
            self.id = id
            self.kind = kind
            self.text = text
            self.createdAt = createdAt
            self.acknowledgedAt = acknowledgedAt
        }
    }

    /// The person's rating of a ticket's answer.
    package struct Rating: Sendable, Hashable, Codable {
        /// 1–5.
        package var score: Int
        /// What the person added.
        package var comment: String?
        /// When.
        package var date: Date

        /// Creates a rating.
        package init(score: Int, comment: String?, date: Date) {
            self.score = score
            self.comment = comment
            self.date = date
        }
    }

    /// One of the person's tickets with everything attached to it.
    package struct Ticket: Sendable, Hashable, Codable {
        /// The ticket number.
        package var number: Int
        /// The kind's code (`cau-hoi`, …).
        package var kind: String
        /// The topic code.
        package var topic: String
        /// The unit that holds it.
        package var unit: String
        /// The question as the person put it.
        package var question: String
        /// The conversation's lines before it, as the unit saw them.
        package var context: [String]
        /// The status's code (`new`, `answered`, …).
        package var status: String
        /// When it was raised.
        package var createdAt: Date
        /// When it last changed.
        package var updatedAt: Date
        /// When the unit first answered.
        package var answeredAt: Date?
        /// Its trail, oldest first.
        package var events: [Event]
        /// The units' messages on it, oldest first.
        package var deliveries: [Delivery]
        /// The person's rating of the answer.
        package var rating: Rating?

        /// Creates a ticket.
        package init(number: Int, kind: String, topic: String, unit: String, question: String, context: [String],
                     status: String, createdAt: Date, updatedAt: Date, answeredAt: Date?, events: [Event],
                     deliveries: [Delivery], rating: Rating?)
        {
            self.number = number
            self.kind = kind
            self.topic = topic
            self.unit = unit
            self.question = question
            self.context = context
            self.status = status
            self.createdAt = createdAt
            self.updatedAt = updatedAt
            self.answeredAt = answeredAt
            self.events = events
            self.deliveries = deliveries
            self.rating = rating
        }
    }

    /// When the export was made.
    package var exportedAt: Date
    /// The conversation's record.
    package var conversation: Conversation
    /// Every message in and out, oldest first.
    package var messages: [StoredMessage]
    /// The tickets raised in the conversation, oldest first.
    package var tickets: [Ticket]

    /// Creates an export.
    package init(exportedAt: Date, conversation: Conversation, messages: [StoredMessage], tickets: [Ticket]) {
        self.exportedAt = exportedAt
        self.conversation = conversation
        self.messages = messages
        self.tickets = tickets
    }
}

/// What erasing a conversation removed, in counts (never the texts: an operator's terminal or a
/// log may show it).
package struct ErasureSummary: Sendable, Hashable, Codable {
    /// Messages deleted.
    package var messages = 0
    /// Units' messages to the person deleted (delivered or not).
    package var deliveries = 0
    /// Drafts made from the tickets deleted (pending or decided).
    package var drafts = 0
    /// Tickets kept anonymised for the figures.
    package var tickets = 0
    /// Of those, tickets that were still open and were closed.
    package var closedTickets = 0
    /// Trail lines whose text was cleared.
    package var events = 0
    /// Ratings whose comment was dropped (their scores stay).
    package var ratingComments = 0

    /// Creates a summary.
    package init(messages: Int = 0, deliveries: Int = 0, drafts: Int = 0, tickets: Int = 0, closedTickets: Int = 0,
                 events: Int = 0, ratingComments: Int = 0)
    {
        self.messages = messages
        self.deliveries = deliveries
        self.drafts = drafts
        self.tickets = tickets
        self.closedTickets = closedTickets
        self.events = events
        self.ratingComments = ratingComments
    }
}

extension Ticket {
    /// What an anonymised ticket's question reads (its context is empty).
    package static let erasedQuestion = "(nội dung đã xoá để bảo vệ dữ liệu cá nhân)"

    /// Whether its asker's conversation was erased: the ticket is kept, anonymised, for the
    /// figures, and nothing can be sent to anyone on it (its `conversation` is empty).
    package var isAnonymised: Bool { conversation.isEmpty }
}
