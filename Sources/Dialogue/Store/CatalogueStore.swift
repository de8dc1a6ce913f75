import Foundation

/// Catalogue documents added after the corpus (`motcua docs add`): the daemon searches the
/// corpus's `docs.jsonl` and these together.
package protocol CatalogueStore: Sendable {
    /// Adds or replaces documents.
    func saveDocuments(_ documents: [CatalogueDocument]) async throws

    /// The documents added so far.
    func addedDocuments() async throws -> [CatalogueDocument]
}
