/// Fits the confidence model and chooses the decision thresholds on development queries.
package enum Calibrator {
    /// Targets the thresholds are chosen for.
    package struct Targets: Sendable {
        /// Share of `answer` decisions that must be right (with a safety margin above the
        /// 0.95 required, since the development set is small).
        package var answerPrecision = 0.97
        /// Share of out-of-scope questions that must be escalated (a margin above the 0.90
        /// required).
        package var outOfScopeEscalated = 0.95
        /// How many ranked results of each question the model is fitted on.
        package var depth = 5
        /// How much more an out-of-scope question's results weigh in the fit than an in-scope
        /// one's (there are far fewer of them, and escalating them is half the decision).
        package var outOfScopeWeight = 4.0
        /// Fit a model of its own for the answer decision (on the best results alone).
        package var separateAnswerModel = true

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
        var samples: [(ConfidenceModel.Features, Bool, Double)] = []
        var tops: [(features: ConfidenceModel.Features?, relevant: Bool, inScope: Bool)] = []
        for query in queries {
            let relevant = Set(query.relevant)
            let results = index.search(query.query).results
            for result in results.prefix(targets.depth) {
                samples.append((result.features, relevant.contains(result.entryID),
                                relevant.isEmpty ? targets.outOfScopeWeight : 1))
            }
            tops.append((results.first?.features, results.first.map { relevant.contains($0.entryID) } ?? false,
                         !relevant.isEmpty))
        }
        var tuned = configuration
        tuned.confidence = ConfidenceModel.fit(samples)
        // The answer decision's own model: is the best result right? Fitted on the best
        // results alone, out-of-scope questions weighted as above.
        let topSamples = tops.compactMap { top in
            top.features.map { ($0, top.relevant, top.inScope ? 1.0 : targets.outOfScopeWeight) }
        }
        tuned.answerModel = targets.separateAnswerModel ? ConfidenceModel.fit(topSamples) : nil
        let scored = tops.map { top in
            (confidence: top.features.map(tuned.confidence.confidence) ?? 0, relevant: top.relevant,
             inScope: top.inScope)
        }
        let answerScores = tops.map { top in
            (confidence: top.features.map { (tuned.answerModel ?? tuned.confidence).confidence($0) } ?? 0,
             relevant: top.relevant)
        }
        // Suggest threshold: enough out-of-scope questions fall below it.
        let outOfScope = scored.filter { !$0.inScope }.map(\.confidence).sorted()
        var suggest: Float = 0.2
        if !outOfScope.isEmpty {
            let position = Int((Double(outOfScope.count) * targets.outOfScopeEscalated).rounded(.up)) - 1
            suggest = max(0.2, outOfScope[min(outOfScope.count - 1, max(0, position))] + 1e-4)
        }
        // Answer threshold: the lowest at which answers stay precise enough.
        // (A separate answer model's scores are on their own scale: its threshold is chosen
        // over all questions, the out-of-scope ones counting as wrong answers.)
        var answer: Float = 0.99
        let floor: Float = tuned.answerModel == nil ? suggest : 0
        for threshold in Set(answerScores.map(\.confidence)).sorted() where threshold >= floor {
            let answered = answerScores.filter { $0.confidence >= threshold }
            guard !answered.isEmpty else { break }
            let precision = Double(answered.filter(\.relevant).count) / Double(answered.count)
            if precision >= targets.answerPrecision {
                answer = threshold
                break
            }
        }
        tuned.suggestThreshold = suggest
        tuned.answerThreshold = tuned.answerModel == nil ? max(answer, suggest) : answer
        tuned.optionThreshold = suggest / 2
        return tuned
    }
}
