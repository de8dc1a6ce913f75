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
/// answered ticket can be reopened (back to assigned, or new if nobody holds it).
package enum TicketStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case new
    case assigned
    case answered
    case closed

    /// The Vietnamese name.
    package var label: String {
        switch self {
        case .new: "mới"
        case .assigned: "đang xử lý"
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
    /// When an answer is due.
    package var due: Date
    package var createdAt: Date
    package var updatedAt: Date
    /// When the unit first replied.
    package var answeredAt: Date?
    /// A reply could not be delivered yet (a gateway refused it); shown to handlers.
    package var undelivered: Bool

    /// Whether the answer is past due (open tickets only).
    package func isOverdue(at now: Date = Date()) -> Bool {
        (status == .new || status == .assigned) && now > due
    }
}

/// One line of a ticket's audit trail: who did what, when. Append-only.
package struct TicketEvent: Sendable, Hashable {
    /// `asker`, `system`, or the handler's id.
    package var actor: String
    /// `created`, `claimed`, `replied`, `noted`, `transferred`, `closed`, `reopened`, `rated`,
    /// `delivered`.
    package var action: String
    /// The text of a reply or note, the new unit of a transfer, …
    package var detail: String
    package var date: Date

    /// Creates an event.
    package init(actor: String, action: String, detail: String = "", date: Date = Date()) {
        self.actor = actor
        self.action = action
        self.detail = detail
        self.date = date
    }
}

/// A unit's reply on its way to the asker: kept until the asker's client acknowledges it.
package struct Delivery: Sendable, Hashable {
    /// Delivery id (the client drops a repeat by it).
    package var id: Int
    package var conversation: String
    package var ticket: Int
    /// The unit that replied.
    package var unit: String
    package var text: String
    package var createdAt: Date
}

/// A handler: a person of a unit who answers its tickets (admins see every unit).
package struct Handler: Sendable, Hashable {
    /// Short id, part of the login token.
    package var id: String
    package var unit: String
    package var name: String
    package var admin: Bool
    package var revoked: Bool

    /// Creates a handler.
    package init(id: String, unit: String, name: String, admin: Bool = false, revoked: Bool = false) {
        self.id = id
        self.unit = unit
        self.name = name
        self.admin = admin
        self.revoked = revoked
    }

    /// Whether this handler may see and act on a ticket of `unit`.
    package func covers(_ unit: String) -> Bool { admin || unit == self.unit }
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
    /// Earlier answers to similar questions (knowledge-base entry id and question).
    package var similar: [DialogueOption]
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
    /// A malformed request (empty text, score out of range, …).
    package static func badRequest(_ why: String) -> EscalationError {
        EscalationError(code: "bad-request", description: why)
    }
    /// No such knowledge-base entry.
    package static func unknownEntry(_ id: String) -> EscalationError {
        EscalationError(code: "unknown-entry", description: "Không có mục \(id) trong cơ sở tri thức.")
    }
}
