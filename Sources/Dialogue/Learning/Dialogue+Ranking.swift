import Retrieval

extension Dialogue {
    /// The ranking and decision the dialogue would act on for `question` (the live index, with
    /// what it learned): for measurements such as the replay of `motcua eval --replay`.
    package func ranking(of question: String) -> SearchResponse {
        search(question)
    }
}

extension Dialogue {
    /// The live index's entry with this id (with what it learned), for the console's lists.
    package func liveEntry(_ id: String) -> KnowledgeEntry? {
        entry(id)
    }
}
