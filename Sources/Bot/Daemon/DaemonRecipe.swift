import Dialogue
import Retrieval

/// Everything a daemon is made of besides its store: what to import on a first start, how to
/// analyse and rank, the desk's rules and the catalogue. `motcua serve` takes it from the
/// corpus; tests write a small one.
package struct DaemonRecipe: Sendable {
    /// Entries imported into an empty store.
    package var entries: [KnowledgeEntry]
    /// Units saved into a store that has none.
    package var units: [UnitRecord]
    /// Topics (their names are indexed; the desk routes by their units).
    package var topics: [Topic]
    /// Catalogue documents of the corpus (the store adds those added later).
    package var documents: [CatalogueDocument]
    /// The analyser's lexicon.
    package var lexicon: Lexicon
    /// Ranking and the answer / suggest / escalate thresholds.
    package var ranking: RankingConfiguration
    /// The desk's rules; nil: a daemon that only answers (no tickets, no handlers).
    package var desk: EscalationService.Configuration?
    /// Whether the catalogue is searchable (`docs` requests).
    package var catalogue: Bool
    /// Whether askers' confirmed answers become phrasings of their entries (`UseLearner`; false:
    /// what was learned before is still searched and reviewable, nothing new is learned).
    package var learning = true

    /// A recipe from its parts.
    package init(entries: [KnowledgeEntry], units: [UnitRecord] = [], topics: [Topic] = [],
                 documents: [CatalogueDocument] = [], lexicon: Lexicon, ranking: RankingConfiguration,
                 desk: EscalationService.Configuration?, catalogue: Bool = true)
    {
        self.entries = entries
        self.units = units
        self.topics = topics
        self.documents = documents
        self.lexicon = lexicon
        self.ranking = ranking
        self.desk = desk
        self.catalogue = catalogue
    }

    /// The recipe of a corpus directory, as `motcua serve` runs it.
    /// - Parameter ranking: a ranking configuration replacing the corpus's own.
    package init(corpus: Corpus, ranking: RankingConfiguration? = nil) {
        self.init(entries: corpus.entries, units: corpus.unitRecords, topics: corpus.topics, documents: corpus.documents,
                  lexicon: corpus.lexicon, ranking: ranking ?? corpus.ranking, desk: corpus.deskConfiguration)
    }
}
