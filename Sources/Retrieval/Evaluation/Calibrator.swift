/// Fits the confidence model and chooses the decision thresholds on development queries.
package enum Calibrator {
    /// Targets the thresholds are chosen for.
    package struct Targets: Sendable {
        /// Share of `answer` decisions that must be right (with a safety margin above the
        /// 0.95 required, since the development set is small).
        package var answerPrecision = 0.97
        /// Share of out-of-scope questions that must be escalated.
        package var outOfScopeEscalated = 0.95

        /// The defaults.
        package init() {}
    }

    /// Returns `configuration` with a fitted confidence model and thresholds. The model changes
    /// confidences only, not the ranking, so the queries are ranked once.
    /// - Parameters:
    ///   - queries: development queries (in and out of scope).
    ///   - index: an index of the knowledge base, built with `configuration`.
    package static func calibrate(_ configuration: RankingConfiguration, queries: [EvaluationQuery],
                                  index: inout KnowledgeIndex, targets: Targets = Targets()) -> RankingConfiguration
    {
        var tuned = configuration
        let first = Evaluator.run(queries, on: &index)
        tuned.confidence = ConfidenceModel.fit(first.samples)
        // Recompute top confidences with the fitted model from the recorded features.
        var tops: [(confidence: Float, relevant: Bool, inScope: Bool)] = []
        var queryIndex = 0
        var sampleIndex = 0
        for record in first.records {
            let query = queries[queryIndex]
            queryIndex += 1
            let count = min(record.ranked.count, 5)
            guard count > 0 else {
                tops.append((0, false, !query.relevant.isEmpty))
                continue
            }
            let top = first.samples[sampleIndex]
            tops.append((tuned.confidence.confidence(top.0), top.1, !query.relevant.isEmpty))
            sampleIndex += count
        }
        // Suggest threshold: enough out-of-scope questions fall below it.
        let outOfScope = tops.filter { !$0.inScope }.map(\.confidence).sorted()
        var suggest: Float = 0.2
        if !outOfScope.isEmpty {
            let position = min(outOfScope.count - 1, Int((Double(outOfScope.count) * targets.outOfScopeEscalated)
                .rounded(.up)) - 1)
            suggest = max(0.2, outOfScope[max(0, position)] + 1e-4)
        }
        // Answer threshold: the lowest at which answers stay precise enough.
        let candidates = Set(tops.map(\.confidence)).sorted()
        var answer: Float = 0.99
        for threshold in candidates where threshold >= suggest {
            let answered = tops.filter { $0.confidence >= threshold }
            guard !answered.isEmpty else { break }
            let precision = Double(answered.filter(\.relevant).count) / Double(answered.count)
            if precision >= targets.answerPrecision {
                answer = threshold
                break
            }
        }
        tuned.suggestThreshold = suggest
        tuned.answerThreshold = max(answer, suggest)
        tuned.optionThreshold = suggest / 2
        return tuned
    }
}
