import Dialogue
import Foundation
import PostgresNIO
import Retrieval

/// The report's counts: the same figures as the SQLite store's, in PostgreSQL's SQL.
extension PostgresStore: ReportStore {
    package func reportCounts(_ query: ReportQuery) async throws -> ReportCounts {
        let from = query.since.pg
        let to = query.until.pg
        let before = query.previousSince.pg
        let now = query.now.pg
        let topics = query.topics
        let kinds = ["answer", "suggest", "escalate", "escalated"]
        return try await withConnection { connection in
            // Questions: replies to questions carry the topic of the answer or the ticket.
            var groups: [String: ReportCounts.MessageGroup] = [:]
            var byConversation: [String: [String: Int]] = [:]
            for row in try await rows("""
                SELECT COALESCE(topic, 'khac'), kind, to_char(date AT TIME ZONE 'UTC', 'YYYY-MM-DD'),
                       lower(text) IN ('helpful', '/yes'), direction = 'out', conversation_id, count(*)::bigint
                FROM message
                WHERE date >= \(from) AND date < \(to)
                  AND ((direction = 'out' AND kind = ANY(\(kinds))
                        AND (\(topics == nil) OR COALESCE(topic, 'khac') = ANY(\(topics ?? []))))
                       OR (direction = 'in' AND kind = 'feedback'))
                GROUP BY 1, 2, 3, 4, 5, 6
                """, on: connection)
            {
                let (topic, kind, day, good, question, conversation, count) = try row.decode(
                    (String, String, String, Bool, Bool, String, Int).self)
                let (week, month) = Self.weekAndMonth(day)
                let name = "\(topic)\u{1}\(kind)\u{1}\(week)\u{1}\(month)\u{1}\(good)"
                groups[name, default: ReportCounts.MessageGroup(topic: topic, kind: kind, week: week, month: month, helpful: good,
                                                                count: 0)].count += count
                if question { byConversation[conversation, default: [:]][topic, default: 0] += count }
            }
            var previous: [String: Int] = [:]
            for row in try await rows("""
                SELECT COALESCE(topic, 'khac'), count(*)::bigint FROM message WHERE direction = 'out' AND kind = ANY(\(kinds))
                AND date >= \(before) AND date < \(from) AND (\(topics == nil) OR COALESCE(topic, 'khac') = ANY(\(topics ?? [])))
                GROUP BY 1
                """, on: connection)
            {
                let (topic, count) = try row.decode((String, Int).self)
                previous[topic] = count
            }
            var agencies: [String: String] = [:]
            let ids = Array(byConversation.keys)
            for start in stride(from: 0, to: ids.count, by: 5000) {
                for row in try await rows("""
                    SELECT id, agency FROM conversation WHERE agency IS NOT NULL AND id = ANY(\(Array(ids[start..<min(start + 5000, ids.count)])))
                    """, on: connection)
                {
                    let (id, agency) = try row.decode((String, String).self)
                    agencies[id] = agency
                }
            }
            var byAgency: [AgencyTopic: Int] = [:]
            for (conversation, topics) in byConversation {
                for (topic, count) in topics {
                    byAgency[AgencyTopic(agency: agencies[conversation], topic: topic), default: 0] += count
                }
            }

            let unit = query.unit
            let open = TicketStatus.open.map(\.rawValue)
            let tickets = try await rows("""
                SELECT t.unit, t.status = ANY(\(open)) AND t.due < \(now),
                       extract(epoch FROM t.answered_at - t.created_at)::float8 / 3600,
                       extract(epoch FROM (SELECT min(e.date) FROM ticket_event e WHERE e.ticket = t.number
                                           AND e.action = \(TicketAction.closed.rawValue)) - t.created_at)::float8 / 3600,
                       COALESCE(c.agency, t.agency), t.status = ANY(\(open)), extract(epoch FROM \(now) - t.created_at)::float8 / 3600
                FROM ticket t LEFT JOIN conversation c ON c.id = t.conversation_id
                WHERE t.created_at >= \(from) AND t.created_at < \(to) AND (\(unit)::text IS NULL OR t.unit = \(unit))
                """, on: connection).map { row in
                let (unit, late, first, close, agency, isOpen, age) = try row.decode(
                    (String, Bool, Double?, Double?, String?, Bool, Double).self)
                return ReportCounts.TicketFigures(unit: unit, pastDue: late, firstResponseHours: first, resolutionHours: close,
                                                  agency: agency, open: isOpen, waitHours: first ?? (isOpen ? age : close))
            }
            let ratings = try await rows("""
                SELECT t.topic, t.unit, r.score FROM rating r JOIN ticket t ON t.number = r.ticket
                WHERE r.date >= \(from) AND r.date < \(to) AND (\(unit)::text IS NULL OR t.unit = \(unit))
                """, on: connection).map { row in
                let (topic, unit, score) = try row.decode((String, String, Int).self)
                return ReportCounts.Rating(topic: topic, unit: unit, score: score)
            }
            let openTickets = try await rows("""
                SELECT t.unit, extract(epoch FROM \(now) - t.created_at)::float8 / 86400 FROM ticket t
                WHERE t.status = ANY(\(open)) AND (\(unit)::text IS NULL OR t.unit = \(unit))
                """, on: connection).map { row in
                let (unit, days) = try row.decode((String, Double).self)
                return (unit: unit, days: days)
            }
            // The same wording counted in SQL; alike wordings are grouped by the builder. An
            // anonymised ticket has no wording left to group.
            let escalated = try await rows("""
                SELECT t.question, count(*)::bigint, array_agg(t.number ORDER BY t.number),
                       COALESCE(array_agg(DISTINCT c.name) FILTER (WHERE c.name IS NOT NULL), '{}')
                FROM ticket t LEFT JOIN conversation c ON c.id = t.conversation_id
                WHERE t.created_at >= \(from) AND t.created_at < \(to) AND (\(unit)::text IS NULL OR t.unit = \(unit))
                  AND t.conversation_id IS NOT NULL
                GROUP BY t.question ORDER BY 2 DESC LIMIT 2000
                """, on: connection).map { row in
                let (question, count, numbers, names) = try row.decode((String, Int, [Int], [String]).self)
                return ReportCounts.EscalatedWording(question: question, count: count, tickets: numbers, names: names)
            }
            return ReportCounts(
                messages: Array(groups.values), previousQuestions: previous, tickets: tickets, ratings: ratings,
                openTickets: openTickets, escalated: escalated,
                questionsByAgency: byAgency.map { ReportCounts.AgencyQuestions(agency: $0.key.agency, topic: $0.key.topic,
                                                                              count: $0.value) })
        }
    }

    /// The week (`YYYY-Www`, weeks starting on Monday, the days before the year's first Monday
    /// in week 00: SQLite's `%Y-W%W`, which the SQLite store's report uses) and the month
    /// (`YYYY-MM`) of a day `YYYY-MM-DD`.
    static func weekAndMonth(_ day: String) -> (week: String, month: String) {
        let parts = day.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return ("", "") }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let date = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2])),
            let dayOfYear = calendar.ordinality(of: .day, in: .year, for: date)
        else { return ("", "") }
        let weekday = calendar.component(.weekday, from: date)  // 1 = Sunday
        let mondayBased = (weekday + 5) % 7  // 0 = Monday
        let week = (dayOfYear - 1 + 7 - mondayBased) / 7
        return ("\(parts[0])-W" + (week < 10 ? "0\(week)" : "\(week)"), String(day.prefix(7)))
    }

    /// A key of the figures by province.
    private struct AgencyTopic: Hashable {
        var agency: String?
        var topic: String
    }
}
