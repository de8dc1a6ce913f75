import Dialogue
import Foundation
import GRDB
import Retrieval

/// `LearningStore` on SQLite: confirmations and learned phrasings in two tables (v10), each
/// decision in one write transaction (the one writer makes the count and the insert atomic).
extension SQLiteStore: LearningStore {
    package func recordConfirmation(_ confirmation: UseConfirmation, quorum: Int) async throws -> LearnedPhrasing? {
        try await writer.write { db in
            try db.execute(sql: """
                INSERT OR IGNORE INTO learnedConfirmation (conversationId, entry, key, question, date) VALUES (?, ?, ?, ?, ?)
                """, arguments: [confirmation.conversation, confirmation.entry, confirmation.key, confirmation.question,
                                 StoredDate.text(confirmation.date)])
            let counted = db.changesCount == 1
            if let existing = try Row.fetchOne(db, sql: "SELECT id, removedBy FROM learnedPhrasing WHERE entry = ? AND key = ?",
                                               arguments: [confirmation.entry, confirmation.key])
            {
                // Learned already (one more conversation behind it), or removed by a reviewer.
                if counted, (existing["removedBy"] as String?) == nil {
                    try db.execute(sql: "UPDATE learnedPhrasing SET conversations = conversations + 1 WHERE id = ?",
                                   arguments: [existing["id"] as Int64])
                }
                return nil
            }
            let agreeing = try Int.fetchOne(db, sql: """
                SELECT COUNT(DISTINCT conversationId) FROM learnedConfirmation WHERE entry = ? AND key = ?
                """, arguments: [confirmation.entry, confirmation.key]) ?? 0
            guard agreeing >= quorum else { return nil }
            // A question already learned for another entry stays that entry's: askers who
            // confirmed two different answers for it make it ambiguous, not a phrasing of both.
            let taken = try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM learnedPhrasing WHERE key = ? AND entry <> ? AND removedBy IS NULL)
                """, arguments: [confirmation.key, confirmation.entry]) ?? false
            guard !taken else { return nil }
            // The first asker's wording (masked) is the phrasing.
            let question = try String.fetchOne(db, sql: """
                SELECT question FROM learnedConfirmation WHERE entry = ? AND key = ? ORDER BY date, rowid LIMIT 1
                """, arguments: [confirmation.entry, confirmation.key]) ?? confirmation.question
            try db.execute(sql: """
                INSERT INTO learnedPhrasing (entry, key, question, conversations, learnedAt) VALUES (?, ?, ?, ?, ?)
                """, arguments: [confirmation.entry, confirmation.key, question, agreeing, StoredDate.text(confirmation.date)])
            return LearnedPhrasing(id: Int(db.lastInsertedRowID), entry: confirmation.entry, key: confirmation.key,
                                   question: question, conversations: agreeing, learnedAt: confirmation.date)
        }
    }

    package func withdrawConfirmations(conversation: String, entry: String, quorum: Int) async throws -> [LearnedPhrasing] {
        try await writer.write { db in
            let keys = try String.fetchAll(db, sql: "SELECT key FROM learnedConfirmation WHERE conversationId = ? AND entry = ?",
                                           arguments: [conversation, entry])
            guard !keys.isEmpty else { return [] }
            try db.execute(sql: "DELETE FROM learnedConfirmation WHERE conversationId = ? AND entry = ?",
                           arguments: [conversation, entry])
            var dropped: [LearnedPhrasing] = []
            for key in keys {
                guard let row = try Row.fetchOne(db, sql: """
                    SELECT * FROM learnedPhrasing WHERE entry = ? AND key = ? AND removedBy IS NULL
                    """, arguments: [entry, key])
                else { continue }
                var phrasing = Self.phrasing(row)
                phrasing.conversations -= 1
                if phrasing.conversations < quorum {
                    // No longer agreed: out (and free to be learned again).
                    try db.execute(sql: "DELETE FROM learnedPhrasing WHERE id = ?", arguments: [phrasing.id])
                    dropped.append(phrasing)
                } else {
                    try db.execute(sql: "UPDATE learnedPhrasing SET conversations = ? WHERE id = ?",
                                   arguments: [phrasing.conversations, phrasing.id])
                }
            }
            return dropped
        }
    }

    package func learnedPhrasings(includingRemoved: Bool) async throws -> [LearnedPhrasing] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM learnedPhrasing \(includingRemoved ? "" : "WHERE removedBy IS NULL") ORDER BY id DESC
                """).map(Self.phrasing)
        }
    }

    package func removeLearnedPhrasing(_ id: Int, by reviewer: String) async throws -> LearnedPhrasing? {
        try await writer.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM learnedPhrasing WHERE id = ? AND removedBy IS NULL",
                                             arguments: [id])
            else { return nil }
            try db.execute(sql: "UPDATE learnedPhrasing SET removedBy = ?, removedAt = ? WHERE id = ?",
                           arguments: [reviewer, StoredDate.text(Date()), id])
            return Self.phrasing(row)
        }
    }

    /// The live learned phrasings of every entry, oldest first (merged into the entries loaded).
    static func livePhrasings(in db: Database) throws -> [String: [String]] {
        var phrasings: [String: [String]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT entry, question FROM learnedPhrasing WHERE removedBy IS NULL ORDER BY id") {
            phrasings[row["entry"], default: []].append(row["question"])
        }
        return phrasings
    }

    static func phrasing(_ row: Row) -> LearnedPhrasing {
        LearnedPhrasing(id: Int(row["id"] as Int64), entry: row["entry"], key: row["key"], question: row["question"],
                        conversations: row["conversations"], learnedAt: row["learnedAt"], removedBy: row["removedBy"])
    }
}
