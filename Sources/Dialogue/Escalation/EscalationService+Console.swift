import Foundation
import Retrieval

/// What the units' console needs beyond the queue: search over all of a unit's tickets, who
/// else is on a ticket, the report of one unit, and a knowledge-base draft proposed from a group
/// of questions the bot could not answer.
extension EscalationService {
    /// Tickets found at most.
    package static let searchLimit = 100

    /// The handler's unit's tickets (all units for an admin), of any status, whose question
    /// holds every word (without case or diacritics: "chu ky so" finds "chữ ký số"), newest
    /// first; a number (`12`, `#12`) finds that ticket.
    package func search(tickets text: String, for handler: Handler) async throws -> [Ticket] {
        let trimmed = text.trimmedWhitespace
        if let number = Int(trimmed.hasPrefix("#") ? String(trimmed.dropFirst()) : trimmed), number > 0 {
            return (try? await visibleTicket(number, to: handler)).map { [$0] } ?? []
        }
        let words = Diacritics.foldedKey(trimmed).split(separator: " ").prefix(8).map(String.init)
        guard !words.isEmpty else { throw EscalationError.badRequest("Hãy nhập từ cần tìm hoặc số phiếu.") }
        return try await store.searchTickets(unit: handler.admin ? nil : handler.unit, words: words, limit: Self.searchLimit)
    }

    /// Records what a handler's page is doing on a ticket they may see, and tells the other
    /// handlers of its unit when that changes who is on it.
    /// - Parameter connection: the page's connection (its key in the hub).
    /// - Returns: the ticket's viewers now.
    package func presence(_ state: PresenceState, ticket number: Int, by handler: Handler, connection: Int) async throws
        -> [Viewer]
    {
        let ticket = try await visibleTicket(number, to: handler)
        let (viewers, changed) = presence.set(state, ticket: number, unit: ticket.unit, connection: connection,
                                              handler: handler, now: now())
        if changed { hub.publish(.presence(PresenceChange(ticket: number, unit: ticket.unit, viewers: viewers))) }
        return viewers
    }

    /// A connection closed: the tickets it was on are told it left.
    package func leavePresence(connection: Int) {
        for change in presence.leave(connection: connection, now: now()) { hub.publish(.presence(change)) }
    }

    /// The report a handler may read for `unit`: any unit's (or all, nil) for an admin; their
    /// own unit's for anyone else (naming another unit is not allowed).
    package func report(for handler: Handler, period: ReportPeriod, unit: String?) async throws -> Report {
        if let unit, !handler.admin, unit != handler.unit { throw EscalationError.notAllowed }
        let scope = handler.admin ? unit : handler.unit
        return try await ReportBuilder(store: store, topics: configuration.topics, provinces: configuration.provinces)
            .build(since: period.since, until: period.until, unit: scope, now: now())
    }

    /// The id a proposed draft takes: one a group, named by one of its tickets.
    package static func proposedEntryID(_ ticket: Int) -> String { "nhom-\(ticket)" }

    /// Proposes a knowledge-base entry for a group of questions the bot could not answer (the
    /// dashboard's "frequent escalations"), named by one of its tickets: masked like a reply's
    /// draft, it waits for the reviewers of the ticket's unit (or goes live at once when review
    /// is off).
    package func proposeDraft(fromTicket number: Int, by handler: Handler, question: String, answer: String) async throws
        -> DraftEntry
    {
        let question = question.trimmedWhitespace
        let answer = answer.trimmedWhitespace
        guard question.hasVisibleText, answer.hasVisibleText else {
            throw EscalationError.badRequest("Câu hỏi và câu trả lời không được để trống.")
        }
        let ticket = try await visibleTicket(number, to: handler)
        let name = try await store.conversation(ticket.conversation)?.name
        let draft = DraftEntry(kb: Self.proposedEntryID(number), ticket: number, unit: ticket.unit, topic: ticket.topic,
                               question: masker.mask(question, askerName: name),
                               // The asker's own numbers, as they wrote them in the ticket, stay masked in the
                               // answer (the group's question is shown already masked).
                               answer: masker.mask(answer, askerName: name,
                                                   source: .answer(question: ticket.question + "\n" + question)),
                               createdAt: now())
        if configuration.review {
            try await store.proposeDraft(draft)
            hub.publish(.draft(draft))
        } else {
            try await store.saveEntry(draft.entry, source: "handler:\(handler.id)")
            learn(draft.entry)
        }
        return draft
    }
}
