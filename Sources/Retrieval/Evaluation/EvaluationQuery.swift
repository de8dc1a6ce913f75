/// A development query with the entries that answer it (`corpus/eval/queries.jsonl`);
/// an empty `relevant` list means the question is out of scope.
package struct EvaluationQuery: Sendable, Codable, Hashable {
    /// Id.
    package var id: String
    /// The question as typed.
    package var query: String
    /// Ids of the entries that answer it.
    package var relevant: [String]

    /// Creates a query.
    package init(id: String, query: String, relevant: [String]) {
        self.id = id
        self.query = query
        self.relevant = relevant
    }
}
