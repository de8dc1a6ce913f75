import Foundation

/// What managers read to see where e-government support is stuck: how often each topic is
/// asked and which are rising, how much the bot resolves alone, how satisfied askers are with
/// each topic and unit, how fast units answer, what is waiting, the questions that keep being
/// escalated, and where (by the askers' provinces) deployment is stuck. Built from the store by `ReportBuilder`; written out by the Adapters.
package struct Report: Sendable, Hashable {
    /// Questions on one topic in the period and in the period before it.
    package struct TopicVolume: Sendable, Hashable {
        package var topic: String
        package var name: String
        package var count: Int
        package var previous: Int

        /// Relative change against the previous period (nil when there was nothing before).
        package var change: Double? { previous == 0 ? nil : Double(count - previous) / Double(previous) }
    }

    /// A count in one week (`2026-W47`) or month (`2026-11`), for one topic or all.
    package struct PeriodCount: Sendable, Hashable {
        package var period: String
        package var topic: String?
        package var count: Int
    }

    /// Ratings of tickets of one topic or unit.
    package struct Satisfaction: Sendable, Hashable {
        package var key: String
        package var count: Int
        package var mean: Double
        /// Share of ratings 4 or 5.
        package var shareAtLeast4: Double
    }

    /// How fast a unit answers, in hours (nil without data), and what is past due.
    package struct UnitTimes: Sendable, Hashable {
        package var unit: String
        package var tickets: Int
        package var firstResponseMedian: Double?
        package var firstResponseP90: Double?
        package var resolutionMedian: Double?
        package var resolutionP90: Double?
        /// Open tickets whose due time has passed.
        package var pastDue: Int
    }

    /// Open tickets of a unit by age.
    package struct Backlog: Sendable, Hashable {
        package var unit: String
        package var underOneDay = 0
        package var oneToThreeDays = 0
        package var threeToSevenDays = 0
        package var overSevenDays = 0

        package var total: Int { underOneDay + oneToThreeDays + threeToSevenDays + overSevenDays }
    }

    /// Escalated questions that are alike: a candidate for a new knowledge-base entry.
    package struct QuestionGroup: Sendable, Hashable {
        /// The most frequent wording.
        package var question: String
        package var count: Int
        /// Some of its tickets.
        package var tickets: [Int]
    }

    /// Questions of one topic in one province.
    package struct TopicCount: Sendable, Hashable {
        package var topic: String
        package var name: String
        package var count: Int
    }

    /// What askers of one province asked and how long they waited: the period's questions and
    /// tickets whose conversation's agency names the province (or a province merged into it).
    package struct ProvinceFigures: Sendable, Hashable {
        /// The province's code (`nghe-an`).
        package var province: String
        package var name: String
        package var questions: Int
        /// Tickets raised in the period.
        package var tickets: Int
        /// Of them, still open now.
        package var openTickets: Int
        /// Of them, open and past their due time.
        package var pastDue: Int
        /// Hours from a ticket's creation to its first answer (to now for one still open,
        /// to its close for one closed unanswered): the median and the longest (nil: no tickets).
        package var waitMedianHours: Double?
        package var waitMaxHours: Double?
        /// The three topics asked most, most first.
        package var topics: [TopicCount]
    }

    package var since: Date
    package var until: Date
    /// The unit the report is restricted to (nil: all).
    package var unit: String?

    /// Questions (messages the bot answered, suggested for, or escalated) in the period.
    package var questions: Int
    /// Questions in the period of the same length before.
    package var previousQuestions: Int
    /// Per topic, most asked first.
    package var topics: [TopicVolume]
    package var weekly: [PeriodCount]
    package var monthly: [PeriodCount]
    package var weeklyByTopic: [PeriodCount]
    package var monthlyByTopic: [PeriodCount]

    /// Questions the bot answered itself (no ticket).
    package var botAnswered: Int
    /// Feedback on bot answers.
    package var helpful: Int
    package var notHelpful: Int
    /// Tickets raised in the period.
    package var tickets: Int

    package var satisfactionByTopic: [Satisfaction]
    package var satisfactionByUnit: [Satisfaction]
    package var times: [UnitTimes]
    package var backlog: [Backlog]
    package var frequentEscalations: [QuestionGroup]
    /// By the askers' province, most questions first (then most tickets); only provinces with
    /// a question or a ticket.
    package var provinces: [ProvinceFigures] = []
    /// Questions and tickets whose asker gave no agency, or one that names no province (a
    /// ministry, a national department).
    package var unplacedQuestions = 0
    package var unplacedTickets = 0

    /// Share of questions the bot answered without a ticket.
    package var autoResolution: Double { questions == 0 ? 0 : Double(botAnswered) / Double(questions) }
    /// Share of rated bot answers marked helpful.
    package var helpfulShare: Double? { helpful + notHelpful == 0 ? nil : Double(helpful) / Double(helpful + notHelpful) }

    /// The topics that rose most against the previous period (at least 5 questions now).
    package var rising: [TopicVolume] {
        topics.filter { $0.count >= 5 && $0.count > $0.previous }
            .sorted { ($0.count - $0.previous, $0.topic) > ($1.count - $1.previous, $1.topic) }
    }
}
