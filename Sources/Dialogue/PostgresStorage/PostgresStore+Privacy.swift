import Dialogue
import Foundation
import PostgresNIO
import Retrieval

/// A person's data given back or forgotten, as the SQLite store does it (see
/// `SQLiteStore.erase(_:at:in:)` for what is kept for the reports and why).
extension PostgresStore: PrivacyStore {
    /// Conversations erased in one transaction by retention.
    static let expiryBatch = 200

    package func findConversation(_ reference: ConversationReference) async throws -> ConversationRecord? {
        switch reference {
        case .id(let id):
            return try await conversation(id)
        case .gatewayUser(let channel, let user):
            return try await withConnection { connection in
                try await rows("""
                    SELECT \(unescaped: Self.conversationColumns) FROM conversation WHERE channel = \(channel) AND user_id = \(user)
                    """, on: connection).first.map { try conversation(from: $0) }
            }
        }
    }

    package func export(conversation id: String) async throws -> PersonalDataExport? {
        guard ConversationID.isWellFormed(id) else { return nil }
        return try await withConnection { connection in
            guard let row = try await rows("""
                SELECT \(unescaped: Self.conversationColumns), created_at, updated_at FROM conversation WHERE id = \(id)
                """, on: connection).first
            else { return nil }
            let record = try conversation(from: row)
            let (_, _, _, _, _, _, created, updated) = try row.decode((String, String?, String?, String?, String?, String, Date, Date).self)
            let conversation = PersonalDataExport.Conversation(
                id: record.id, channel: record.channel, user: record.user, name: record.name, agency: record.agency,
                state: record.state, createdAt: created, updatedAt: updated)
            let messages = try await lastMessages(of: id, count: Int(Int32.max), on: connection)
            var tickets: [PersonalDataExport.Ticket] = []
            for ticket in try await rows("""
                SELECT \(unescaped: Self.ticketColumns) FROM ticket WHERE conversation_id = \(id) ORDER BY number
                """, on: connection).compactMap(ticket(from:))
            {
                tickets.append(try await exported(ticket, on: connection))
            }
            return PersonalDataExport(exportedAt: Date(), conversation: conversation, messages: messages, tickets: tickets)
        }
    }

    /// A ticket with its trail, deliveries and rating, as an export holds it.
    private func exported(_ ticket: Ticket, on connection: PostgresConnection) async throws -> PersonalDataExport.Ticket {
        let events = try await rows("""
            SELECT actor, action, detail, date FROM ticket_event WHERE ticket = \(ticket.number) ORDER BY id
            """, on: connection).map { row in
            let (actor, action, detail, date) = try row.decode((String, String, String, Date).self)
            return PersonalDataExport.Event(actor: actor, action: action, detail: detail, date: date,
                                            internalNote: TicketAction(rawValue: action)?.isInternal ?? false)
        }
        let deliveries = try await rows("""
            SELECT id, kind, text, created_at, acked_at FROM delivery WHERE ticket = \(ticket.number) ORDER BY id
            """, on: connection).map { row in
            let (id, kind, text, created, acked) = try row.decode((Int, String, String, Date, Date?).self)
            return PersonalDataExport.Delivery(id: id, kind: kind, text: text, createdAt: created, acknowledgedAt: acked)
        }
        let rating = try await rows("SELECT score, comment, date FROM rating WHERE ticket = \(ticket.number)", on: connection)
            .first.map { row in
                let (score, comment, date) = try row.decode((Int, String?, Date).self)
                return PersonalDataExport.Rating(score: score, comment: comment, date: date)
            }
        return PersonalDataExport.Ticket(
            number: ticket.number, kind: ticket.kind.rawValue, topic: ticket.topic, unit: ticket.unit,
            question: ticket.question, context: ticket.context, status: ticket.status.rawValue, createdAt: ticket.createdAt,
            updatedAt: ticket.updatedAt, answeredAt: ticket.answeredAt, events: events, deliveries: deliveries, rating: rating)
    }

    package func erase(conversation id: String, at now: Date) async throws -> ErasureSummary? {
        guard ConversationID.isWellFormed(id) else { return nil }
        // Under the conversation's lock: an exchange of it on any daemon finishes first, or
        // finds it gone.
        return try await exclusive(id) {
            try await transaction { connection in try await erase(id, at: now, on: connection) }
        }
    }

    package func expireConversations(inactiveSince cutoff: Date) async throws -> Int {
        var erased = 0
        while true {
            let batch = try await transaction { connection in
                // Locked as chosen, skipping what another daemon's retention is erasing.
                let ids = try await rows("""
                    SELECT c.id FROM conversation c WHERE c.updated_at < \(cutoff.pg) AND NOT EXISTS (
                        SELECT 1 FROM ticket t WHERE t.conversation_id = c.id
                        AND (t.status = ANY(\(TicketStatus.open.map(\.rawValue))) OR t.updated_at >= \(cutoff.pg)))
                    LIMIT \(Self.expiryBatch) FOR UPDATE SKIP LOCKED
                    """, on: connection).map { try $0.decode(String.self) }
                for id in ids { _ = try await erase(id, at: cutoff, on: connection) }
                return ids.count
            }
            erased += batch
            if batch < Self.expiryBatch { return erased }
        }
    }

    /// Erases one conversation in the current transaction; nil when there is none.
    private func erase(_ id: String, at now: Date, on connection: PostgresConnection) async throws -> ErasureSummary? {
        guard let row = try await rows("SELECT agency FROM conversation WHERE id = \(id) FOR UPDATE", on: connection).first
        else { return nil }
        let agency = try row.decode(String?.self)
        func count(_ query: PostgresQuery) async throws -> Int {
            try await rows(query, on: connection).count
        }
        var summary = ErasureSummary()
        let open = TicketStatus.open.map(\.rawValue)
        summary.drafts = try await count("""
            DELETE FROM draft WHERE ticket IN (SELECT number FROM ticket WHERE conversation_id = \(id)) RETURNING 1
            """)
        summary.deliveries = try await count("DELETE FROM delivery WHERE conversation_id = \(id) RETURNING 1")
        summary.ratingComments = try await count("""
            UPDATE rating SET comment = NULL WHERE comment IS NOT NULL
            AND ticket IN (SELECT number FROM ticket WHERE conversation_id = \(id)) RETURNING 1
            """)
        summary.events = try await count("""
            UPDATE ticket_event SET detail = '' WHERE detail <> ''
            AND action <> ALL(\([TicketAction.transferred.rawValue, TicketAction.kind.rawValue]))
            AND ticket IN (SELECT number FROM ticket WHERE conversation_id = \(id)) RETURNING 1
            """)
        let openTickets = try await rows("""
            SELECT number FROM ticket WHERE conversation_id = \(id) AND status = ANY(\(open))
            """, on: connection).map { try $0.decode(Int.self) }
        for number in openTickets {
            try await append(TicketEvent(actor: "system", action: .closed, date: now), to: number, on: connection)
        }
        try await run("""
            UPDATE ticket SET status = \(TicketStatus.closed.rawValue), updated_at = \(now.pg)
            WHERE conversation_id = \(id) AND status = ANY(\(open))
            """, on: connection)
        summary.closedTickets = openTickets.count
        summary.tickets = try await count("""
            UPDATE ticket SET conversation_id = NULL, question = \(Ticket.erasedQuestion),
            question_folded = \(Diacritics.foldedKey(Ticket.erasedQuestion)), context = '[]', undelivered = false,
            agency = \(agency) WHERE conversation_id = \(id) RETURNING 1
            """)
        summary.messages = try await count("DELETE FROM message WHERE conversation_id = \(id) RETURNING 1")
        try await run("DELETE FROM conversation WHERE id = \(id)", on: connection)
        return summary
    }
}
