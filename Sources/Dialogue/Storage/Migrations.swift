import Foundation
import GRDB

/// Every schema change of the SQLite store, in order, in one place. A migration, once
/// released, is never edited: a change is a new one at the end (`v6: …`).
enum Migrations {
    /// The migrator `SQLiteStore` runs on every open.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: conversations, messages, knowledge base") { db in
            try db.create(table: "conversation") { t in
                t.primaryKey("id", .text)
                t.column("channel", .text)
                t.column("user", .text)
                t.column("name", .text)
                t.column("agency", .text)
                t.column("state", .blob).notNull()
                t.column("createdAt", .datetime).notNull()
                t.column("updatedAt", .datetime).notNull()
                t.uniqueKey(["channel", "user"])
            }
            try db.create(table: "message") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("conversation", onDelete: .cascade).notNull()
                t.column("direction", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("text", .text).notNull()
                t.column("entry", .text)
                t.column("date", .datetime).notNull()
            }
            try db.create(table: "knowledgeEntry") { t in
                t.primaryKey("id", .text)
                t.column("json", .blob).notNull()
                t.column("source", .text).notNull()  // "corpus" or what taught it (later: a ticket)
                t.column("retired", .boolean).notNull().defaults(to: false)
                t.column("updatedAt", .datetime).notNull()
            }
        }
        migrator.registerMigration("v2: tickets, units, handlers, outbox, ratings") { db in
            try db.create(table: "unit") { t in
                t.primaryKey("id", .text)
                t.column("name", .text).notNull()
                t.column("answers", .text).notNull().defaults(to: "")
            }
            try db.create(table: "handler") { t in
                t.primaryKey("id", .text)
                t.column("unit", .text).notNull()
                t.column("name", .text).notNull()
                t.column("admin", .boolean).notNull().defaults(to: false)
                t.column("secretHash", .blob).notNull()
                t.column("revoked", .boolean).notNull().defaults(to: false)
                t.column("createdAt", .datetime).notNull()
            }
            try db.create(table: "ticket") { t in
                t.autoIncrementedPrimaryKey("number")
                t.belongsTo("conversation", onDelete: .cascade).notNull()
                t.column("kind", .text).notNull()
                t.column("topic", .text).notNull()
                t.column("unit", .text).notNull().indexed()
                t.column("question", .text).notNull()
                t.column("context", .text).notNull()
                t.column("status", .text).notNull()
                t.column("handler", .text)
                t.column("due", .datetime).notNull()
                t.column("createdAt", .datetime).notNull()
                t.column("updatedAt", .datetime).notNull()
                t.column("answeredAt", .datetime)
                t.column("undelivered", .boolean).notNull().defaults(to: false)
            }
            try db.create(table: "ticketEvent") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("ticket", .integer).notNull().indexed().references("ticket", onDelete: .cascade)
                t.column("actor", .text).notNull()
                t.column("action", .text).notNull()
                t.column("detail", .text).notNull()
                t.column("date", .datetime).notNull()
            }
            try db.create(table: "delivery") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("conversation", onDelete: .cascade).notNull()
                t.column("ticket", .integer).notNull().references("ticket", onDelete: .cascade)
                t.column("unit", .text).notNull()
                t.column("text", .text).notNull()
                t.column("createdAt", .datetime).notNull()
                t.column("ackedAt", .datetime)
            }
            try db.create(table: "rating") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("ticket", .integer).notNull().indexed().references("ticket", onDelete: .cascade)
                t.column("score", .integer).notNull()
                t.column("comment", .text)
                t.column("date", .datetime).notNull()
            }
        }
    
        migrator.registerMigration("v3: catalogue documents") { db in
            try db.create(table: "document") { t in
                t.primaryKey("id", .text)
                t.column("json", .blob).notNull()
                t.column("updatedAt", .datetime).notNull()
            }
        }
    
        migrator.registerMigration("v4: topics of replies, dates indexed for reports") { db in
            try db.alter(table: "message") { t in t.add(column: "topic", .text) }
            try db.create(index: "message_on_date", on: "message", columns: ["date"])
            try db.create(index: "ticket_on_createdAt", on: "ticket", columns: ["createdAt"])
        }
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
        migrator.registerMigration("v6: gateways, delivery attempts") { db in
            try db.create(table: "gateway") { t in
                t.primaryKey("id", .text)
                t.column("channel", .text).notNull()
                t.column("name", .text).notNull()
                t.column("secretHash", .blob).notNull()
                t.column("revoked", .boolean).notNull().defaults(to: false)
                t.column("createdAt", .datetime).notNull()
            }
            try db.alter(table: "delivery") { t in
                t.add(column: "attempts", .integer).notNull().defaults(to: 0)
                t.add(column: "failure", .text)
                t.add(column: "failedAt", .datetime)
            }
            // A gateway's login sends its channel's unacknowledged replies: found without a scan.
            try db.create(index: "delivery_pending", on: "delivery", columns: ["conversationId"], condition: Column("ackedAt") == nil)
        }
        migrator.registerMigration("v7: tickets searchable without diacritics") { db in
            // The question folded once (`Diacritics.foldedKey`) when the ticket is raised: the
            // console's search compares words with it in SQLite's own `instr`, instead of folding
            // every question again at every search (measured: 20× faster over 100,000 tickets).
            try db.alter(table: "ticket") { t in t.add(column: "questionFolded", .text) }
            try db.execute(sql: "UPDATE ticket SET questionFolded = motcua_folded(question)")
        }
        migrator.registerMigration("v8: tickets outlive an erased conversation") { db in
            // An erased conversation's tickets stay, anonymised, for the reports: the link to
            // the conversation must be able to go (NULL), which SQLite allows only by building
            // the table again (its recommended way: new table, copy, drop, rename; GRDB runs the
            // migration with foreign keys off and checks them before it commits). `agency`
            // keeps the erased conversation's agency for the figures by province.
            let sequence = try Int.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'ticket'") ?? 0
            try db.execute(sql: """
                CREATE TABLE "ticket_v8" (
                    "number" INTEGER PRIMARY KEY AUTOINCREMENT,
                    "conversationId" TEXT REFERENCES "conversation"("id") ON DELETE CASCADE,
                    "kind" TEXT NOT NULL, "topic" TEXT NOT NULL, "unit" TEXT NOT NULL, "question" TEXT NOT NULL,
                    "context" TEXT NOT NULL, "status" TEXT NOT NULL, "handler" TEXT, "due" DATETIME NOT NULL,
                    "createdAt" DATETIME NOT NULL, "updatedAt" DATETIME NOT NULL, "answeredAt" DATETIME,
                    "undelivered" BOOLEAN NOT NULL DEFAULT 0, "updateDue" DATETIME, "remindedAt" DATETIME,
                    "questionFolded" TEXT, "agency" TEXT)
                """)
            try db.execute(sql: """
                INSERT INTO ticket_v8 (number, conversationId, kind, topic, unit, question, context, status, handler, due,
                    createdAt, updatedAt, answeredAt, undelivered, updateDue, remindedAt, questionFolded)
                SELECT number, conversationId, kind, topic, unit, question, context, status, handler, due,
                    createdAt, updatedAt, answeredAt, undelivered, updateDue, remindedAt, questionFolded FROM ticket
                """)
            try db.execute(sql: "DROP TABLE ticket")
            try db.execute(sql: "ALTER TABLE ticket_v8 RENAME TO ticket")
            // Numbers are never given twice, even those of tickets deleted before.
            try db.execute(sql: "DELETE FROM sqlite_sequence WHERE name IN ('ticket', 'ticket_v8')")
            try db.execute(sql: "INSERT INTO sqlite_sequence (name, seq) VALUES ('ticket', MAX(?, (SELECT COALESCE(MAX(number), 0) FROM ticket)))",
                           arguments: [sequence])
            try db.create(index: "ticket_on_conversationId", on: "ticket", columns: ["conversationId"])
            try db.create(index: "ticket_on_unit", on: "ticket", columns: ["unit"])
            try db.create(index: "ticket_on_createdAt", on: "ticket", columns: ["createdAt"])
            try db.create(index: "ticket_on_status_updateDue", on: "ticket", columns: ["status", "updateDue"])
            // Retention looks for conversations inactive since a date.
            try db.create(index: "conversation_on_updatedAt", on: "conversation", columns: ["updatedAt"])
        }
        migrator.registerMigration("v9: console sessions") { db in
            // The console's sign-in sessions, by the SHA-256 of their id (read by every daemon
            // only when the store is shared; kept here so both stores hold the same tables).
            try db.create(table: "consoleSession") { t in
                t.primaryKey("hash", .blob)
                t.column("handler", .text).notNull()
                t.column("expiresAt", .datetime).notNull()
            }
        }
        migrator.registerMigration("v10: phrasings learned from use") { db in
            // One row per conversation, entry and question key it confirmed (the masked
            // question beside it); erased with its conversation.
            try db.create(table: "learnedConfirmation") { t in
                t.column("conversationId", .text).notNull().references("conversation", onDelete: .cascade)
                t.column("entry", .text).notNull()
                t.column("key", .text).notNull()
                t.column("question", .text).notNull()
                t.column("date", .datetime).notNull()
                t.primaryKey(["conversationId", "entry", "key"])
            }
            try db.create(index: "learnedConfirmation_on_entry_key", on: "learnedConfirmation", columns: ["entry", "key"])
            // A question learned as a phrasing of an entry; a reviewer's removal is kept
            // (removedBy) so that it is never learned again.
            try db.create(table: "learnedPhrasing") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("entry", .text).notNull()
                t.column("key", .text).notNull()
                t.column("question", .text).notNull()
                t.column("conversations", .integer).notNull()
                t.column("learnedAt", .datetime).notNull()
                t.column("removedBy", .text)
                t.column("removedAt", .datetime)
                t.uniqueKey(["entry", "key"])
            }
        }

        return migrator
    }
}
