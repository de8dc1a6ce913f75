import Foundation
import Retrieval
import Synchronization

/// The catalogue of policy and technical documents people look up: found by number as people
/// type it ("47/2020", "nghị định 47", "NĐ 47/2020/NĐ-CP") or by words of the title and summary
/// (typed with or without diacritics), through the same Vietnamese analysis and index as the
/// knowledge base, and filtered by kind, issuer, topic and year.
package final class DocumentCatalogue: Sendable {
    /// What to keep of the matches.
    package struct Filter: Sendable, Hashable {
        /// Kind ("nghị định", "thông tư", … with or without diacritics).
        package var kind: String?
        /// Words of the issuer's name ("Bộ Thông tin", "Chính phủ").
        package var issuer: String?
        /// Topic code.
        package var topic: String?
        /// Year of issue.
        package var year: Int?

        /// Creates a filter; nil parts keep everything.
        package init(kind: String? = nil, issuer: String? = nil, topic: String? = nil, year: Int? = nil) {
            self.kind = kind
            self.issuer = issuer
            self.topic = topic
            self.year = year
        }

        func keeps(_ document: CatalogueDocument) -> Bool {
            if let kind, Diacritics.foldedKey(document.kind) != Diacritics.foldedKey(kind) { return false }
            if let issuer, !Diacritics.foldedKey(document.issuer).contains(Diacritics.foldedKey(issuer)) { return false }
            if let topic, !(document.topics ?? []).contains(topic) { return false }
            if let year, document.date?.hasPrefix(String(year)) != true { return false }
            return true
        }
    }

    private let engine: SearchEngine
    private let documents: Mutex<[String: CatalogueDocument]>

    /// A catalogue of documents, analysed with the knowledge base's lexicon.
    package init(_ documents: [CatalogueDocument], lexicon: Lexicon) {
        var configuration = RankingConfiguration()
        // Rank every candidate: the catalogue lists matches, it does not decide an answer.
        configuration.exhaustive = true
        var index = KnowledgeIndex(analyzer: Analyzer(lexicon: lexicon), configuration: configuration)
        index.load(documents.map(Self.entry))
        engine = SearchEngine(index)
        self.documents = Mutex(Dictionary(documents.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last }))
    }

    /// How a document is indexed: its kind and number (so "nghị định 47" and "47/2020/NĐ-CP"
    /// both find it), its title, and its summary as a second phrasing.
    static func entry(_ document: CatalogueDocument) -> KnowledgeEntry {
        KnowledgeEntry(id: document.id, question: "\(document.kind) \(document.number) \(document.title)",
                       answer: document.summary, variants: [document.title, document.summary])
    }

    /// Number of documents.
    package var count: Int { documents.withLock { $0.count } }

    /// The document with this id.
    package func document(_ id: String) -> CatalogueDocument? {
        documents.withLock { $0[id] }
    }

    /// Adds or replaces documents; searchable at once.
    package func add(_ added: [CatalogueDocument]) {
        for document in added { engine.upsert(Self.entry(document)) }
        documents.withLock { all in
            for document in added { all[document.id] = document }
        }
    }

    /// The documents matching a query (best first) and the filter; with an empty query, every
    /// document the filter keeps, newest first.
    package func search(_ query: String, filter: Filter = Filter(), limit: Int = 10) -> [CatalogueDocument] {
        if query.isBlank {
            let all = documents.withLock { Array($0.values) }
            return Array(all.filter(filter.keeps).sorted { ($0.date ?? "", $0.id) > ($1.date ?? "", $1.id) }.prefix(limit))
        }
        let ranked = engine.search(query, limit: 100).results.compactMap { document($0.entryID) }
        return Array(ranked.filter(filter.keeps).prefix(limit))
    }
}
