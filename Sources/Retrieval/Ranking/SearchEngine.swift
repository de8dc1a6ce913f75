import Synchronization

/// A knowledge index shared by every connection of the daemon. Searches run side by side
/// under a readers–writer lock, each with accumulators of its own from a small pool; a change
/// to the knowledge base waits for the searches in flight and takes effect for the next one.
package final class SearchEngine: @unchecked Sendable {
    // Guarded by `lock`: read under the read lock, changed only under the write lock.
    private var index: KnowledgeIndex
    private let lock = ReadWriteLock()
    /// Accumulators not in use; at most as many as searches ever ran at once.
    private let scratches = Mutex<[SearchScratch]>([])
    /// The topic model of the live entries, once `trainTopics` ran (guarded by `lock`).
    private var topics: TopicModel?

    /// Wraps an index.
    package init(_ index: consuming KnowledgeIndex) {
        self.index = index
    }

    /// Ranks entries for a question and decides (see `KnowledgeIndex.search`).
    package func search(_ question: String, limit: Int = 10) -> SearchResponse {
        var scratch = scratches.withLock { $0.popLast() } ?? SearchScratch()
        let response = lock.withReadLock { index.search(question, limit: limit, scratch: &scratch) }
        scratches.withLock { $0.append(scratch) }
        return response
    }

    /// Adds or replaces an entry; takes effect for the next search.
    package func upsert(_ entry: KnowledgeEntry) {
        lock.withWriteLock {
            if topics != nil, let old = index.entry(entry.id) { topics?.remove(old) }
            index.upsert(entry)
            topics?.add(entry)
        }
    }

    /// Retires an entry; returns whether it was live.
    @discardableResult
    package func retire(_ id: String) -> Bool {
        lock.withWriteLock {
            if topics != nil, let old = index.entry(id) { topics?.remove(old) }
            return index.retire(id)
        }
    }

    /// Trains `model` on every live entry and keeps it current with the changes from now on.
    package func trainTopics(_ model: TopicModel) {
        var model = model
        lock.withWriteLock {
            for entry in index.entries { model.add(entry) }
            topics = model
        }
    }

    /// The topic model's probabilities for a question (empty before `trainTopics`).
    package func topicProbabilities(_ question: String) -> [String: Double] {
        lock.withReadLock { topics?.probabilities(question) ?? [:] }
    }

    /// The live entry with this id.
    package func entry(_ id: String) -> KnowledgeEntry? {
        lock.withReadLock { index.entry(id) }
    }

    /// Number of live entries.
    package var count: Int { lock.withReadLock { index.count } }
}
