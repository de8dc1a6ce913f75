import Dialogue
import Foundation
import PostgresNIO
import Retrieval

/// `LearningStore` on PostgreSQL: each decision in one transaction under an advisory lock on
/// its question key (two daemons confirming at once both count, and learn once; two entries
/// never both learn one question). A phrasing
/// learned or removed is logged as a change of its entry: the other daemons read the entry
/// afresh, learned phrasings merged, and put it in their index.
extension PostgresStore: LearningStore {
    package func recordConfirmation(_ confirmation: UseConfirmation, quorum: Int) async throws -> LearnedPhrasing? {
        try await transaction { connection in
            let entry = confirmation.entry
            let key = confirmation.key
            try await lock(key: key, on: connection)
            let inserted = try await rows("""
                INSERT INTO learned_confirmation (conversation_id, entry, key, question, date)
                VALUES (\(confirmation.conversation), \(entry), \(key), \(confirmation.question), \(confirmation.date.pg))
                ON CONFLICT DO NOTHING RETURNING entry
                """, on: connection)
            if let existing = try await rows("SELECT id, removed_by FROM learned_phrasing WHERE entry = \(entry) AND key = \(key)",
                                             on: connection).first
            {
                // Learned already (one more conversation behind it), or removed by a reviewer.
                let (id, removedBy) = try existing.decode((Int, String?).self)
                if !inserted.isEmpty, removedBy == nil {
                    try await run("UPDATE learned_phrasing SET conversations = conversations + 1 WHERE id = \(id)", on: connection)
                }
                return nil
            }
            let agreeing = try await rows("""
                SELECT COUNT(DISTINCT conversation_id)::bigint FROM learned_confirmation WHERE entry = \(entry) AND key = \(key)
                """, on: connection).first?.decode(Int.self) ?? 0
            guard agreeing >= quorum else { return nil }
            // A question already learned for another entry stays that entry's (the lock is on
            // the key alone, so two entries cannot both learn it at once).
            let taken = try await rows("""
                SELECT 1 FROM learned_phrasing WHERE key = \(key) AND entry <> \(entry) AND removed_by IS NULL LIMIT 1
                """, on: connection)
            guard taken.isEmpty else { return nil }
            // The first asker's wording (masked) is the phrasing.
            let question = try await rows("""
                SELECT question FROM learned_confirmation WHERE entry = \(entry) AND key = \(key) ORDER BY date LIMIT 1
                """, on: connection).first?.decode(String.self) ?? confirmation.question
            guard let id = try await rows("""
                INSERT INTO learned_phrasing (entry, key, question, conversations, learned_at)
                VALUES (\(entry), \(key), \(question), \(agreeing), \(confirmation.date.pg)) RETURNING id
                """, on: connection).first?.decode(Int.self)
            else { return nil }
            try await logChange(.knowledge, entry, on: connection)
            return LearnedPhrasing(id: id, entry: entry, key: key, question: question, conversations: agreeing,
                                   learnedAt: confirmation.date)
        }
    }

    package func withdrawConfirmations(conversation: String, entry: String, quorum: Int) async throws -> [LearnedPhrasing] {
        try await transaction { connection in
            let keys = try await rows("""
                SELECT key FROM learned_confirmation WHERE conversation_id = \(conversation) AND entry = \(entry)
                """, on: connection).map { try $0.decode(String.self) }
            var dropped: [LearnedPhrasing] = []
            for key in keys {
                try await lock(key: key, on: connection)
                try await run("""
                    DELETE FROM learned_confirmation WHERE conversation_id = \(conversation) AND entry = \(entry) AND key = \(key)
                    """, on: connection)
                guard var phrasing = try await rows("""
                    SELECT \(unescaped: Self.phrasingColumns) FROM learned_phrasing
                    WHERE entry = \(entry) AND key = \(key) AND removed_by IS NULL
                    """, on: connection).first.map(Self.phrasing)
                else { continue }
                phrasing.conversations -= 1
                if phrasing.conversations < quorum {
                    // No longer agreed: out (and free to be learned again).
                    try await run("DELETE FROM learned_phrasing WHERE id = \(phrasing.id)", on: connection)
                    dropped.append(phrasing)
                } else {
                    try await run("UPDATE learned_phrasing SET conversations = \(phrasing.conversations) WHERE id = \(phrasing.id)",
                                  on: connection)
                }
            }
            if !dropped.isEmpty { try await logChange(.knowledge, entry, on: connection) }
            return dropped
        }
    }

    package func learnedPhrasings(includingRemoved: Bool) async throws -> [LearnedPhrasing] {
        try await withConnection { connection in
            try await rows("""
                SELECT \(unescaped: Self.phrasingColumns) FROM learned_phrasing
                \(unescaped: includingRemoved ? "" : "WHERE removed_by IS NULL") ORDER BY id DESC
                """, on: connection).map(Self.phrasing)
        }
    }

    package func removeLearnedPhrasing(_ id: Int, by reviewer: String) async throws -> LearnedPhrasing? {
        try await transaction { connection in
            guard let phrasing = try await rows("""
                SELECT \(unescaped: Self.phrasingColumns) FROM learned_phrasing WHERE id = \(id) AND removed_by IS NULL FOR UPDATE
                """, on: connection).first.map(Self.phrasing)
            else { return nil }
            try await run("UPDATE learned_phrasing SET removed_by = \(reviewer), removed_at = \(Date().pg) WHERE id = \(id)",
                          on: connection)
            try await logChange(.knowledge, phrasing.entry, on: connection)
            return phrasing
        }
    }

    /// The live learned phrasings by entry (of one entry, or all), oldest first.
    func livePhrasings(entry: String?, on connection: PostgresConnection) async throws -> [String: [String]] {
        let found = if let entry {
            try await rows("""
                SELECT entry, question FROM learned_phrasing WHERE entry = \(entry) AND removed_by IS NULL ORDER BY id
                """, on: connection)
        } else {
            try await rows("SELECT entry, question FROM learned_phrasing WHERE removed_by IS NULL ORDER BY id", on: connection)
        }
        var phrasings: [String: [String]] = [:]
        for row in found {
            let (entry, question) = try row.decode((String, String).self)
            phrasings[entry, default: []].append(question)
        }
        return phrasings
    }

    /// Serialises the decisions on one entry and key until the transaction ends.
    /// Serialises the decisions about one question key, whichever entry they are for.
    private func lock(key: String, on connection: PostgresConnection) async throws {
        try await run("SELECT pg_advisory_xact_lock(hashtextextended(\("learned\u{1F}" + key), 0))", on: connection)
    }

    static let phrasingColumns = "id, entry, key, question, conversations, learned_at, removed_by"

    static func phrasing(_ row: PostgresRow) throws -> LearnedPhrasing {
        let (id, entry, key, question, conversations, learnedAt, removedBy) =
            try row.decode((Int, String, String, String, Int, Date, String?).self)
        return LearnedPhrasing(id: id, entry: entry, key: key, question: question, conversations: conversations,
                               learnedAt: learnedAt, removedBy: removedBy)
    }
}
