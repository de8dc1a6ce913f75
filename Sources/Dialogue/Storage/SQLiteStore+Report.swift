import Dialogue
import Foundation
import GRDB
import Retrieval

/// The report's counts in grouped SQL: one pass over the period's messages, then the period's
/// tickets, ratings, the open backlog and the escalated wordings.
extension SQLiteStore: ReportStore {
    package func reportCounts(_ query: ReportQuery) async throws -> ReportCounts {
        let from = StoredDate.text(query.since)
        let to = StoredDate.text(query.until)
        let before = StoredDate.text(query.previousSince)
        let nowText = StoredDate.text(query.now)
        return try await writer.read { db in
            // Questions: replies to questions carry the topic of the answer or the ticket.
            var topicFilter = ""
            var topicArguments: StatementArguments = []
            if let topics = query.topics {
                topicFilter = " AND topic IN (\(databaseQuestionMarks(count: max(topics.count, 1))))"
                topicArguments = StatementArguments(topics.isEmpty ? [""] : topics)
            }
            let questionKinds = "kind IN ('answer', 'suggest', 'escalate', 'escalated')"
            let (messages, byAgency) = try Self.periodMessages(
                db, from: from, to: to, questionKinds: questionKinds, topicFilter: topicFilter, topicArguments: topicArguments)
            var previous: [String: Int] = [:]
            let previousMessages = try ReportScan.messages(db, from: before, to: from)
            for row in try Row.fetchAll(
                db, sql: "SELECT COALESCE(topic, 'khac') AS t, COUNT(*) AS n FROM \(previousMessages) WHERE direction = 'out' AND "
                    + "\(questionKinds) AND date >= ? AND date < ?\(topicFilter) GROUP BY t",
                arguments: [before, from] + topicArguments)
            {
                previous[row["t"]] = row["n"]
            }

            let unitFilter = query.unit == nil ? "" : " AND t.unit = ?"
            let unitArgument: StatementArguments = query.unit.map { [$0] } ?? []
            let open = TicketStatus.openSQL
            let periodTickets = try ReportScan.tickets(db, from: from, to: to)
            let tickets = try Row.fetchAll(
                db, sql: """
                    SELECT t.unit, t.status IN (\(open)) AND t.due < ? AS late,
                           (julianday(t.answeredAt) - julianday(t.createdAt)) * 24 AS firstHours,
                           (julianday((SELECT MIN(e.date) FROM ticketEvent e WHERE e.ticket = t.number AND e.action = ?))
                             - julianday(t.createdAt)) * 24 AS closeHours,
                           COALESCE(c.agency, t.agency) AS agency, t.status IN (\(open)) AS isOpen, (julianday(?) - julianday(t.createdAt)) * 24 AS ageHours
                    FROM \(periodTickets) LEFT JOIN conversation c ON c.id = t.conversationId
                    WHERE t.createdAt >= ? AND t.createdAt < ?\(unitFilter)
                    """, arguments: [nowText, TicketAction.closed.rawValue, nowText, from, to] + unitArgument
            ).map { row in
                let first: Double? = row["firstHours"]
                let close: Double? = row["closeHours"]
                let isOpen: Bool = row["isOpen"]
                let age: Double? = row["ageHours"]
                return ReportCounts.TicketFigures(
                    unit: row["unit"], pastDue: row["late"], firstResponseHours: first, resolutionHours: close,
                    agency: row["agency"], open: isOpen, waitHours: first ?? (isOpen ? age : close))
            }
            let ratings = try Row.fetchAll(
                db, sql: "SELECT t.topic, t.unit, r.score FROM rating r JOIN ticket t ON t.number = r.ticket "
                    + "WHERE r.date >= ? AND r.date < ?\(unitFilter)", arguments: [from, to] + unitArgument
            ).map { ReportCounts.Rating(topic: $0["topic"], unit: $0["unit"], score: $0["score"]) }
            let openTickets = try Row.fetchAll(
                db, sql: "SELECT t.unit, julianday(?) - julianday(t.createdAt) AS days FROM ticket t "
                    + "WHERE t.status IN (\(open))\(unitFilter)", arguments: [nowText] + unitArgument
            ).map { (unit: $0["unit"] as String, days: $0["days"] as Double) }
            // The same wording counted in SQL; alike wordings are grouped by the builder. An
            // anonymised ticket has no wording left to group (its question is a placeholder).
            let escalated = try Row.fetchAll(
                db, sql: "SELECT t.question, COUNT(*) AS n, GROUP_CONCAT(t.number) AS numbers, "
                    + "GROUP_CONCAT(DISTINCT c.name) AS names FROM ticket t LEFT JOIN conversation c ON c.id = t.conversationId "
                    + "WHERE t.createdAt >= ? AND t.createdAt < ? AND t.conversationId IS NOT NULL\(unitFilter) "
                    + "GROUP BY t.question ORDER BY n DESC LIMIT 2000",
                arguments: [from, to] + unitArgument
            ).map { row in
                ReportCounts.EscalatedWording(
                    question: row["question"], count: row["n"],
                    tickets: (row["numbers"] as String).split(separator: ",").compactMap { Int($0) },
                    names: ((row["names"] as String?) ?? "").split(separator: ",").map(String.init))
            }
            return ReportCounts(messages: messages, previousQuestions: previous, tickets: tickets, ratings: ratings,
                                openTickets: openTickets, escalated: escalated, questionsByAgency: byAgency)
        }
    }

    /// The period's questions and feedback, grouped two ways in one pass over its messages: by
    /// topic, kind, week, month and sign (the report's figures), and by conversation and topic,
    /// turned into agency and topic (the figures by province).
    ///
    /// Counted in Swift over one cursor, not in two grouped queries: SQLite's two passes (each
    /// a temporary B-tree over every message of the period, the second joined to the
    /// conversations) took 60 % longer than the report without provinces; one pass that reads
    /// each row once, with the week and month computed by SQLite once per day, measured faster
    /// than the one grouped query alone.
    static func periodMessages(_ db: Database, from: String, to: String, questionKinds: String, topicFilter: String,
                               topicArguments: StatementArguments) throws
        -> (messages: [ReportCounts.MessageGroup], byAgency: [ReportCounts.AgencyQuestions])
    {
        struct Key: Hashable {
            var topic: String
            var kind: String
            var day: Substring
            var good: Bool
        }
        // Each row's two keys come joined by SQLite (U+0001 between the parts): two strings
        // decoded and hashed a row instead of five of each (the loop was most of the report).
        var joinedGroups: [String: Int] = [:]
        var joinedConversations: [String: Int] = [:]
        let cursor = try Row.fetchCursor(
            db, sql: """
                SELECT COALESCE(topic, 'khac') || char(1) || kind || char(1) || substr(date, 1, 10) || char(1)
                         || (LOWER(text) IN ('helpful', '/yes')),
                       CASE WHEN direction = 'out' THEN conversationId || char(1) || COALESCE(topic, 'khac') END
                FROM \(try ReportScan.messages(db, from: from, to: to))
                WHERE date >= ? AND date < ? AND ((direction = 'out' AND \(questionKinds)\(topicFilter))
                      OR (direction = 'in' AND kind = 'feedback'))
                """, arguments: [from, to] + topicArguments)
        while let row = try cursor.next() {
            joinedGroups[row[0] as String, default: 0] += 1
            if let conversation = row[1] as String? { joinedConversations[conversation, default: 0] += 1 }
        }
        var groups: [Key: Int] = [:]
        for (joined, count) in joinedGroups {
            let parts = joined.split(separator: "\u{1}", omittingEmptySubsequences: false)
            groups[Key(topic: String(parts[0]), kind: String(parts[1]), day: parts[2], good: parts[3] == "1"), default: 0] += count
        }
        var byConversation: [ConversationTopic: Int] = [:]
        for (joined, count) in joinedConversations {
            let parts = joined.split(separator: "\u{1}", omittingEmptySubsequences: false)
            byConversation[ConversationTopic(conversation: String(parts[0]), topic: String(parts[1])), default: 0] += count
        }
        // Week (`%Y-W%W`) and month of each day, as SQLite's strftime names them.
        var periods: [Substring: (week: String, month: String)] = [:]
        for day in Set(groups.keys.map(\.day)) {
            let row = try Row.fetchOne(db, sql: "SELECT strftime('%Y-W%W', ?), strftime('%Y-%m', ?)",
                                       arguments: [String(day), String(day)])
            periods[day] = (row?[0] ?? "", row?[1] ?? "")
        }
        var merged: [ReportCounts.MessageGroup] = []
        var index: [String: Int] = [:]
        for (key, count) in groups {
            let period = periods[key.day] ?? ("", "")
            let name = "\(key.topic)\u{1}\(key.kind)\u{1}\(period.week)\u{1}\(period.month)\u{1}\(key.good)"
            if let at = index[name] {
                merged[at].count += count
            } else {
                index[name] = merged.count
                merged.append(ReportCounts.MessageGroup(topic: key.topic, kind: key.kind, week: period.week, month: period.month,
                                                        helpful: key.good, count: count))
            }
        }
        // The agencies of the period's conversations (those that named one).
        var agencies: [String: String] = [:]
        let ids = Array(Set(byConversation.keys.map(\.conversation)))
        for start in stride(from: 0, to: ids.count, by: 500) {
            let chunk = Array(ids[start..<min(start + 500, ids.count)])
            for row in try Row.fetchAll(
                db, sql: "SELECT id, agency FROM conversation WHERE agency IS NOT NULL AND id IN (\(databaseQuestionMarks(count: chunk.count)))",
                arguments: StatementArguments(chunk))
            {
                agencies[row[0]] = row[1]
            }
        }
        var byAgency: [AgencyTopic: Int] = [:]
        for (key, count) in byConversation {
            byAgency[AgencyTopic(agency: agencies[key.conversation], topic: key.topic), default: 0] += count
        }
        return (merged, byAgency.map { ReportCounts.AgencyQuestions(agency: $0.key.agency, topic: $0.key.topic, count: $0.value) })
    }

    /// A conversation and a topic of its questions.
    private struct ConversationTopic: Hashable {
        var conversation: String
        var topic: String
    }

    /// A key of the figures by province.
    private struct AgencyTopic: Hashable {
        var agency: String?
        var topic: String
    }
}
