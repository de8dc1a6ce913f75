import Foundation
import Retrieval

/// What a person brings to the desk: a question, a recommendation, a complaint, or a request
/// for an opinion (the source system's four kinds). Codes are stable on the wire.
package enum TicketKind: String, Sendable, Hashable, Codable, CaseIterable {
    case question = "cau-hoi"
    case recommendation = "kien-nghi"
    case complaint = "phan-anh"
    case opinion = "xin-y-kien"

    /// The Vietnamese name.
    package var label: String {
        switch self {
        case .question: "câu hỏi"
        case .recommendation: "kiến nghị"
        case .complaint: "phản ánh"
        case .opinion: "xin ý kiến"
        }
    }

    /// A kind from its code or its Vietnamese name (with or without diacritics).
    package init?(text: String) {
        let folded = Diacritics.foldedKey(text)
        guard let kind = Self.allCases.first(where: {
            Diacritics.foldedKey($0.rawValue) == folded || Diacritics.foldedKey($0.label) == folded
        })
        else { return nil }
        self = kind
    }
}

/// Where a ticket is in its life: new → assigned (claimed) → answered → closed; a closed or
/// answered ticket can be reopened (back to assigned, or new if nobody holds it). A handler who
/// needs details from the asker puts it in `waiting-for-asker` (`ask`); the asker's next message
/// goes to the ticket and puts it back to assigned.
package enum TicketStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case new
    case assigned
    case waitingForAsker = "waiting-for-asker"
    case answered
    case closed

    /// The statuses of a ticket still waiting for its answer.
    package static let open: [TicketStatus] = [.new, .assigned, .waitingForAsker]

    /// `open` as an SQL list (`'new', 'assigned', …`), for the stores' queries.
    package static let openSQL = open.map { "'\($0.rawValue)'" }.joined(separator: ", ")

    /// The Vietnamese name.
    package var label: String {
        switch self {
        case .new: "mới"
        case .assigned: "đang xử lý"
        case .waitingForAsker: "chờ người hỏi bổ sung"
        case .answered: "đã trả lời"
        case .closed: "đã đóng"
        }
    }
}

/// A question handed to the unit that owns its field.
package struct Ticket: Sendable, Hashable {
    /// The ticket number people see (sequential; it grants no access by itself).
    package var number: Int
    /// The asker's conversation.
    package var conversation: String
    package var kind: TicketKind
    /// Topic code (`corpus/topics.jsonl`).
    package var topic: String
    /// Unit code that owns it.
    package var unit: String
    /// The question as the asker put it.
    package var question: String
    /// The conversation leading up to it, oldest first ("Người hỏi: …", "Bot: …").
    package var context: [String]
    package var status: TicketStatus
    /// The handler who holds it (claimed), if any.
    package var handler: String?
    /// When an answer is due (the end of the last working day of the kind's time limit).
    package var due: Date
    /// When the asker is owed news again: a week (by default) after they were last told
    /// something — the receipt, a progress update, the answer.
    package var updateDue: Date
    package var createdAt: Date
    package var updatedAt: Date
    /// When the unit first replied.
    package var answeredAt: Date?
    /// A reply could not be delivered yet (a gateway refused it); shown to handlers.
    package var undelivered: Bool

    /// Still waiting for its answer (new, assigned, or waiting for the asker's details).
    package var isOpen: Bool { TicketStatus.open.contains(status) }

    /// Creates a ticket from all its parts (the store reads them back).
    package init(number: Int, conversation: String, kind: TicketKind, topic: String, unit: String, question: String,
                 context: [String], status: TicketStatus, handler: String?, due: Date, updateDue: Date, createdAt: Date,
                 updatedAt: Date, answeredAt: Date?, undelivered: Bool)
    {
        self.number = number
        self.conversation = conversation
        self.kind = kind
        self.topic = topic
        self.unit = unit
        self.question = question
        self.context = context
        self.status = status
        self.handler = handler
        self.due = due
        self.updateDue = updateDue
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.answeredAt = answeredAt
        self.undelivered = undelivered
    }

    /// Whether the answer is past due (open tickets only).
    package func isOverdue(at now: Date) -> Bool {
        isOpen && now > due
    }

    /// Whether the asker is owed a progress update (open tickets only).
    package func owesUpdate(at now: Date) -> Bool {
        isOpen && now >= updateDue
    }

    /// The flags a handler sees on it: `overdue`, `owes-update`, `undelivered`.
    package func flags(at now: Date) -> [String] {
        (isOverdue(at: now) ? ["overdue"] : []) + (owesUpdate(at: now) ? ["owes-update"] : [])
            + (undelivered ? ["undelivered"] : [])
    }
}

/// Why the desk tells a unit's handlers of a ticket.
package enum TicketNotice: String, Sendable, Hashable {
    /// Raised just now.
    case raised = "new"
    /// Transferred to the unit.
    case transferred
    /// Reopened.
    case reopened
    /// Open for a week (by default) without news to the asker.
    case owesUpdate = "owes-update"
    /// The asker sent the details a handler asked for.
    case askerReplied = "asker-replied"
}

/// What happened to a ticket, as its audit trail stores it.
package enum TicketAction: String, Sendable, Hashable, Codable, CaseIterable {
    /// The asker raised it.
    case created
    /// A handler took it.
    case claimed
    /// A handler answered the asker.
    case replied
    /// A handler gave the asker news (the ticket stays open).
    case updated
    /// A handler wrote a note for the unit only.
    case noted
    /// Moved to another unit (detail: the unit).
    case transferred
    /// Its kind changed (detail: the kind).
    case kind
    case closed
    case reopened
    /// The asker rated the answer (detail: the score and comment).
    case rated
    /// The unit's message reached the asker's client.
    case delivered
    /// The unit's message could not go out through the gateway (outside Zalo's 48 hours).
    case undelivered
    /// A reviewer published the answer as knowledge.
    case approved
    /// A reviewer kept the answer out of the knowledge base.
    case rejected
    /// A handler asked the asker for details (detail: the question).
    case asked
    /// The asker's message while a handler waited for details (detail: the message).
    case askerReplied = "asker-replied"

    /// Seen by the unit only, never by the asker.
    package var isInternal: Bool { self == .noted }
}

/// One line of a ticket's audit trail: who did what, when. Append-only.
package struct TicketEvent: Sendable, Hashable {
    /// `asker`, `system`, `gateway`, or the handler's id.
    package var actor: String
    /// What happened.
    package var action: TicketAction
    /// The text of a reply or note, the new unit of a transfer, …
    package var detail: String
    package var date: Date

    /// Creates an event.
    package init(actor: String, action: TicketAction, detail: String = "", date: Date) {
        self.actor = actor
        self.action = action
        self.detail = detail
        self.date = date
    }
}

/// A unit's message on its way to the asker: kept until the asker's client acknowledges it.
package struct Delivery: Sendable, Hashable {
    /// What the message is.
    package enum Kind: String, Sendable, Hashable, Codable {
        /// The unit's answer.
        case answer = "reply"
        /// News on a ticket still being handled (the ticket stays open).
        case progress = "update"
        /// A handler's question to the asker: details the unit needs.
        case question = "ask"
    }

    /// Delivery id (the client drops a repeat by it).
    package var id: Int
    /// The answer, or a progress update.
    package var kind: Kind = .answer
    package var conversation: String
    package var ticket: Int
    /// The unit that replied.
    package var unit: String
    package var text: String
    package var createdAt: Date
    /// The gateway identity of the asker's conversation, if it has one (a gateway carries the
    /// reply to `user` on `channel`).
    package var channel: String?
    package var user: String?

    /// Creates a delivery from all its parts (the store reads them back).
    package init(id: Int, kind: Kind, conversation: String, ticket: Int, unit: String, text: String, createdAt: Date,
                 channel: String? = nil, user: String? = nil)
    {
        self.id = id
        self.kind = kind
        self.conversation = conversation
        self.ticket = ticket
        self.unit = unit
        self.text = text
        self.createdAt = createdAt
        self.channel = channel
        self.user = user
    }
}

/// Where one of a ticket's messages to the asker is, as the unit sees it: waiting to be
/// delivered, delivered (the asker's client acknowledged it), or undelivered (a gateway gave up
/// on it, with why and after how many attempts; it goes out again when the gateway reconnects
/// or the asker writes).
package struct DeliveryState: Sendable, Hashable {
    /// The three states.
    package enum Status: String, Sendable, Hashable {
        case pending, delivered, undelivered
    }

    package var delivery: Int
    package var kind: Delivery.Kind
    package var createdAt: Date
    package var status: Status
    /// Attempts the gateway reported (0 when none failed).
    package var attempts: Int
    /// Why the gateway could not deliver it (undelivered only).
    package var reason: String?
    /// When it was acknowledged (delivered) or last given up on (undelivered).
    package var at: Date?

    /// Creates a state.
    package init(delivery: Int, kind: Delivery.Kind, createdAt: Date, status: Status, attempts: Int, reason: String?, at: Date?) {
        self.delivery = delivery
        self.kind = kind
        self.createdAt = createdAt
        self.status = status
        self.attempts = attempts
        self.reason = reason
        self.at = at
    }
}

/// A gateway: an adapter process (Telegram, Zalo, …) that logs in with its own token and speaks
/// for the users of one channel. Only a gateway may name a conversation by channel and user.
package struct Gateway: Sendable, Hashable {
    /// Short id, part of the token.
    package var id: String
    /// The channel its users are on (`telegram`, `zalo`, …).
    package var channel: String
    /// What people call it ("Telegram của Sở").
    package var name: String
    package var revoked: Bool
    package var createdAt: Date

    /// Creates a gateway.
    package init(id: String, channel: String, name: String, revoked: Bool = false, createdAt: Date) {
        self.id = id
        self.channel = channel
        self.name = name
        self.revoked = revoked
        self.createdAt = createdAt
    }
}

/// A handler: a person of a unit who answers its tickets (admins see every unit). A reviewer
/// also approves the unit's answers before they become public knowledge.
package struct Handler: Sendable, Hashable {
    /// Short id, part of the login token.
    package var id: String
    package var unit: String
    package var name: String
    package var admin: Bool
    package var revoked: Bool
    /// Reviews the unit's draft entries.
    package var reviewer: Bool
    /// When the token stops working (nil: never).
    package var expiresAt: Date?

    /// Creates a handler.
    package init(id: String, unit: String, name: String, admin: Bool = false, revoked: Bool = false,
                 reviewer: Bool = false, expiresAt: Date? = nil)
    {
        self.id = id
        self.unit = unit
        self.name = name
        self.admin = admin
        self.revoked = revoked
        self.reviewer = reviewer
        self.expiresAt = expiresAt
    }

    /// Whether this handler may see and act on a ticket of `unit`.
    package func covers(_ unit: String) -> Bool { admin || unit == self.unit }

    /// Whether this handler may approve or reject drafts of `unit`.
    package func reviews(_ unit: String) -> Bool { admin || (reviewer && unit == self.unit) }

    /// Whether the token works at `now`: not revoked, not expired.
    package func isActive(at now: Date) -> Bool {
        !revoked && (expiresAt.map { now < $0 } ?? true)
    }
}

/// A unit's answer waiting for a reviewer before it answers anyone else: the ticket's question
/// and the answer, both with personal data masked.
package struct DraftEntry: Sendable, Hashable {
    /// The knowledge-base id it will have (`phieu-N`).
    package var kb: String
    package var ticket: Int
    /// The unit whose reviewers decide.
    package var unit: String
    package var topic: String?
    package var question: String
    package var answer: String
    package var createdAt: Date

    /// Creates a draft.
    package init(kb: String, ticket: Int, unit: String, topic: String?, question: String, answer: String, createdAt: Date) {
        self.kb = kb
        self.ticket = ticket
        self.unit = unit
        self.topic = topic
        self.question = question
        self.answer = answer
        self.createdAt = createdAt
    }

    /// The entry it becomes when approved.
    package var entry: KnowledgeEntry {
        KnowledgeEntry(id: kb, question: question, answer: answer, topic: topic, unit: unit)
    }
}

/// An answering unit as stored (corpus units, plus any added with `motcua units add`).
package struct UnitRecord: Sendable, Hashable {
    package var id: String
    package var name: String
    /// What it answers (a sentence, for people).
    package var answers: String

    /// Creates a unit.
    package init(id: String, name: String, answers: String = "") {
        self.id = id
        self.name = name
        self.answers = answers
    }
}

/// A ticket as a handler sees it with `show`.
package struct TicketDetail: Sendable, Hashable {
    package var ticket: Ticket
    /// The audit trail, oldest first (replies and internal notes told apart by `action`).
    package var events: [TicketEvent]
    /// Earlier answers to similar questions (knowledge-base entries: id, question, answer).
    package var similar: [KnowledgeEntry]
    /// Where each of its messages to the asker is, oldest first.
    package var deliveries: [DeliveryState] = []
}

/// Why an escalation request was refused. Transports map `code` to their error codes.
package struct EscalationError: Error, Hashable, CustomStringConvertible {
    /// Stable code: `not-allowed`, `unknown-ticket`, `unknown-unit`, `bad-state`, `bad-request`,
    /// `unknown-delivery`, `unknown-entry`.
    package var code: String
    /// What went wrong, in Vietnamese.
    package var description: String

    /// The caller may not do this (an asker using a handler command, another unit's ticket).
    package static let notAllowed = EscalationError(code: "not-allowed", description: "Anh/chị không có quyền thực hiện thao tác này.")
    /// No such ticket (or not one the caller may see).
    package static func unknownTicket(_ number: Int) -> EscalationError {
        EscalationError(code: "unknown-ticket", description: "Không có phiếu số \(number).")
    }
    /// No such unit.
    package static func unknownUnit(_ code: String) -> EscalationError {
        EscalationError(code: "unknown-unit", description: "Không có đơn vị \(code).")
    }
    /// The ticket is not in a state that allows this.
    package static func badState(_ ticket: Ticket, _ action: String) -> EscalationError {
        EscalationError(code: "bad-state",
                        description: "Phiếu số \(ticket.number) đang ở trạng thái \"\(ticket.status.label)\", không thể \(action).")
    }
    /// Too many tickets from one conversation or address in the last hour.
    package static func tooManyTickets(_ limit: Int) -> EscalationError {
        EscalationError(code: "too-many-tickets",
                        description: "Anh/chị đã gửi \(limit) yêu cầu cho cán bộ trong một giờ qua. Các yêu cầu đó đang được "
                            + "xử lý; anh/chị vui lòng chờ trả lời hoặc gửi lại sau ít phút.")
    }
    /// A malformed request (empty text, score out of range, …).
    package static func badRequest(_ why: String) -> EscalationError {
        EscalationError(code: "bad-request", description: why)
    }
    /// No such knowledge-base entry.
    package static func unknownEntry(_ id: String) -> EscalationError {
        EscalationError(code: "unknown-entry", description: "Không có mục \(id) trong cơ sở tri thức.")
    }
}
