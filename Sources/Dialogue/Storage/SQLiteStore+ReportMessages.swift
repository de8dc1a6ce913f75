import Dialogue
import GRDB

/// The report's pass over a period's messages.
extension SQLiteStore {
    /// The period's questions and feedback, grouped two ways in one pass over its messages: by
    /// topic, kind, week, month and sign (the report's figures), and by conversation and topic,
    /// turned into agency and topic (the figures by province).
    ///
    /// Counted in Swift over one pass, not in two grouped queries: SQLite's two passes (each
    /// a temporary B-tree over every message of the period, the second joined to the
    /// conversations) took 60 % longer than the report without provinces. The rows are read
    /// with SQLite's C API and counted by dense ids of their values (`ByteInterner`): a year of
    /// a million messages is 800,000 rows, and a `Row`, a `String` and a hashed string key for
    /// each were most of the report's time. Text is made only for the distinct values, and the
    /// week and month by SQLite once per day.
    static func periodMessages(_ db: Database, from: String, to: String, questionKinds: String, topicFilter: String,
                               topicArguments: StatementArguments) throws
        -> (messages: [ReportCounts.MessageGroup], byAgency: [ReportCounts.AgencyQuestions])
    {
        var topics = ByteInterner()
        var kinds = ByteInterner()
        var days = ByteInterner()
        var conversations = ByteInterner()
        // Counts in arrays indexed by those ids (no hashing a row): by day, kind, and topic and
        // sign (`2 × topic + 1` for helpful feedback); by conversation and topic.
        var byDay: [[[Int]]] = []
        var byConversation: [[Int]] = []
        // `COLLATE NOCASE` folds ASCII as SQLite's `LOWER` does, without a copy of every text.
        let rows = try RawRows(
            db, sql: """
                SELECT COALESCE(topic, 'khac'), kind, date, text COLLATE NOCASE IN ('helpful', '/yes'), direction = 'out',
                       conversationId
                FROM \(try ReportScan.messages(db, from: from, to: to))
                WHERE date >= ? AND date < ? AND ((direction = 'out' AND \(questionKinds)\(topicFilter))
                      OR (direction = 'in' AND kind = 'feedback'))
                """, arguments: [from, to] + topicArguments)
        try rows.forEach { row in
            let topic = topics.id(of: row.bytes(0))
            // The day is the date's first ten characters (`YYYY-MM-DD`, ASCII).
            let day = days.id(of: UnsafeRawBufferPointer(rebasing: row.bytes(2).prefix(10)))
            if day == byDay.count { byDay.append([]) }
            Self.count(&byDay[day], kinds.id(of: row.bytes(1)), 2 * topic + (row.int(3) != 0 ? 1 : 0))
            if row.int(4) != 0 {
                let conversation = conversations.id(of: row.bytes(5))
                if conversation == byConversation.count { byConversation.append([]) }
                Self.count(&byConversation[conversation], topic)
            }
        }
        // Week (`%Y-W%W`) and month of each day, as SQLite's strftime names them, by day id.
        var weeks = Labels()
        var months = Labels()
        var periods: [(week: Int, month: Int)] = []
        for day in 0..<days.count {
            let text = days.string(day)
            let row = try Row.fetchOne(db, sql: "SELECT strftime('%Y-W%W', ?), strftime('%Y-%m', ?)", arguments: [text, text])
            periods.append((weeks.id(row?[0] ?? ""), months.id(row?[1] ?? "")))
        }
        var merged: [PeriodGroup: Int] = [:]
        for (day, byKind) in byDay.enumerated() {
            for (kind, cells) in byKind.enumerated() {
                for (cell, count) in cells.enumerated() where count > 0 {
                    merged[PeriodGroup(topic: cell / 2, kind: kind, week: periods[day].week, month: periods[day].month,
                                       helpful: cell % 2 == 1), default: 0] += count
                }
            }
        }
        let messages = merged.map { key, count in
            ReportCounts.MessageGroup(topic: topics.string(key.topic), kind: kinds.string(key.kind), week: weeks.names[key.week],
                                      month: months.names[key.month], helpful: key.helpful, count: count)
        }
        // The agencies of the period's conversations (those that named one), by conversation id.
        let ids = (0..<conversations.count).map { conversations.string($0) }
        var agencyOf = [Int?](repeating: nil, count: ids.count)
        var agencies = Labels()
        let position = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) })
        for start in stride(from: 0, to: ids.count, by: 500) {
            let chunk = Array(ids[start..<min(start + 500, ids.count)])
            for row in try Row.fetchAll(
                db, sql: "SELECT id, agency FROM conversation WHERE agency IS NOT NULL AND id IN (\(databaseQuestionMarks(count: chunk.count)))",
                arguments: StatementArguments(chunk))
            {
                if let conversation = position[row[0] as String] { agencyOf[conversation] = agencies.id(row[1]) }
            }
        }
        var byAgency: [AgencyTopic: Int] = [:]
        for (conversation, counts) in byConversation.enumerated() {
            for (topic, count) in counts.enumerated() where count > 0 {
                byAgency[AgencyTopic(agency: agencyOf[conversation], topic: topic), default: 0] += count
            }
        }
        return (messages, byAgency.map { key, count in
            ReportCounts.AgencyQuestions(agency: key.agency.map { agencies.names[$0] }, topic: topics.string(key.topic), count: count)
        })
    }

    /// Adds one at `column` of `counts`, its length grown to reach it.
    private static func count(_ counts: inout [Int], _ column: Int) {
        if column >= counts.count { counts.append(contentsOf: repeatElement(0, count: column + 1 - counts.count)) }
        counts[column] += 1
    }

    /// Adds one at `row`, `column` of `counts`, grown to reach them.
    private static func count(_ counts: inout [[Int]], _ row: Int, _ column: Int) {
        if row >= counts.count { counts.append(contentsOf: repeatElement([], count: row + 1 - counts.count)) }
        count(&counts[row], column)
    }

    /// Messages of one topic, kind, week, month and feedback sign, by ids: the days' groups merged.
    private struct PeriodGroup: Hashable {
        var topic: Int
        var kind: Int
        var week: Int
        var month: Int
        var helpful: Bool
    }

    /// A key of the figures by province, by ids (nil: no agency given).
    private struct AgencyTopic: Hashable {
        var agency: Int?
        var topic: Int
    }

    /// Dense ids for a few distinct texts (weeks, months, agencies), and the texts by id.
    private struct Labels {
        private(set) var names: [String] = []
        private var ids: [String: Int] = [:]

        /// The id of `name`, a new one the first time.
        mutating func id(_ name: String) -> Int {
            if let id = ids[name] { return id }
            ids[name] = names.count
            names.append(name)
            return names.count - 1
        }
    }
}
