import Dialogue
import GRDB

/// The report's pass over a period's ticket wordings.
extension SQLiteStore {
    /// The period's wordings (tickets asking the very same text), most asked first, at most
    /// 2,000, each with its tickets' numbers in the order they were raised and the names its
    /// askers gave. Alike wordings are grouped by the builder. An anonymised ticket has no
    /// wording left to group (its question is a placeholder, and it has no conversation).
    ///
    /// Counted in Swift over one ordered pass, as `GROUP BY t.question` counted them through
    /// the date index: over a year of 100,000 tickets that query read every ticket's page at
    /// random (in the `sqlite3` shell, 0.29 s user and 0.19 s system time, against 0.17–0.20 s
    /// and 0.02 s for the scan sorted by date). A long
    /// period is now scanned (`ReportScan`) and sorted by date; the figures are the same either
    /// way, and the same as before: numbers by date then number (the index's order), names
    /// distinct by their bytes, split at commas as the grouped list was, and wordings asked as
    /// often ordered as SQLite's sorter gave them (later text first).
    static func periodWordings(_ db: Database, from: String, to: String, unitFilter: String, unitArgument: StatementArguments)
        throws -> [ReportCounts.EscalatedWording]
    {
        var questions = ByteInterner()
        var names = ByteInterner()
        var numbers: [[Int]] = []
        var namesGiven: [[Int]] = []
        var namesSeen: [Set<Int>] = []
        let rows = try RawRows(
            db, sql: """
                SELECT t.question, t.number, c.name FROM \(try ReportScan.tickets(db, from: from, to: to))
                LEFT JOIN conversation c ON c.id = t.conversationId
                WHERE t.createdAt >= ? AND t.createdAt < ? AND t.conversationId IS NOT NULL\(unitFilter)
                ORDER BY t.createdAt, t.number
                """, arguments: [from, to] + unitArgument)
        try rows.forEach { row in
            let question = questions.id(of: row.bytes(0))
            if question == numbers.count {
                numbers.append([])
                namesGiven.append([])
                namesSeen.append([])
            }
            numbers[question].append(row.int(1))
            if !row.isNull(2) {
                let name = names.id(of: row.bytes(2))
                if namesSeen[question].insert(name).inserted { namesGiven[question].append(name) }
            }
        }
        let order = numbers.indices.sorted { first, second in
            numbers[first].count != numbers[second].count ? numbers[first].count > numbers[second].count
                : questions.precedes(second, first)
        }
        return order.prefix(2000).map { question in
            ReportCounts.EscalatedWording(
                question: questions.string(question), count: numbers[question].count, tickets: numbers[question],
                names: namesGiven[question].flatMap { names.string($0).split(separator: ",").map(String.init) })
        }
    }
}
