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
        var groups: [DayGroup: Int] = [:]
        var byConversation: [ConversationTopic: Int] = [:]
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
            groups[DayGroup(topic: topic, kind: kinds.id(of: row.bytes(1)), day: day, helpful: row.int(3) != 0), default: 0] += 1
            if row.int(4) != 0 {
                byConversation[ConversationTopic(conversation: conversations.id(of: row.bytes(5)), topic: topic), default: 0] += 1
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
        for (key, count) in groups {
            let period = periods[key.day]
            merged[PeriodGroup(topic: key.topic, kind: key.kind, week: period.week, month: period.month, helpful: key.helpful),
                   default: 0] += count
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
        for (key, count) in byConversation {
            byAgency[AgencyTopic(agency: agencyOf[key.conversation], topic: key.topic), default: 0] += count
        }
        return (messages, byAgency.map { key, count in
            ReportCounts.AgencyQuestions(agency: key.agency.map { agencies.names[$0] }, topic: topics.string(key.topic), count: count)
        })
    }

    /// Messages of one topic, kind, day and feedback sign, by ids.
    private struct DayGroup: Hashable {
        var topic: Int
        var kind: Int
        var day: Int
        var helpful: Bool
    }

    /// Messages of one topic, kind, week, month and feedback sign, by ids: the days' groups merged.
    private struct PeriodGroup: Hashable {
        var topic: Int
        var kind: Int
        var week: Int
        var month: Int
        var helpful: Bool
    }

    /// A conversation and a topic of its questions, by ids.
    private struct ConversationTopic: Hashable {
        var conversation: Int
        var topic: Int
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
