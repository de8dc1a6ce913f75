import Dialogue
import Foundation
import PostgresNIO
import Retrieval

/// Drafts waiting for review, and the catalogue's added documents.
extension PostgresStore: CatalogueStore {

    // MARK: - Drafts

    /// A ticket answered again (after a reopen) replaces its draft, which waits again; the
    /// unit's reviewers on every daemon hear of it.
    func saveDraft(_ draft: DraftEntry, on connection: PostgresConnection) async throws {
        try await run("""
            INSERT INTO draft (id, ticket, unit, topic, question, answer, status, created_at)
            VALUES (\(draft.kb), \(draft.ticket), \(draft.unit), \(draft.topic), \(draft.question), \(draft.answer), 'pending',
                    \(draft.createdAt.pg))
            ON CONFLICT (id) DO UPDATE SET unit = excluded.unit, topic = excluded.topic, question = excluded.question,
            answer = excluded.answer, status = 'pending', created_at = excluded.created_at, reviewer = NULL, reviewed_at = NULL
            """, on: connection)
        try await logChange(.draft, draft.kb, on: connection)
    }

    package func proposeDraft(_ draft: DraftEntry) async throws {
        try await transaction { connection in try await saveDraft(draft, on: connection) }
    }

    package func drafts(unit: String?, limit: Int) async throws -> [DraftEntry] {
        try await withConnection { connection in
            try await rows("""
                SELECT \(unescaped: Self.draftColumns) FROM draft WHERE status = 'pending' AND (\(unit)::text IS NULL OR unit = \(unit))
                ORDER BY created_at, id LIMIT \(limit)
                """, on: connection).compactMap(draft(from:))
        }
    }

    /// One pending draft (the change log's drafts).
    func pendingDraft(_ id: String, lock: Bool = false, on connection: PostgresConnection) async throws -> DraftEntry? {
        try await rows("""
            SELECT \(unescaped: Self.draftColumns) FROM draft WHERE id = \(id) AND status = 'pending'\(unescaped: lock ? " FOR UPDATE" : "")
            """, on: connection).first.flatMap(draft(from:))
    }

    package func reviewDraft(_ id: String, event: TicketEvent,
                             decide: @escaping @Sendable (DraftEntry) throws -> KnowledgeEntry?) async throws
        -> (DraftEntry, KnowledgeEntry?)
    {
        try await transaction { connection in
            // Locked: two reviewers on two daemons cannot both decide it.
            guard let draft = try await pendingDraft(id, lock: true, on: connection) else { throw EscalationError.unknownEntry(id) }
            let entry = try decide(draft)
            if let entry { try await upsertEntry(entry, source: "ticket:\(draft.ticket)", on: connection) }
            try await run("""
                UPDATE draft SET status = \(entry == nil ? "rejected" : "approved"), reviewer = \(event.actor),
                reviewed_at = \(event.date.pg) WHERE id = \(id)
                """, on: connection)
            try await append(event, to: draft.ticket, on: connection)
            return (draft, entry)
        }
    }

    // MARK: - Catalogue

    package func saveDocuments(_ documents: [CatalogueDocument]) async throws {
        let encoded = try documents.map { ($0.id, try Self.json($0)) }
        try await transaction { connection in
            for (id, json) in encoded {
                try await run("""
                    INSERT INTO document (id, json, updated_at) VALUES (\(id), \(json), \(Date().pg))
                    ON CONFLICT (id) DO UPDATE SET json = excluded.json, updated_at = excluded.updated_at
                    """, on: connection)
            }
        }
    }

    package func addedDocuments() async throws -> [CatalogueDocument] {
        try await withConnection { connection in
            let decoder = JSONDecoder()
            return try await rows("SELECT json FROM document ORDER BY seq", on: connection).map {
                try decoder.decode(CatalogueDocument.self, from: Data(try $0.decode(String.self).utf8))
            }
        }
    }
}
