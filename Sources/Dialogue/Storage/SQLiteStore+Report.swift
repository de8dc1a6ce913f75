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
            // Read with the C API (a year is 100,000 tickets): units and agencies repeat, and each
            // distinct one becomes a `String` once.
            var units = TextCache()
            var agencies = TextCache()
            var tickets: [ReportCounts.TicketFigures] = []
            try RawRows(
                db, sql: """
                    SELECT t.unit, t.status IN (\(open)) AND t.due < ?,
                           (julianday(t.answeredAt) - julianday(t.createdAt)) * 24,
                           (julianday((SELECT MIN(e.date) FROM ticketEvent e WHERE e.ticket = t.number AND e.action = ?))
                             - julianday(t.createdAt)) * 24,
                           COALESCE(c.agency, t.agency), t.status IN (\(open)), (julianday(?) - julianday(t.createdAt)) * 24
                    FROM \(periodTickets) LEFT JOIN conversation c ON c.id = t.conversationId
                    WHERE t.createdAt >= ? AND t.createdAt < ?\(unitFilter)
                    """, arguments: [nowText, TicketAction.closed.rawValue, nowText, from, to] + unitArgument
            ).forEach { row in
                let first = row.double(2)
                let close = row.double(3)
                let isOpen = row.int(5) != 0
                tickets.append(ReportCounts.TicketFigures(
                    unit: units.text(row.bytes(0)), pastDue: row.int(1) != 0, firstResponseHours: first, resolutionHours: close,
                    agency: row.isNull(4) ? nil : agencies.text(row.bytes(4)), open: isOpen,
                    waitHours: first ?? (isOpen ? row.double(6) : close)))
            }
            let ratings = try Row.fetchAll(
                db, sql: "SELECT t.topic, t.unit, r.score FROM rating r JOIN ticket t ON t.number = r.ticket "
                    + "WHERE r.date >= ? AND r.date < ?\(unitFilter)", arguments: [from, to] + unitArgument
            ).map { ReportCounts.Rating(topic: $0["topic"], unit: $0["unit"], score: $0["score"]) }
            let openTickets = try Row.fetchAll(
                db, sql: "SELECT t.unit, julianday(?) - julianday(t.createdAt) AS days FROM ticket t "
                    + "WHERE t.status IN (\(open))\(unitFilter)", arguments: [nowText] + unitArgument
            ).map { (unit: $0["unit"] as String, days: $0["days"] as Double) }
            let escalated = try Self.periodWordings(db, from: from, to: to, unitFilter: unitFilter, unitArgument: unitArgument)
            return ReportCounts(messages: messages, previousQuestions: previous, tickets: tickets, ratings: ratings,
                                openTickets: openTickets, escalated: escalated, questionsByAgency: byAgency)
        }
    }
}
