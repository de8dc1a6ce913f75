import Dialogue
import Foundation
import Logging
import Retrieval

/// Puts a daemon together: the store (the corpus imported on a first start), the index built
/// from the store, the dialogue, the desk and the catalogue. The one assembly there is:
/// `motcua serve`, `motcua-bench fuzz` and every test that needs a daemon call it.
package enum DaemonAssembly {
    /// The store a daemon runs on: conversations, the desk, the catalogue and the reports.
    package typealias Store = DeskStore & CatalogueStore & PrivacyStore & LearningStore

    /// Opens the daemon's services over `store`.
    /// - Parameters:
    ///   - clock: the time the desk reads (due dates, expiry, owed updates, login slowdown).
    ///   - logger: where the start is logged (counts only).
    ///   - metrics: where the dialogue, the desk and the transports record what they measure.
    package static func open(store: any Store, recipe: DaemonRecipe, clock: any WallClock = SystemClock(),
                             logger: Logger, metrics: ServiceMetrics = ServiceMetrics()) async throws -> DialogueService
    {
        // A row this version cannot read is left out of lists and fails a read of it alone;
        // the operator learns which (table, row, column; never the values) here.
        let problems = logger
        store.reportUnreadableRows { problems.error("unreadable row in the store", metadata: ["row": "\($0)"]) }
        // A shared store: what other daemons change after this point reaches this index.
        let shared = store as? any SharedStore
        try await shared?.markPosition()
        var entries = try await store.knowledgeEntries()
        if entries.isEmpty && !recipe.entries.isEmpty {
            let summary = try await store.importCorpus(recipe.entries)
            logger.info("first start: corpus imported", metadata: ["entries": "\(summary.added)"])
            entries = try await store.knowledgeEntries()
        }
        if !recipe.units.isEmpty, try await store.units().isEmpty { try await store.saveUnits(recipe.units) }
        let documents = recipe.documents + (try await store.addedDocuments())
        var index = KnowledgeIndex(
            analyzer: Analyzer(lexicon: recipe.lexicon), configuration: recipe.ranking,
            topicNames: Corpus.topicNames(recipe.topics),
            // The corpus's documents: the titles of those an entry cites are indexed with it
            // (documents added later with `docs add` are searched in the catalogue only).
            documentTexts: Corpus.documentTexts(recipe.documents))
        index.load(entries)
        logger.info("index built", metadata: ["entries": "\(index.count)"])
        let analyzer = index.analyzer
        let engine = SearchEngine(index)
        // Learning from use: the store merged the learned phrasings into the entries loaded;
        // the learner keeps them so that an entry indexed again (an edit, another daemon's
        // change) keeps its phrasings.
        let learner = UseLearner(
            store: store, analyzer: Analyzer(lexicon: recipe.lexicon), learns: recipe.learning, clock: clock,
            entry: { engine.entry($0) }, upsert: { engine.upsert($0) },
            failed: { conversation, error in
                // Ids and the error's type only: a store error may quote the question.
                logger.warning("learning from use failed",
                               metadata: ["conversation": "\(conversation)", "error": "\(type(of: error))"])
                metrics.learningFailed()
            })
        try await learner.load()
        let indexEntry: @Sendable (KnowledgeEntry) -> Void = { engine.upsert(learner.merged($0)) }
        let dialogue = Dialogue(engine: engine, analyzer: Analyzer(lexicon: recipe.lexicon))
        var escalation: EscalationService?
        if let desk = recipe.desk {
            let year = CivilDay(containing: clock.now).year
            for missing in [year, year + 1] where !desk.calendar.listedYears.contains(missing) {
                logger.warning("desk.json lists no public holidays for this year: due dates count weekdays only",
                               metadata: ["year": "\(missing)"])
            }
            // New questions are routed by a topic model of the entries, kept current by the engine.
            engine.trainTopics(.desk(topics: desk.topics, units: recipe.units, documents: recipe.documents,
                                     analyzer: analyzer))
            escalation = EscalationService(
                store: store, configuration: desk,
                search: { engine.search($0) }, entry: { engine.entry($0) },
                learn: indexEntry, forget: { engine.retire($0) }, clock: clock, metrics: metrics,
                topicModel: { engine.topicProbabilities($0) })
            if let shared {
                // Ticket notices the store does not log with their change (transferred, reopened, …).
                escalation?.hub.relay { event in
                    guard case .ticket(_, let notice) = event, notice != .raised else { return }
                    Task.detached { await shared.relay(event) }
                }
            }
        }
        let catalogue = recipe.catalogue ? DocumentCatalogue(documents, lexicon: recipe.lexicon) : nil
        return DialogueService(store: store, dialogue: dialogue, escalation: escalation, catalogue: catalogue, clock: clock,
                               metrics: metrics,
                               index: IndexUpdates(upsert: { entry in
                                   // Another daemon's change comes with the store's learned phrasings merged in
                                   // (as they are now: one just removed is not among them); the book is read
                                   // again so that an edit made here keeps them too.
                                   engine.upsert(entry)
                                   Task { try? await learner.load() }
                               }, retire: { _ = engine.retire($0) }), learner: learner)
    }
}
