import Dialogue
import Foundation
import GRDB
import Retrieval

/// Review before publishing, and the rest of the trust migration: drafts of unit answers
/// waiting for a reviewer, reviewer flags and expiry of handler tokens, the week's update owed
/// to an asker, the kind of each outbox message, one rating per ticket.
extension SQLiteStore {

    // MARK: - Drafts

    static func saveDraft(_ draft: DraftEntry, in db: Database) throws {
        // A ticket answered again (after a reopen) replaces its draft, which waits again.
        try db.execute(
            sql: """
                INSERT INTO draft (id, ticket, unit, topic, question, answer, status, createdAt) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)
                ON CONFLICT(id) DO UPDATE SET unit = excluded.unit, topic = excluded.topic, question = excluded.question,
                answer = excluded.answer, status = 'pending', createdAt = excluded.createdAt, reviewer = NULL, reviewedAt = NULL
                """,
            arguments: [draft.kb, draft.ticket, draft.unit, draft.topic, draft.question, draft.answer,
                        StoredDate.text(draft.createdAt)])
    }

    package func proposeDraft(_ draft: DraftEntry) async throws {
        try await writer.write { db in try Self.saveDraft(draft, in: db) }
    }

    package func drafts(unit: String?, limit: Int) async throws -> [DraftEntry] {
        try await writer.read { db in
            var sql = "SELECT * FROM draft WHERE status = 'pending'"
            var arguments: StatementArguments = []
            if let unit {
                sql += " AND unit = ?"
                arguments += [unit]
            }
            return unreadable.decode(try Row.fetchAll(db, sql: sql + " ORDER BY createdAt, id LIMIT ?", arguments: arguments + [limit]),
                                     as: DraftRow.self, key: { $0["id"] as String? ?? "?" }) { $0.draft }
        }
    }

    package func reviewDraft(_ id: String, event: TicketEvent,
                             decide: @escaping @Sendable (DraftEntry) throws -> KnowledgeEntry?) async throws
        -> (DraftEntry, KnowledgeEntry?)
    {
        try await batcher.commit { db in
            guard let draft = try unreadable.decodeOne(
                try Row.fetchOne(db, sql: "SELECT * FROM draft WHERE id = ? AND status = 'pending'", arguments: [id]),
                as: DraftRow.self, key: { _ in id }, { $0.draft })
            else { throw EscalationError.unknownEntry(id) }
            let entry = try decide(draft)
            if let entry {
                try Self.upsertEntry(id: entry.id, json: try Self.entryEncoder.encode(entry), source: "ticket:\(draft.ticket)",
                                     in: db)
            }
            try db.execute(sql: "UPDATE draft SET status = ?, reviewer = ?, reviewedAt = ? WHERE id = ?",
                           arguments: [entry == nil ? "rejected" : "approved", event.actor, StoredDate.text(event.date), id])
            try Self.append(event, to: draft.ticket, in: db)
            return (draft, entry)
        }
    }

}
