/// A development query with the entries that answer it (`corpus/eval/queries.jsonl`);
/// an empty `relevant` list means the question is out of scope.
package struct EvaluationQuery: Sendable, Codable, Hashable {
    /// Id.
    package var id: String
    /// The question as typed.
    package var query: String
    /// Ids of the entries that answer it.
    package var relevant: [String]
    /// How it was typed, for figures per style (`corpus/eval/chat.jsonl`: "telex", "typo", …).
    package var style: String?

    /// Creates a query.
    package init(id: String, query: String, relevant: [String], style: String? = nil) {
        self.id = id
        self.query = query
        self.relevant = relevant
        self.style = style
    }
}
