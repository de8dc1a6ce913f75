import Foundation
import Retrieval

/// Makes a `Report` from the counts a `ReportStore` gathers (grouped in the store's engine:
/// only groups, per-ticket times and ratings come to Swift).
package struct ReportBuilder: Sendable {
    let store: any ReportStore
    /// Topics with their names and owning units.
    let topics: [Topic]
    /// The provinces askers' agencies are placed in.
    let provinces: ProvinceDirectory

    /// Creates a builder over a store.
    package init(store: any ReportStore, topics: [Topic], provinces: ProvinceDirectory = .empty) {
        self.store = store
        self.topics = topics
        self.provinces = provinces
    }

    /// The report for `[since, until)`, for one unit (its topics and tickets) or all.
    /// - Throws: `ReportPeriod.Invalid` for a period outside 2000–2100 or empty.
    package func build(since: Date, until: Date, unit: String? = nil, now: Date) async throws -> Report {
        _ = try ReportPeriod(since: since, until: until)
        let unitTopics = unit.map { unit in topics.filter { $0.unit == unit }.map(\.id) }
        let names = Dictionary(topics.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        let counts = try await store.reportCounts(
            ReportQuery(since: since, until: until, unit: unit, topics: unitTopics, now: now))
        var questions: [String: Int] = [:]
        var weekly: [String: Int] = [:]
        var monthly: [String: Int] = [:]
        var weeklyByTopic: [String: [String: Int]] = [:]
        var monthlyByTopic: [String: [String: Int]] = [:]
        var answered = 0
        var feedback: [Bool: Int] = [:]
        for group in counts.messages {
            if group.kind == "feedback" {
                // Feedback is not tied to a topic; a unit's report leaves it out.
                if unit == nil { feedback[group.helpful, default: 0] += group.count }
                continue
            }
            questions[group.topic, default: 0] += group.count
            weekly[group.week, default: 0] += group.count
            monthly[group.month, default: 0] += group.count
            weeklyByTopic[group.week, default: [:]][group.topic, default: 0] += group.count
            monthlyByTopic[group.month, default: [:]][group.topic, default: 0] += group.count
            if group.kind == "answer" { answered += group.count }
        }
        let previous = counts.previousQuestions
        let volumes = Set(questions.keys).union(previous.keys).map { topic in
            Report.TopicVolume(topic: topic, name: names[topic] ?? "Khác", count: questions[topic] ?? 0,
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

        var byUnit: [String: (count: Int, first: [Double], close: [Double], late: Int)] = [:]
        // Changed in place: a copy taken out and put back copied the unit's arrays at every
        // ticket (quadratic in a unit's tickets).
        for ticket in counts.tickets {
            Self.update(&byUnit, ticket.unit, default: (0, [], [], 0)) { entry in
                entry.count += 1
                if let hours = ticket.firstResponseHours { entry.first.append(hours) }
                if let hours = ticket.resolutionHours { entry.close.append(hours) }
                if ticket.pastDue { entry.late += 1 }
            }
        }
        let times = byUnit.keys.sorted().map { unit in
            let entry = byUnit[unit]!
            return Report.UnitTimes(unit: unit, tickets: entry.count, firstResponseMedian: Self.percentile(entry.first, 0.5),
                                    firstResponseP90: Self.percentile(entry.first, 0.9),
                                    resolutionMedian: Self.percentile(entry.close, 0.5),
                                    resolutionP90: Self.percentile(entry.close, 0.9), pastDue: entry.late)
        }

        func satisfaction(_ key: KeyPath<ReportCounts.Rating, String>) -> [Report.Satisfaction] {
            let grouped = Dictionary(grouping: counts.ratings, by: { $0[keyPath: key] })
            return grouped.keys.sorted().map { name in
                let scores = grouped[name]!.map(\.score)
                return Report.Satisfaction(key: name, count: scores.count,
                                           mean: Double(scores.reduce(0, +)) / Double(scores.count),
                                           shareAtLeast4: Double(scores.filter { $0 >= 4 }.count) / Double(scores.count))
            }
        }

        // The open backlog now, by unit and age.
        var backlog: [String: Report.Backlog] = [:]
        for (unit, days) in counts.openTickets {
            var entry = backlog[unit] ?? Report.Backlog(unit: unit)
            switch days {
            case ..<1: entry.underOneDay += 1
            case ..<3: entry.oneToThreeDays += 1
            case ..<7: entry.threeToSevenDays += 1
            default: entry.overSevenDays += 1
            }
            backlog[unit] = entry
        }

        let masker = PersonalDataMasker()
        var report = Report(
            since: since, until: until, unit: unit, questions: questions.values.reduce(0, +),
            previousQuestions: previous.values.reduce(0, +), topics: volumes,
            weekly: flat(weekly), monthly: flat(monthly), weeklyByTopic: flat(weeklyByTopic),
            monthlyByTopic: flat(monthlyByTopic),
            botAnswered: answered, helpful: feedback[true] ?? 0, notHelpful: feedback[false] ?? 0,
            tickets: counts.tickets.count, satisfactionByTopic: satisfaction(\.topic), satisfactionByUnit: satisfaction(\.unit),
            times: times, backlog: backlog.keys.sorted().map { backlog[$0]! },
            // Managers read these: the askers' names, numbers and addresses stay in their tickets.
            frequentEscalations: Self.group(counts.escalated.map { ($0.question, $0.count, $0.tickets, $0.names) })
                .map { group, names in
                    var group = group
                    group.question = masker.mask(group.question, askerNames: names)
                    return group
                })
        (report.provinces, report.unplacedQuestions, report.unplacedTickets) = byProvince(counts, names: names)
        return report
    }

    /// The period's questions and tickets by the province their askers' agencies name, and
    /// how many name none.
    func byProvince(_ counts: ReportCounts, names: [String: String])
        -> (provinces: [Report.ProvinceFigures], unplacedQuestions: Int, unplacedTickets: Int)
    {
        // Agencies repeat (every conversation of a department): each is read once.
        var placed: [String: Province?] = [:]
        func province(_ agency: String?) -> Province? {
            guard let agency else { return nil }
            if let known = placed[agency] { return known }
            let found = provinces.province(forAgency: agency)
            placed[agency] = found
            return found
        }
        var figures: [String: (province: Province, topics: [String: Int], open: Int, late: Int, tickets: Int, waits: [Double])] = [:]
        var unplacedQuestions = 0
        var unplacedTickets = 0
        for group in counts.questionsByAgency {
            guard let found = province(group.agency) else {
                unplacedQuestions += group.count
                continue
            }
            figures[found.id, default: (found, [:], 0, 0, 0, [])].topics[group.topic, default: 0] += group.count
        }
        for ticket in counts.tickets {
            guard let found = province(ticket.agency) else {
                unplacedTickets += 1
                continue
            }
            Self.update(&figures, found.id, default: (found, [:], 0, 0, 0, [])) { entry in
                entry.tickets += 1
                if ticket.open { entry.open += 1 }
                if ticket.pastDue { entry.late += 1 }
                if let hours = ticket.waitHours { entry.waits.append(hours) }
            }
        }
        let rows = figures.values.map { entry in
            Report.ProvinceFigures(
                province: entry.province.id, name: entry.province.name, questions: entry.topics.values.reduce(0, +),
                tickets: entry.tickets, openTickets: entry.open, pastDue: entry.late,
                waitMedianHours: Self.percentile(entry.waits, 0.5), waitMaxHours: entry.waits.max(),
                topics: entry.topics.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(3).map {
                    Report.TopicCount(topic: $0.key, name: names[$0.key] ?? "Khác", count: $0.value)
                })
        }.sorted { ($0.questions, $0.tickets, $1.province) > ($1.questions, $1.tickets, $0.province) }
        return (rows, unplacedQuestions, unplacedTickets)
    }

    /// Changes the value of `key` (made from `initial` if absent) in place, its arrays
    /// uniquely referenced while `change` appends to them.
    static func update<Value>(_ dictionary: inout [String: Value], _ key: String, default initial: @autoclosure () -> Value,
                              _ change: (inout Value) -> Void)
    {
        if dictionary[key] == nil { dictionary[key] = initial() }
        change(&dictionary[key]!)
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
