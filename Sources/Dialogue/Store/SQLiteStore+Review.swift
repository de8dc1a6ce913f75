import Foundation
import GRDB
import Retrieval

/// Review before publishing, and the rest of the trust migration: drafts of unit answers
/// waiting for a reviewer, reviewer flags and expiry of handler tokens, the week's update owed
/// to an asker, the kind of each outbox message, one rating per ticket.
extension SQLiteStore {
    static func registerTrust(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v5: review, token expiry, progress updates, one rating per ticket") { db in
            try db.create(table: "draft") { t in
                t.primaryKey("id", .text)  // the entry id it will have: phieu-N
                t.column("ticket", .integer).notNull().references("ticket", onDelete: .cascade)
                t.column("unit", .text).notNull().indexed()
                t.column("topic", .text)
                t.column("question", .text).notNull()
                t.column("answer", .text).notNull()
                t.column("status", .text).notNull().indexed()  // pending, approved, rejected
                t.column("createdAt", .datetime).notNull()
                t.column("reviewer", .text)
                t.column("reviewedAt", .datetime)
            }
            try db.alter(table: "handler") { t in
                t.add(column: "reviewer", .boolean).notNull().defaults(to: false)
                t.add(column: "expiresAt", .datetime)
            }
            try db.alter(table: "ticket") { t in
                t.add(column: "updateDue", .datetime)
                t.add(column: "remindedAt", .datetime)
            }
            // Tickets raised before: news is owed a week after the asker was last told something.
            try db.execute(sql: """
                UPDATE ticket SET updateDue = strftime('%Y-%m-%d %H:%M:%f', COALESCE(answeredAt, createdAt), '+7 days')
                """)
            try db.create(index: "ticket_on_status_updateDue", on: "ticket", columns: ["status", "updateDue"])
            try db.alter(table: "delivery") { t in
                t.add(column: "kind", .text).notNull().defaults(to: "reply")
            }
            // One rating per ticket: keep each ticket's latest, then let the database hold it so.
            try db.execute(sql: "DELETE FROM rating WHERE id NOT IN (SELECT MAX(id) FROM rating GROUP BY ticket)")
            try db.create(index: "rating_on_ticket_unique", on: "rating", columns: ["ticket"], unique: true)
        }
    }

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

    package func drafts(unit: String?, limit: Int) async throws -> [DraftEntry] {
        try await writer.read { db in
            var sql = "SELECT * FROM draft WHERE status = 'pending'"
            var arguments: StatementArguments = []
            if let unit {
                sql += " AND unit = ?"
                arguments += [unit]
            }
            return try Row.fetchAll(db, sql: sql + " ORDER BY createdAt, id LIMIT ?", arguments: arguments + [limit])
                .map(Self.draft(from:))
        }
    }

    package func reviewDraft(_ id: String, event: TicketEvent,
                             decide: @escaping @Sendable (DraftEntry) throws -> KnowledgeEntry?) async throws
        -> (DraftEntry, KnowledgeEntry?)
    {
        try await batcher.commit { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM draft WHERE id = ? AND status = 'pending'", arguments: [id])
            else { throw EscalationError.unknownEntry(id) }
            let draft = Self.draft(from: row)
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

    static func draft(from row: Row) -> DraftEntry {
        DraftEntry(kb: row["id"], ticket: row["ticket"], unit: row["unit"], topic: row["topic"], question: row["question"],
                   answer: row["answer"], createdAt: row["createdAt"])
    }
}
