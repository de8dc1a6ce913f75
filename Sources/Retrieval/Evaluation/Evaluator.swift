/// Runs development queries through an index and measures the outcome.
package enum Evaluator {
    /// One query's record (also the `--out` line of `motcua eval`).
    package struct Record: Sendable, Codable {
        /// The query id.
        package var id: String
        /// The top ten entry ids.
        package var ranked: [String]
        /// The decision.
        package var decision: Decision
        /// The top result's confidence (0 when there is none).
        package var confidence: Float
    }

    /// What one run produced.
    package struct Run: Sendable {
        /// Per-query records, in query order.
        package var records: [Record]
        /// The figures.
        package var metrics: EvaluationMetrics
        /// Queries answered per second (ranking and decision; one thread).
        package var queriesPerSecond: Double
        /// Calibration samples: each of the top five results' features and relevance.
        package var samples: [(ConfidenceModel.Features, Bool)]
        /// Reliability of the top result's confidence: expected calibration error over ten bins.
        package var calibrationError: Double
    }

    /// Evaluates `queries` against `index`.
    /// - Parameter stripDiacritics: remove every diacritic from the queries first.
    package static func run(_ queries: [EvaluationQuery], on index: inout KnowledgeIndex, stripDiacritics: Bool = false)
        -> Run
    {
        var records: [Record] = []
        var outcomes: [EvaluationMetrics.Outcome] = []
        var samples: [(ConfidenceModel.Features, Bool)] = []
        var topConfidences: [(Float, Bool)] = []
        records.reserveCapacity(queries.count)
        let texts = queries.map { stripDiacritics ? Diacritics.strip($0.query) : $0.query }
        let clock = ContinuousClock()
        var responses: [SearchResponse] = []
        responses.reserveCapacity(queries.count)
        let elapsed = clock.measure {
            for text in texts { responses.append(index.search(text, limit: 10)) }
        }
        for (query, response) in zip(queries, responses) {
            let relevant = Set(query.relevant)
            let ranked = response.results.map(\.entryID)
            records.append(Record(id: query.id, ranked: ranked, decision: response.decision,
                                  confidence: response.results.first?.confidence ?? 0))
            outcomes.append(.init(ranked: ranked, relevant: relevant, decision: response.decision, style: query.style))
            for result in response.results.prefix(5) {
                samples.append((result.features, relevant.contains(result.entryID)))
            }
            if let top = response.results.first { topConfidences.append((top.confidence, relevant.contains(top.entryID))) }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return Run(records: records, metrics: EvaluationMetrics(outcomes),
                   queriesPerSecond: seconds > 0 ? Double(queries.count) / seconds : 0, samples: samples,
                   calibrationError: expectedCalibrationError(topConfidences))
    }

    /// Expected calibration error: the mean gap, weighted by bin size, between the mean
    /// confidence and the share correct in ten equal-width confidence bins.
    package static func expectedCalibrationError(_ pairs: [(Float, Bool)], bins: Int = 10) -> Double {
        guard !pairs.isEmpty else { return 0 }
        var sums = [(confidence: Double, correct: Double, count: Double)](repeating: (0, 0, 0), count: bins)
        for (confidence, correct) in pairs {
            let bin = min(bins - 1, Int(Double(confidence) * Double(bins)))
            sums[bin].confidence += Double(confidence)
            sums[bin].correct += correct ? 1 : 0
            sums[bin].count += 1
        }
        var error = 0.0
        for bin in sums where bin.count > 0 {
            error += bin.count / Double(pairs.count) * abs(bin.confidence / bin.count - bin.correct / bin.count)
        }
        return error
    }
}
