/// Retrieval quality figures over a set of queries with known relevant entries.
///
/// In-scope queries (a non-empty relevant list) give hit@k and MRR@10 (reciprocal rank of the
/// first relevant id among the top ten); out-of-scope queries (an empty list) give the share
/// escalated; `answer` decisions give precision (top entry relevant) and coverage (share of
/// in-scope queries answered with a relevant top entry).
package struct EvaluationMetrics: Sendable, Codable, Hashable {
    /// One query's outcome.
    package struct Outcome: Sendable {
        /// Ranked entry ids, best first.
        package var ranked: [String]
        /// The relevant ids; empty for an out-of-scope query.
        package var relevant: Set<String>
        /// The decision taken.
        package var decision: Decision
        /// The query's style, if tagged.
        package var style: String?

        /// Creates an outcome.
        package init(ranked: [String], relevant: Set<String>, decision: Decision, style: String? = nil) {
            self.ranked = ranked
            self.relevant = relevant
            self.decision = decision
            self.style = style
        }
    }

    /// Number of in-scope queries.
    package var inScope = 0
    /// Number of out-of-scope queries.
    package var outOfScope = 0
    /// Share of in-scope queries with a relevant entry first.
    package var hitAt1 = 0.0
    /// … among the first five.
    package var hitAt5 = 0.0
    /// … among the first ten.
    package var hitAt10 = 0.0
    /// Mean reciprocal rank of the first relevant entry within the first ten.
    package var mrrAt10 = 0.0
    /// Share of out-of-scope queries escalated.
    package var outOfScopeEscalated = 0.0
    /// Share of `answer` decisions whose top entry is relevant.
    package var answerPrecision = 0.0
    /// Share of in-scope queries answered with a relevant top entry.
    package var answerCoverage = 0.0
    /// Shares of all queries by decision.
    package var decisions: [String: Double] = [:]
    /// hit@1 of the in-scope queries of each style (queries tagged with one).
    package var hitAt1ByStyle: [String: Double] = [:]
    /// In-scope queries of each style.
    package var inScopeByStyle: [String: Int] = [:]

    /// Computes the figures.
    package init(_ outcomes: [Outcome]) {
        var hits = (0, 0, 0)
        var reciprocal = 0.0
        var escalated = 0
        var answered = 0
        var answeredRight = 0
        var counts: [String: Int] = [:]
        var styleHits: [String: Int] = [:]
        for outcome in outcomes {
            counts[outcome.decision.rawValue, default: 0] += 1
            let firstRelevant = outcome.ranked.prefix(10).firstIndex { outcome.relevant.contains($0) }
            if outcome.decision == .answer {
                answered += 1
                if firstRelevant == 0 { answeredRight += 1 }
            }
            if outcome.relevant.isEmpty {
                outOfScope += 1
                if outcome.decision == .escalate { escalated += 1 }
                continue
            }
            inScope += 1
            if let style = outcome.style {
                inScopeByStyle[style, default: 0] += 1
                if firstRelevant == 0 { styleHits[style, default: 0] += 1 }
            }
            guard let rank = firstRelevant else { continue }
            if rank < 1 { hits.0 += 1 }
            if rank < 5 { hits.1 += 1 }
            hits.2 += 1
            reciprocal += 1 / Double(rank + 1)
        }
        let n = Double(max(inScope, 1))
        hitAt1 = Double(hits.0) / n
        hitAt5 = Double(hits.1) / n
        hitAt10 = Double(hits.2) / n
        mrrAt10 = reciprocal / n
        outOfScopeEscalated = outOfScope > 0 ? Double(escalated) / Double(outOfScope) : 1
        answerPrecision = answered > 0 ? Double(answeredRight) / Double(answered) : 1
        answerCoverage = Double(answeredRight) / n
        let total = Double(max(outcomes.count, 1))
        decisions = counts.mapValues { Double($0) / total }
        for (style, count) in inScopeByStyle { hitAt1ByStyle[style] = Double(styleHits[style] ?? 0) / Double(count) }
    }
}
