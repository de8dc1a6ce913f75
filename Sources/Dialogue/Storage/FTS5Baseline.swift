import GRDB
import Retrieval

/// The baseline retrieval is measured against: SQLite FTS5 through GRDB, over text folded
/// beforehand (FTS5's `remove_diacritics` keeps đ), an OR of the query's words, ORDER BY bm25.
package struct FTS5Baseline {
    let database: DatabaseQueue

    /// Creates an in-memory FTS5 table of the entries' questions and answers.
    package init(entries: [KnowledgeEntry]) throws {
        database = try DatabaseQueue()
        try database.write { db in
            try db.execute(sql: "CREATE VIRTUAL TABLE entries USING fts5(question, answer, tokenize='unicode61')")
            let statement = try db.makeStatement(sql: "INSERT INTO entries(rowid, question, answer) VALUES (?, ?, ?)")
            for (row, entry) in entries.enumerated() {
                try statement.execute(arguments: [row, Self.fold(entry.question), Self.fold(entry.answer)])
            }
        }
    }

    /// Lower case without diacritics.
    static func fold(_ text: String) -> String { Diacritics.strip(text).lowercased() }

    /// The FTS5 query: an OR of the quoted words.
    static func match(_ question: String) -> String {
        fold(question).split { !$0.isLetter && !$0.isNumber }.map { "\"\($0)\"" }.joined(separator: " OR ")
    }

    /// Row numbers of the ten best entries.
    /// - Parameter questionsOnly: match the question column alone.
    package func search(_ question: String, questionsOnly: Bool = false) throws -> [Int64] {
        var pattern = Self.match(question)
        guard !pattern.isEmpty else { return [] }
        if questionsOnly { pattern = "question : (\(pattern))" }
        return try database.read { db in
            try Int64.fetchAll(db, sql: "SELECT rowid FROM entries WHERE entries MATCH ? ORDER BY bm25(entries) LIMIT 10",
                               arguments: [pattern])
        }
    }
}
