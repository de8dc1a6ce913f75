import Dialogue
import Foundation
import GRDB
import Retrieval

/// A person's data given back or forgotten (`motcua privacy export|erase`, `serve
/// --retention-days`): what `PrivacyStore` describes, over the tables of the store.
extension SQLiteStore: PrivacyStore {
    /// Conversations erased in one transaction by retention: the daemon's writes wait behind
    /// each batch, so it stays short.
    static let expiryBatch = 200

    package func findConversation(_ reference: ConversationReference) async throws -> ConversationRecord? {
        switch reference {
        case .id(let id):
            return try await conversation(id)
        case .gatewayUser(let channel, let user):
            return try await writer.read { db in
                try ConversationRow.filter(ConversationRow.Columns.channel == channel && ConversationRow.Columns.user == user)
                    .fetchOne(db)?.record(reporting: unreadable)
            }
        }
    }

    package func export(conversation id: String) async throws -> PersonalDataExport? {
        guard ConversationID.isWellFormed(id) else { return nil }
        return try await writer.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM conversation WHERE id = ?", arguments: [id]) else {
                return nil
            }
            let record = try ConversationRow(row: row).record(reporting: unreadable)
            let conversation = PersonalDataExport.Conversation(
                id: record.id, channel: record.channel, user: record.user, name: record.name, agency: record.agency,
                state: record.state, createdAt: row["createdAt"], updatedAt: row["updatedAt"])
            let messages = unreadable.decode(
                try MessageRow.filter(MessageRow.Columns.conversationId == id).order(MessageRow.Columns.id)
                    .asRequest(of: Row.self).fetchAll(db),
                as: MessageRow.self, key: { "\($0["id"] as Int64? ?? 0)" }) { $0.message }
            let tickets = try tickets(
                try Row.fetchAll(db, sql: "SELECT * FROM ticket WHERE conversationId = ? ORDER BY number", arguments: [id])
            ).map { try Self.exported($0, in: db) }
            return PersonalDataExport(exportedAt: Date(), conversation: conversation, messages: messages, tickets: tickets)
        }
    }

    /// A ticket with its trail, its deliveries and its rating, as an export holds it.
    private static func exported(_ ticket: Ticket, in db: Database) throws -> PersonalDataExport.Ticket {
        let events = try TicketEventRow.filter(TicketEventRow.Columns.ticket == ticket.number)
            .order(TicketEventRow.Columns.id).fetchAll(db)
            .map { PersonalDataExport.Event(actor: $0.actor, action: $0.action.rawValue, detail: $0.detail, date: $0.date,
                                            internalNote: $0.action.isInternal) }
        let deliveries = try DeliveryRow.filter(DeliveryRow.Columns.ticket == ticket.number).order(DeliveryRow.Columns.id)
            .fetchAll(db)
            .map { PersonalDataExport.Delivery(id: $0.id, kind: $0.kind.rawValue, text: $0.text, createdAt: $0.createdAt,
                                               acknowledgedAt: $0.ackedAt) }
        let rating = try Row.fetchOne(db, sql: "SELECT score, comment, date FROM rating WHERE ticket = ?",
                                      arguments: [ticket.number])
            .map { PersonalDataExport.Rating(score: $0["score"], comment: $0["comment"], date: $0["date"]) }
        return PersonalDataExport.Ticket(
            number: ticket.number, kind: ticket.kind.rawValue, topic: ticket.topic, unit: ticket.unit,
            question: ticket.question, context: ticket.context, status: ticket.status.rawValue, createdAt: ticket.createdAt,
            updatedAt: ticket.updatedAt, answeredAt: ticket.answeredAt, events: events, deliveries: deliveries,
            rating: rating)
    }

    package func erase(conversation id: String, at now: Date) async throws -> ErasureSummary? {
        guard ConversationID.isWellFormed(id) else { return nil }
        return try await writer.write { db in try Self.erase(id, at: now, in: db) }
    }

    package func expireConversations(inactiveSince cutoff: Date) async throws -> Int {
        let cutoffText = StoredDate.text(cutoff)
        var erased = 0
        while true {
            let batch = try await writer.write { db in
                // Chosen in the transaction that erases them: a message or a ticket that comes
                // in meanwhile either lands before (and the conversation is not chosen) or finds
                // it gone (and fails as an unknown conversation).
                let ids = try String.fetchAll(
                    db, sql: """
                        SELECT c.id FROM conversation c WHERE c.updatedAt < ? AND NOT EXISTS (
                            SELECT 1 FROM ticket t WHERE t.conversationId = c.id
                            AND (t.status IN (\(TicketStatus.openSQL)) OR t.updatedAt >= ?))
                        LIMIT ?
                        """, arguments: [cutoffText, cutoffText, Self.expiryBatch])
                for id in ids { _ = try Self.erase(id, at: cutoff, in: db) }
                return ids.count
            }
            erased += batch
            if batch < Self.expiryBatch { return erased }
        }
    }

    /// Erases one conversation in `db` (see `PrivacyStore`); nil when there is none.
    ///
    /// What a manager's report reads of a ticket is kept: its unit, topic and kind, its dates
    /// (created, due, first answer, the `closed` events), its status, its handler (a civil
    /// servant, not the asker), the rating's score, and the agency the conversation gave (moved
    /// onto the ticket, for the figures by province). What the asker wrote or was written is
    /// not: the question and context become `Ticket.erasedQuestion` and nothing, the trail's
    /// texts (questions, replies, notes, comments, delivery reasons) are cleared — but a
    /// transfer's unit and a kind's code, which are the desk's own codes — the rating's comment
    /// goes, and the units' messages to the asker are deleted. An open ticket is closed (nobody
    /// could be told its answer); the report counts it closed at `now`.
    ///
    /// Drafts made from the tickets are deleted, whatever their status: a pending one would
    /// otherwise publish the asker's (masked) words after they asked to be forgotten, and a
    /// decided one is only the review's history. An approved draft lives on as its knowledge
    /// entry, which, like every entry learned from a ticket, was masked when it was made and
    /// answers other askers: knowledge is not deleted.
    static func erase(_ id: String, at now: Date, in db: Database) throws -> ErasureSummary? {
        guard let conversation = try Row.fetchOne(db, sql: "SELECT agency FROM conversation WHERE id = ?", arguments: [id])
        else { return nil }
        let agency: String? = conversation["agency"]
        let tickets = "SELECT number FROM ticket WHERE conversationId = ?"
        var summary = ErasureSummary()
        try db.execute(sql: "DELETE FROM draft WHERE ticket IN (\(tickets))", arguments: [id])
        summary.drafts = db.changesCount
        try db.execute(sql: "DELETE FROM delivery WHERE conversationId = ?", arguments: [id])
        summary.deliveries = db.changesCount
        try db.execute(sql: "UPDATE rating SET comment = NULL WHERE comment IS NOT NULL AND ticket IN (\(tickets))",
                       arguments: [id])
        summary.ratingComments = db.changesCount
        try db.execute(
            sql: "UPDATE ticketEvent SET detail = '' WHERE detail <> '' AND action NOT IN (?, ?) AND ticket IN (\(tickets))",
            arguments: [TicketAction.transferred.rawValue, TicketAction.kind.rawValue, id])
        summary.events = db.changesCount
        let open = try Int.fetchAll(
            db, sql: "SELECT number FROM ticket WHERE conversationId = ? AND status IN (\(TicketStatus.openSQL))", arguments: [id])
        for number in open {
            try append(TicketEvent(actor: "system", action: .closed, date: now), to: number, in: db)
        }
        try db.execute(
            sql: "UPDATE ticket SET status = ?, updatedAt = ? WHERE conversationId = ? AND status IN (\(TicketStatus.openSQL))",
            arguments: [TicketStatus.closed.rawValue, StoredDate.text(now), id])
        summary.closedTickets = open.count
        try db.execute(
            sql: """
                UPDATE ticket SET conversationId = NULL, question = ?, questionFolded = ?, context = '[]', undelivered = 0,
                agency = ? WHERE conversationId = ?
                """,
            arguments: [Ticket.erasedQuestion, Diacritics.foldedKey(Ticket.erasedQuestion), agency, id])
        summary.tickets = db.changesCount
        try db.execute(sql: "DELETE FROM message WHERE conversationId = ?", arguments: [id])
        summary.messages = db.changesCount
        try db.execute(sql: "DELETE FROM conversation WHERE id = ?", arguments: [id])
        return summary
    }
}
