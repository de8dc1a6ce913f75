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
    /// - Throws: `ReportPeriod.Invalid` for a period outside 2000–2100 or empty.
    package func build(since: Date, until: Date, unit: String? = nil, now: Date = Date()) async throws -> Report {
        _ = try ReportPeriod(since: since, until: until)
        let from = StoredDate.text(since)
        let to = StoredDate.text(until)
        let before = StoredDate.text(since.addingTimeInterval(-until.timeIntervalSince(since)))
        let unitTopics = unit.map { unit in topics.filter { $0.unit == unit }.map(\.id) }
        let names = Dictionary(topics.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        let nowText = StoredDate.text(now)
        let masker = PersonalDataMasker()
        return try await store.writer.read { db in
            // Questions: replies to questions carry the topic of the answer or the ticket.
            var topicFilter = ""
            var topicArguments: StatementArguments = []
            if let unitTopics {
                topicFilter = " AND topic IN (\(databaseQuestionMarks(count: max(unitTopics.count, 1))))"
                topicArguments = StatementArguments(unitTopics.isEmpty ? [""] : unitTopics)
            }
            let questionKinds = "kind IN ('answer', 'suggest', 'escalate', 'escalated')"
            // One pass over the period's messages, grouped by topic, kind, week and month
            // (a few thousand groups); everything about questions and feedback is summed from them.
            let groups = try Row.fetchAll(
                db, sql: """
                    SELECT COALESCE(topic, 'khac') AS t, kind AS k, strftime('%Y-W%W', date) AS w, strftime('%Y-%m', date) AS m,
                           LOWER(text) IN ('helpful', '/yes') AS good, COUNT(*) AS n
                    FROM message
                    WHERE date >= ? AND date < ? AND ((direction = 'out' AND \(questionKinds)\(topicFilter))
                          OR (direction = 'in' AND kind = 'feedback'))
                    GROUP BY t, k, w, m, good
                    """, arguments: [from, to] + topicArguments)
            var now: [String: Int] = [:]
            var weekly: [String: Int] = [:]
            var monthly: [String: Int] = [:]
            var weeklyByTopic: [String: [String: Int]] = [:]
            var monthlyByTopic: [String: [String: Int]] = [:]
            var answered = 0
            var feedback: [Bool: Int] = [:]
            for row in groups {
                let kind: String = row["k"]
                let count: Int = row["n"]
                if kind == "feedback" {
                    // Feedback is not tied to a topic; a unit's report leaves it out.
                    if unit == nil { feedback[row["good"] as Bool, default: 0] += count }
                    continue
                }
                let topic: String = row["t"]
                let week: String = row["w"]
                let month: String = row["m"]
                now[topic, default: 0] += count
                weekly[week, default: 0] += count
                monthly[month, default: 0] += count
                weeklyByTopic[week, default: [:]][topic, default: 0] += count
                monthlyByTopic[month, default: [:]][topic, default: 0] += count
                if kind == "answer" { answered += count }
            }
            var previous: [String: Int] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT COALESCE(topic, 'khac') AS t, COUNT(*) AS n FROM message WHERE direction = 'out' AND "
                    + "\(questionKinds) AND date >= ? AND date < ?\(topicFilter) GROUP BY t",
                arguments: [before, from] + topicArguments)
            {
                previous[row["t"]] = row["n"]
            }
            let volumes = Set(now.keys).union(previous.keys).map { topic in
                Report.TopicVolume(topic: topic, name: names[topic] ?? "Khác", count: now[topic] ?? 0,
                                   previous: previous[topic] ?? 0)
            }.sorted { ($0.count, $1.topic) > ($1.count, $0.topic) }
            func flat(_ counts: [String: Int]) -> [Report.PeriodCount] {
                counts.keys.sorted().map { Report.PeriodCount(period: $0, topic: nil, count: counts[$0]!) }
            }
            func flat(_ counts: [String: [String: Int]]) -> [Report.PeriodCount] {
                counts.keys.sorted().flatMap { period in
                    counts[period]!.keys.sorted().map { Report.PeriodCount(period: period, topic: $0, count: counts[period]![$0]!) }
                }
            }

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
                db, sql: "SELECT t.question, COUNT(*) AS n, GROUP_CONCAT(t.number) AS numbers, "
                    + "GROUP_CONCAT(DISTINCT c.name) AS names FROM ticket t LEFT JOIN conversation c ON c.id = t.conversationId "
                    + "WHERE t.createdAt >= ? AND t.createdAt < ?\(unitFilter) GROUP BY t.question ORDER BY n DESC LIMIT 2000",
                arguments: [from, to] + unitArgument
            ).map { row in
                (question: row["question"] as String, count: row["n"] as Int,
                 tickets: (row["numbers"] as String).split(separator: ",").compactMap { Int($0) },
                 names: ((row["names"] as String?) ?? "").split(separator: ",").map(String.init))
            }

            return Report(
                since: since, until: until, unit: unit, questions: now.values.reduce(0, +),
                previousQuestions: previous.values.reduce(0, +), topics: volumes,
                weekly: flat(weekly), monthly: flat(monthly), weeklyByTopic: flat(weeklyByTopic),
                monthlyByTopic: flat(monthlyByTopic),
                botAnswered: answered, helpful: feedback[true] ?? 0, notHelpful: feedback[false] ?? 0,
                tickets: ticketRows.count, satisfactionByTopic: satisfaction("topic"), satisfactionByUnit: satisfaction("unit"),
                times: times, backlog: backlog.keys.sorted().map { backlog[$0]! },
                // Managers read these: the askers' names, numbers and addresses stay in their tickets.
                frequentEscalations: Self.group(escalated).map { group, names in
                    var group = group
                    group.question = masker.mask(group.question, askerNames: names)
                    return group
                })
        }
    }

    /// Nearest-rank percentile (nil for no values).
    static func percentile(_ values: [Double], _ p: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        return sorted[max(0, min(sorted.count - 1, Int((p * Double(sorted.count)).rounded(.up)) - 1))]
    }

    /// Groups wordings whose folded words overlap by at least half (Jaccard), most frequent
    /// first; the ten biggest groups, each with the names its askers gave (for masking).
    static func group(_ questions: [(question: String, count: Int, tickets: [Int], names: [String])])
        -> [(Report.QuestionGroup, names: [String])]
    {
        var groups: [(words: Set<Substring>, group: Report.QuestionGroup, names: [String])] = []
        // Bounded work whatever the questions hold: a question is compared by its first 40 words,
        // and only the 200 most asked wordings start a group (the rest, asked less, may join one).
        // A handler's `stats` runs this; a store of long, distinct questions must not make it slow.
        for item in questions {
            let words = Set(Diacritics.foldedWords(item.question).prefix(40))
            if let index = groups.firstIndex(where: { candidate in
                let union = candidate.words.union(words).count
                return union > 0 && Double(candidate.words.intersection(words).count) / Double(union) >= 0.5
            }) {
                groups[index].group.count += item.count
                groups[index].group.tickets += item.tickets.prefix(5 - min(5, groups[index].group.tickets.count))
                groups[index].names += item.names.prefix(max(0, 50 - groups[index].names.count))
            } else if groups.count < 200 {
                groups.append((words, Report.QuestionGroup(question: item.question, count: item.count,
                                                           tickets: Array(item.tickets.prefix(5))), item.names))
            }
        }
        return Array(groups.sorted { ($0.group.count, $1.group.question) > ($1.group.count, $0.group.question) }
            .prefix(10).map { ($0.group, $0.names) })
    }
}
