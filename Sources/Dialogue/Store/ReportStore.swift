import Foundation

/// What a report is counted from. The store sums in its own engine (it may hold millions of
/// messages) and hands over groups and per-ticket figures; `ReportBuilder` makes the report
/// from them, the same for every store.
package protocol ReportStore: Sendable {
    /// The counts of one period (and the period of the same length before it).
    func reportCounts(_ query: ReportQuery) async throws -> ReportCounts
}

/// The period and unit a report is asked for.
package struct ReportQuery: Sendable, Hashable {
    /// Start of the period.
    package var since: Date
    /// End of the period (not included).
    package var until: Date
    /// A unit's tickets only (nil: all).
    package var unit: String?
    /// A unit's topics only (nil: all; empty: none).
    package var topics: [String]?
    /// The time now (for what is past due and how old the open tickets are).
    package var now: Date

    /// Start of the period of the same length before this one.
    package var previousSince: Date { since.addingTimeInterval(-until.timeIntervalSince(since)) }

    /// Creates a query.
    package init(since: Date, until: Date, unit: String?, topics: [String]?, now: Date) {
        self.since = since
        self.until = until
        self.unit = unit
        self.topics = topics
        self.now = now
    }
}

/// A period's figures as a store counts them.
package struct ReportCounts: Sendable {
    /// Replies to questions of one topic, kind, week and month, or feedback of one sign.
    package struct MessageGroup: Sendable {
        /// The topic (`khac` for none).
        package var topic: String
        /// The reply's kind (`answer`, `suggest`, `escalate`, `escalated`) or `feedback`.
        package var kind: String
        /// `YYYY-Www`.
        package var week: String
        /// `YYYY-MM`.
        package var month: String
        /// Feedback saying the answer helped.
        package var helpful: Bool
        /// How many.
        package var count: Int

        /// Creates a group.
        package init(topic: String, kind: String, week: String, month: String, helpful: Bool, count: Int) {
            self.topic = topic
            self.kind = kind
            self.week = week
            self.month = month
            self.helpful = helpful
            self.count = count
        }
    }

    /// Questions of one topic asked from conversations of one agency.
    package struct AgencyQuestions: Sendable {
        /// The conversation's agency as given (nil: none).
        package var agency: String?
        /// The topic (`khac` for none).
        package var topic: String
        /// How many.
        package var count: Int

        /// Creates a group.
        package init(agency: String?, topic: String, count: Int) {
            self.agency = agency
            self.topic = topic
            self.count = count
        }
    }

    /// One ticket raised in the period.
    package struct TicketFigures: Sendable {
        /// Its unit.
        package var unit: String
        /// Still open (new or assigned) and past its due time.
        package var pastDue: Bool
        /// Hours to the first answer (nil: none yet).
        package var firstResponseHours: Double?
        /// Hours to the first close (nil: never closed).
        package var resolutionHours: Double?
        /// The agency of the conversation that raised it (nil: none given).
        package var agency: String?
        /// Still open (new, assigned, waiting for the asker).
        package var open: Bool
        /// Hours the asker waited: to the first answer, else to now while open, else to the
        /// close (nil: none of these).
        package var waitHours: Double?

        /// Creates a ticket's figures.
        package init(unit: String, pastDue: Bool, firstResponseHours: Double?, resolutionHours: Double?,
                     agency: String? = nil, open: Bool = false, waitHours: Double? = nil)
        {
            self.unit = unit
            self.pastDue = pastDue
            self.firstResponseHours = firstResponseHours
            self.resolutionHours = resolutionHours
            self.agency = agency
            self.open = open
            self.waitHours = waitHours
        }
    }

    /// One rating given in the period.
    package struct Rating: Sendable {
        /// The ticket's topic and unit.
        package var topic: String
        package var unit: String
        /// 1–5.
        package var score: Int

        /// Creates a rating.
        package init(topic: String, unit: String, score: Int) {
            self.topic = topic
            self.unit = unit
            self.score = score
        }
    }

    /// One wording asked of the desk in the period.
    package struct EscalatedWording: Sendable {
        /// The question as its tickets hold it.
        package var question: String
        /// How many tickets asked it.
        package var count: Int
        /// Their numbers.
        package var tickets: [Int]
        /// The names its askers gave (to mask them).
        package var names: [String]

        /// Creates a wording.
        package init(question: String, count: Int, tickets: [Int], names: [String]) {
            self.question = question
            self.count = count
            self.tickets = tickets
            self.names = names
        }
    }

    /// Replies and feedback of the period, grouped.
    package var messages: [MessageGroup]
    /// Questions of the period before, by topic.
    package var previousQuestions: [String: Int]
    /// The period's tickets.
    package var tickets: [TicketFigures]
    /// The period's ratings.
    package var ratings: [Rating]
    /// Every ticket open now: its unit and age in days.
    package var openTickets: [(unit: String, days: Double)]
    /// The period's wordings, most asked first (at most 2,000).
    package var escalated: [EscalatedWording]
    /// The period's questions by the asker's agency and topic.
    package var questionsByAgency: [AgencyQuestions]

    /// Creates the counts.
    package init(messages: [MessageGroup], previousQuestions: [String: Int], tickets: [TicketFigures],
                 ratings: [Rating], openTickets: [(unit: String, days: Double)], escalated: [EscalatedWording],
                 questionsByAgency: [AgencyQuestions] = [])
    {
        self.questionsByAgency = questionsByAgency
        self.messages = messages
        self.previousQuestions = previousQuestions
        self.tickets = tickets
        self.ratings = ratings
        self.openTickets = openTickets
        self.escalated = escalated
    }
}
