import Dialogue
import Foundation
import GRDB
import Retrieval

extension SQLiteStore: CatalogueStore {

    package func saveDocuments(_ documents: [CatalogueDocument]) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let rows = try documents.map { ($0.id, try encoder.encode($0)) }
        try await writer.write { db in
            for (id, json) in rows {
                try db.execute(
                    sql: """
                        INSERT INTO document (id, json, updatedAt) VALUES (?, ?, ?)
                        ON CONFLICT(id) DO UPDATE SET json = excluded.json, updatedAt = excluded.updatedAt
                        """,
                    arguments: [id, json, StoredDate.text(Date())])
            }
        }
    }

    package func addedDocuments() async throws -> [CatalogueDocument] {
        try await writer.read { db in
            let decoder = JSONDecoder()
            return try Data.fetchAll(db, sql: "SELECT json FROM document ORDER BY rowid")
                .map { try decoder.decode(CatalogueDocument.self, from: $0) }
        }
    }
}
