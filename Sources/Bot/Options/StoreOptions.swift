import ArgumentParser
import Daemon
import Dialogue
import Foundation
import Logging
import Retrieval
import Storage

/// Where the daemon keeps its data and finds its corpus.
package struct StoreOptions: ParsableArguments {
    @OptionGroup package var location: StoreLocation

    /// The SQLite data directory (`--data`).
    package var data: String { location.data }

    @Option(name: .long, help: "Thư mục corpus (mặc định: corpus đi kèm).")
    package var corpus: String?

    @Option(name: .long, help: "Tệp cấu hình xếp hạng JSON (mặc định: corpus/ranking.json).")
    package var config: String?

    package init() {}

    /// The corpus (lexicon, topics, catalogue, default entries).
    package func loadCorpus() throws -> Corpus {
        try Corpus.load(from: corpus ?? Corpus.defaultDirectory())
    }

    /// The daemon over `--data` or `--store`, assembled from `--corpus` and `--config` by `DaemonAssembly`.
    /// - Parameters:
    ///   - ticketsPerConversation: tickets a conversation may raise in an hour, replacing
    ///     `desk.json`'s (0: no cap; nil: `desk.json`'s).
    ///   - ticketsPerAddress: the same per client address.
    ///   - metrics: where the daemon records what it measures.
    package func openDaemon(logger: Logger, ticketsPerConversation: Int? = nil, ticketsPerAddress: Int? = nil,
                            metrics: ServiceMetrics = ServiceMetrics()) async throws -> DialogueService
    {
        try await openDaemon(on: try await openStore(logger: logger), logger: logger, ticketsPerConversation: ticketsPerConversation,
                             ticketsPerAddress: ticketsPerAddress, metrics: metrics)
    }

    /// The store of `--data` or `--store` (created if need be), for a daemon and the services beside it.
    package func openStore(logger: Logger = Logger(label: "motcua")) async throws -> any DaemonAssembly.Store {
        try await location.open(logger: logger)
    }

    /// The daemon over `store` (`openStore()`), assembled from `--corpus` and `--config`.
    /// - Parameter learning: whether askers' confirmations become phrasings (`serve --no-learning`: not).
    package func openDaemon(on store: any DaemonAssembly.Store, logger: Logger, ticketsPerConversation: Int? = nil,
                            ticketsPerAddress: Int? = nil, learning: Bool = true,
                            metrics: ServiceMetrics = ServiceMetrics()) async throws -> DialogueService
    {
        let corpus = try loadCorpus()
        var recipe = DaemonRecipe(corpus: corpus, ranking: try config.map(Corpus.loadRanking(from:)))
        recipe.learning = learning
        if let ticketsPerConversation { recipe.desk?.ticketLimits.perConversation = ticketsPerConversation }
        if let ticketsPerAddress { recipe.desk?.ticketLimits.perAddress = ticketsPerAddress }
        return try await DaemonAssembly.open(store: store, recipe: recipe, logger: logger, metrics: metrics)
    }
}

/// Opens the store for a desk command; a store that has no units yet gets the bundled
/// corpus's (as the daemon's first start would), so that handlers can be added before it.
package func openDesk(_ location: StoreLocation) async throws -> any DaemonAssembly.Store {
    let store = try await location.open()
    if try await store.units().isEmpty {
        try await store.saveUnits(try Corpus.load(from: Corpus.defaultDirectory()).unitRecords)
    }
    return store
}
