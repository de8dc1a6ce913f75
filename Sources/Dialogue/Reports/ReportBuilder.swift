import Foundation
import GRDB
import Retrieval

/// Builds a `Report` from the SQLite store with grouped SQL (the store may hold millions of
/// messages: counting happens in SQLite, only per-ticket times and ratings come to Swift).
package struct ReportBuilder: Sendable {
    let store: SQLiteStore
    /// Topics with their names and owning units.
    let topics: [Topic]

    /// Creates a builder over a store.
    package init(store: SQLiteStore, topics: [Topic]) {
        self.store = store
        self.topics = topics
    }

    /// The report for `[since, until)`, for one unit (its topics and tickets) or all.
    package func build(since: Date, until: Date, unit: String? = nil, now: Date = Date()) async throws -> Report {
        let from = StoredDate.text(since)
        let to = StoredDate.text(until)
        let before = StoredDate.text(since.addingTimeInterval(-until.timeIntervalSince(since)))
        let unitTopics = unit.map { unit in topics.filter { $0.unit == unit }.map(\.id) }
        let names = Dictionary(topics.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        let nowText = StoredDate.text(now)
        return try await store.writer.read { db in
            // Questions: replies to questions carry the topic of the answer or the ticket.
            var topicFilter = ""
            var topicArguments: StatementArguments = []
            if let unitTopics {
                topicFilter = " AND topic IN (\(databaseQuestionMarks(count: max(unitTopics.count, 1))))"
                topicArguments = StatementArguments(unitTopics.isEmpty ? [""] : unitTopics)
            }
            let questionKinds = "direction = 'out' AND kind IN ('answer', 'suggest', 'escalate', 'escalated')"
            func counts(_ from: String, _ to: String) throws -> [String: Int] {
                var result: [String: Int] = [:]
                for row in try Row.fetchAll(
                    db, sql: "SELECT COALESCE(topic, 'khac') AS t, COUNT(*) AS n FROM message WHERE \(questionKinds) "
                        + "AND date >= ? AND date < ?\(topicFilter) GROUP BY t",
                    arguments: [from, to] + topicArguments)
                {
                    result[row["t"]] = row["n"]
                }
                return result
            }
            let now = try counts(from, to)
            let previous = try counts(before, from)
            let volumes = Set(now.keys).union(previous.keys).map { topic in
                Report.TopicVolume(topic: topic, name: names[topic] ?? "Khác", count: now[topic] ?? 0,
                                   previous: previous[topic] ?? 0)
            }.sorted { ($0.count, $1.topic) > ($1.count, $0.topic) }

            func periods(_ format: String, byTopic: Bool) throws -> [Report.PeriodCount] {
                let topicColumn = byTopic ? "COALESCE(topic, 'khac')" : "NULL"
                return try Row.fetchAll(
                    db, sql: "SELECT strftime('\(format)', date) AS p, \(topicColumn) AS t, COUNT(*) AS n FROM message "
                        + "WHERE \(questionKinds) AND date >= ? AND date < ?\(topicFilter) GROUP BY p, t ORDER BY p, t",
                    arguments: [from, to] + topicArguments
                ).map { Report.PeriodCount(period: $0["p"], topic: $0["t"], count: $0["n"]) }
            }

            let answered = try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM message WHERE direction = 'out' AND kind = 'answer' AND date >= ? AND date < ?"
                    + topicFilter, arguments: [from, to] + topicArguments) ?? 0
            // Feedback is not tied to a topic; a unit's report leaves it out.
            let feedback = unit != nil ? [:] : Dictionary(
                try Row.fetchAll(
                    db, sql: """
                        SELECT text IN ('helpful', '/yes') AS good, COUNT(*) AS n FROM message
                        WHERE direction = 'in' AND kind = 'feedback' AND date >= ? AND date < ? GROUP BY good
                        """, arguments: [from, to]).map { (($0["good"] as Bool), ($0["n"] as Int)) },
                uniquingKeysWith: +)

            // Tickets of the period (and of the unit).
            let unitFilter = unit == nil ? "" : " AND t.unit = ?"
            let unitArgument: StatementArguments = unit.map { [$0] } ?? []
            let ticketRows = try Row.fetchAll(
                db, sql: """
                    SELECT t.number, t.unit, t.status, t.due < ? AS late,
                           (julianday(t.answeredAt) - julianday(t.createdAt)) * 24 AS firstHours,
                           (julianday((SELECT MIN(e.date) FROM ticketEvent e WHERE e.ticket = t.number AND e.action = 'closed'))
                             - julianday(t.createdAt)) * 24 AS closeHours
                    FROM ticket t WHERE t.createdAt >= ? AND t.createdAt < ?\(unitFilter)
                    """, arguments: [nowText, from, to] + unitArgument)
            var byUnit: [String: (count: Int, first: [Double], close: [Double], late: Int)] = [:]
            for row in ticketRows {
                let unit: String = row["unit"]
                var entry = byUnit[unit] ?? (0, [], [], 0)
                entry.count += 1
                if let hours = row["firstHours"] as Double? { entry.first.append(hours) }
                if let hours = row["closeHours"] as Double? { entry.close.append(hours) }
                let status: String = row["status"]
                if (status == "new" || status == "assigned") && (row["late"] as Bool) { entry.late += 1 }
                byUnit[unit] = entry
            }
            let times = byUnit.keys.sorted().map { unit in
                let entry = byUnit[unit]!
                return Report.UnitTimes(unit: unit, tickets: entry.count, firstResponseMedian: Self.percentile(entry.first, 0.5),
                                        firstResponseP90: Self.percentile(entry.first, 0.9),
                                        resolutionMedian: Self.percentile(entry.close, 0.5),
                                        resolutionP90: Self.percentile(entry.close, 0.9), pastDue: entry.late)
            }

            // Ratings given in the period.
            let ratings = try Row.fetchAll(
                db, sql: "SELECT t.topic, t.unit, r.score FROM rating r JOIN ticket t ON t.number = r.ticket "
                    + "WHERE r.date >= ? AND r.date < ?\(unitFilter)", arguments: [from, to] + unitArgument)
            func satisfaction(_ key: String) -> [Report.Satisfaction] {
                let grouped = Dictionary(grouping: ratings, by: { $0[key] as String })
                return grouped.keys.sorted().map { name in
                    let scores = grouped[name]!.map { $0["score"] as Int }
                    return Report.Satisfaction(key: name, count: scores.count,
                                               mean: Double(scores.reduce(0, +)) / Double(scores.count),
                                               shareAtLeast4: Double(scores.filter { $0 >= 4 }.count) / Double(scores.count))
                }
            }

            // The open backlog now, by unit and age.
            var backlog: [String: Report.Backlog] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT t.unit, julianday(?) - julianday(t.createdAt) AS days FROM ticket t "
                    + "WHERE t.status IN ('new', 'assigned')\(unitFilter)", arguments: [nowText] + unitArgument)
            {
                let unit: String = row["unit"]
                let days: Double = row["days"]
                var entry = backlog[unit] ?? Report.Backlog(unit: unit)
                switch days {
                case ..<1: entry.underOneDay += 1
                case ..<3: entry.oneToThreeDays += 1
                case ..<7: entry.threeToSevenDays += 1
                default: entry.overSevenDays += 1
                }
                backlog[unit] = entry
            }

            // Escalated questions, the same wording counted in SQL, then alike wordings grouped.
            let escalated = try Row.fetchAll(
                db, sql: "SELECT t.question, COUNT(*) AS n, GROUP_CONCAT(t.number) AS numbers FROM ticket t "
                    + "WHERE t.createdAt >= ? AND t.createdAt < ?\(unitFilter) GROUP BY t.question ORDER BY n DESC LIMIT 2000",
                arguments: [from, to] + unitArgument
            ).map { row in
                (question: row["question"] as String, count: row["n"] as Int,
                 tickets: (row["numbers"] as String).split(separator: ",").compactMap { Int($0) })
            }

            return Report(
                since: since, until: until, unit: unit, questions: now.values.reduce(0, +),
                previousQuestions: previous.values.reduce(0, +), topics: volumes,
                weekly: try periods("%Y-W%W", byTopic: false), monthly: try periods("%Y-%m", byTopic: false),
                weeklyByTopic: try periods("%Y-W%W", byTopic: true), monthlyByTopic: try periods("%Y-%m", byTopic: true),
                botAnswered: answered, helpful: feedback[true] ?? 0, notHelpful: feedback[false] ?? 0,
                tickets: ticketRows.count, satisfactionByTopic: satisfaction("topic"), satisfactionByUnit: satisfaction("unit"),
                times: times, backlog: backlog.keys.sorted().map { backlog[$0]! },
                frequentEscalations: Self.group(escalated))
        }
    }

    /// Nearest-rank percentile (nil for no values).
    static func percentile(_ values: [Double], _ p: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        return sorted[max(0, min(sorted.count - 1, Int((p * Double(sorted.count)).rounded(.up)) - 1))]
    }

    /// Groups wordings whose folded words overlap by at least half (Jaccard), most frequent
    /// first; the ten biggest groups.
    static func group(_ questions: [(question: String, count: Int, tickets: [Int])]) -> [Report.QuestionGroup] {
        var groups: [(words: Set<Substring>, group: Report.QuestionGroup)] = []
        for item in questions {
            let words = Set(Diacritics.foldedWords(item.question))
            if let index = groups.firstIndex(where: { candidate in
                let union = candidate.words.union(words).count
                return union > 0 && Double(candidate.words.intersection(words).count) / Double(union) >= 0.5
            }) {
                groups[index].group.count += item.count
                groups[index].group.tickets += item.tickets.prefix(5 - min(5, groups[index].group.tickets.count))
            } else {
                groups.append((words, Report.QuestionGroup(question: item.question, count: item.count,
                                                           tickets: Array(item.tickets.prefix(5)))))
            }
        }
        return Array(groups.map(\.group).sorted { ($0.count, $1.question) > ($1.count, $0.question) }.prefix(10))
    }
}
