import Dialogue
import Foundation

/// The JSON messages of dialogue replies.
package enum JSONWire {
    /// The JSON object of a dialogue reply.
    package static func object(_ reply: DialogueReply) -> [String: JSONValue] {
        switch reply {
        case .answer(let answer):
            var object: [String: JSONValue] = [
                "type": "answer", "text": .string(answer.text), "kb": .string(answer.kb),
                "question": .string(answer.question),
                "confidence": .double((Double(answer.confidence) * 1000).rounded() / 1000),
                "alternatives": .array(answer.alternatives.map { option($0.kb, $0.question) }),
            ]
            if let topic = answer.topic { object["topic"] = .string(topic) }
            if !answer.refs.isEmpty { object["refs"] = .array(answer.refs.map(JSONValue.string)) }
            return object
        case .suggest(let text, let options):
            return ["type": "suggest", "text": .string(text), "options": .array(options.map { option($0.kb, $0.question) })]
        case .escalate(let text):
            return ["type": "escalate", "text": .string(text)]
        case .escalated(let receipt):
            return ["type": "escalated", "ticket": .int(receipt.ticket), "kind": .string(receipt.kind.rawValue),
                    "topic": .string(receipt.topic), "unit": .string(receipt.unit), "text": .string(receipt.text)]
        case .chat(let text):
            return ["type": "chat", "text": .string(text)]
        }
    }

    package static func option(_ kb: String, _ question: String) -> JSONValue {
        ["kb": .string(kb), "question": .string(question)]
    }
}

/// JSON shapes of tickets and replies.
package enum DeskWire {
    package static func date(_ date: Date) -> JSONValue {
        .string(date.formatted(.iso8601))
    }

    /// Characters of a ticket's question in lists and pushes (`show` has it whole): a queue of
    /// 500 tickets stays a line a client can take.
    package static let questionInLists = 300

    package static func summary(_ ticket: Ticket, now: Date) -> [String: JSONValue] {
        var object: [String: JSONValue] = [
            "ticket": .int(ticket.number), "status": .string(ticket.status.rawValue), "kind": .string(ticket.kind.rawValue),
            "topic": .string(ticket.topic), "unit": .string(ticket.unit),
            "question": .string(DeskText.shortened(ticket.question, to: questionInLists)),
            "due": date(ticket.due), "overdue": .bool(ticket.isOverdue(at: now)), "created": date(ticket.createdAt),
            "undelivered": .bool(ticket.undelivered), "updateDue": date(ticket.updateDue),
            "owesUpdate": .bool(ticket.owesUpdate(at: now)), "flags": .array(ticket.flags(at: now).map(JSONValue.string)),
        ]
        if let handler = ticket.handler { object["handler"] = .string(handler) }
        return object
    }

    package static func draft(_ draft: DraftEntry) -> [String: JSONValue] {
        ["kb": .string(draft.kb), "question": .string(draft.question), "answer": .string(draft.answer),
         "ticket": .int(draft.ticket), "unit": .string(draft.unit), "created": date(draft.createdAt)]
    }

    package static func detail(_ detail: TicketDetail, now: Date) -> [String: JSONValue] {
        var object = summary(detail.ticket, now: now)
        object["question"] = .string(detail.ticket.question)
        object["context"] = .array(detail.ticket.context.map(JSONValue.string))
        object["events"] = .array(detail.events.map { event in
            [
                "actor": .string(event.actor), "action": .string(event.action.rawValue), "detail": .string(event.detail),
                "date": date(event.date),
                // A note is internal: never sent to the asker. Clients show the two apart.
                "internal": .bool(event.action.isInternal),
            ]
        })
        return object
    }

    /// A unit's message to the asker: `reply` (its answer; `"update":true` for progress news)
    /// or `ask` (a handler's question: the asker's next messages go to the ticket). To a gateway
    /// it carries the `user` it is for.
    package static func reply(_ delivery: Delivery) -> [String: JSONValue] {
        var object: [String: JSONValue] = [
            "type": delivery.kind == .question ? "ask" : "reply", "ticket": .int(delivery.ticket), "unit": .string(delivery.unit),
            "text": .string(delivery.text), "delivery": .int(delivery.id),
        ]
        // A progress update: news on a ticket still being handled, not its answer.
        if delivery.kind == .progress { object["update"] = true }
        if let user = delivery.user { object["user"] = .string(user) }
        return object
    }

    /// Who is on a ticket's page now (`presence`, answered and pushed).
    package static func presence(ticket: Int, viewers: [Viewer]) -> [String: JSONValue] {
        ["type": "presence", "ticket": .int(ticket),
         "viewers": .array(viewers.map { ["handler": .string($0.handler), "name": .string($0.name), "typing": .bool($0.typing)] })]
    }

    /// A ticket as its asker sees it (`tickets`): no handler, no internal flags.
    package static func askerSummary(_ ticket: Ticket) -> [String: JSONValue] {
        ["ticket": .int(ticket.number), "status": .string(ticket.status.rawValue), "statusText": .string(ticket.status.label),
         "kind": .string(ticket.kind.rawValue), "unit": .string(ticket.unit),
         "question": .string(DeskText.shortened(ticket.question, to: questionInLists)), "created": date(ticket.createdAt),
         "due": date(ticket.due)]
    }

    /// Where one of a ticket's messages to the asker is (`show`).
    package static func deliveryState(_ state: DeliveryState) -> [String: JSONValue] {
        var object: [String: JSONValue] = [
            "delivery": .int(state.delivery), "kind": .string(state.kind.rawValue), "state": .string(state.status.rawValue),
            "attempts": .int(state.attempts), "created": date(state.createdAt),
        ]
        if let reason = state.reason { object["reason"] = .string(reason) }
        if let at = state.at { object["at"] = date(at) }
        return object
    }
}

/// Catalogue documents on the wire.
package enum CatalogueWire {
    package static func document(_ document: CatalogueDocument) -> [String: JSONValue] {
        var object: [String: JSONValue] = [
            "id": .string(document.id), "number": .string(document.number), "kind": .string(document.kind),
            "title": .string(document.title), "issuer": .string(document.issuer), "summary": .string(document.summary),
        ]
        if let date = document.date { object["date"] = .string(date) }
        if let topics = document.topics { object["topics"] = .array(topics.map(JSONValue.string)) }
        return object
    }

    /// "Nghị định 47/2020/NĐ-CP (Chính phủ, 2020-04-09): title".
    package static func line(_ document: CatalogueDocument) -> String {
        let kind = document.kind.prefix(1).uppercased() + document.kind.dropFirst()
        let issued = [document.issuer, document.date].compactMap { $0 }.joined(separator: ", ")
        return "\(kind) \(document.number) (\(issued)): \(document.title)"
    }

    /// A document an answer cites: `{"id","number","kind","title"}`.
    package static func citation(_ document: CatalogueDocument) -> [String: JSONValue] {
        ["id": .string(document.id), "number": .string(document.number), "kind": .string(document.kind),
         "title": .string(document.title)]
    }
}
