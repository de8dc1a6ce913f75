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
}
