import Synchronization

/// A knowledge index safe to share between connections: searches and changes take a lock
/// around the index (a search is well under a millisecond, see BENCHMARKS.md, so a plain mutex
/// serialises nothing that matters on a 2-core machine).
package final class SearchEngine: Sendable {
    private let index: Mutex<KnowledgeIndex>

    /// Wraps an index.
    package init(_ index: consuming KnowledgeIndex) {
        self.index = Mutex(index)
    }

    /// Ranks entries for a question and decides (see `KnowledgeIndex.search`).
    package func search(_ question: String, limit: Int = 10) -> SearchResponse {
        index.withLock { $0.search(question, limit: limit) }
    }

    /// Adds or replaces an entry; takes effect for the next search.
    package func upsert(_ entry: KnowledgeEntry) {
        index.withLock { $0.upsert(entry) }
    }

    /// Retires an entry; returns whether it was live.
    @discardableResult
    package func retire(_ id: String) -> Bool {
        index.withLock { $0.retire(id) }
    }

    /// The live entry with this id.
    package func entry(_ id: String) -> KnowledgeEntry? {
        index.withLock { $0.entry(id) }
    }

    /// Number of live entries.
    package var count: Int { index.withLock { $0.count } }
}
