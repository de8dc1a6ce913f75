import Foundation
import GRDB

/// Catalogue documents added after the corpus (`motcua docs add`): the daemon searches the
/// corpus's `docs.jsonl` and these together.
package protocol CatalogueStore: Sendable {
    /// Adds or replaces documents.
    func saveDocuments(_ documents: [CatalogueDocument]) async throws

    /// The documents added so far.
    func addedDocuments() async throws -> [CatalogueDocument]
}

extension SQLiteStore: CatalogueStore {
    static func registerCatalogue(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v3: catalogue documents") { db in
            try db.create(table: "document") { t in
                t.primaryKey("id", .text)
                t.column("json", .blob).notNull()
                t.column("updatedAt", .datetime).notNull()
            }
        }
    }

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
