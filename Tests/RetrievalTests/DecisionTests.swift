import Testing

@testable import Retrieval

/// The answer / suggest / escalate decision follows the configured thresholds.
@Suite struct DecisionTests {
    func result(_ id: String, _ confidence: Float) -> SearchResult {
        SearchResult(entryID: id, score: 1, confidence: confidence, sharedBy: 1,
                     features: .init(normalizedScore: 0, coverage: 0, relativeScore: 0, margin: 0, isTop: 0))
    }

    func index(answer: Float, suggest: Float, option: Float) -> KnowledgeIndex {
        var configuration = RankingConfiguration()
        configuration.answerThreshold = answer
        configuration.suggestThreshold = suggest
        configuration.optionThreshold = option
        return KnowledgeIndex(analyzer: Analyzer(), configuration: configuration)
    }

    /// Confident enough: answer with the top result only.
    @Test func answersAboveTheAnswerThreshold() {
        let response = index(answer: 0.7, suggest: 0.3, option: 0.2).decide(
            [result("a", 0.8), result("b", 0.5)], unaccented: false)
        #expect(response.decision == .answer)
        #expect(response.shown.map(\.entryID) == ["a"])
    }

    /// Between the thresholds: two or three suggestions.
    @Test func suggestsBetweenThresholds() {
        let decide = index(answer: 0.7, suggest: 0.3, option: 0.2)
        let three = decide.decide([result("a", 0.5), result("b", 0.3), result("c", 0.25), result("d", 0.1)],
                                  unaccented: false)
        #expect(three.decision == .suggest)
        #expect(three.shown.map(\.entryID) == ["a", "b", "c"])
        let two = decide.decide([result("a", 0.5), result("b", 0.1), result("c", 0.05)], unaccented: false)
        #expect(two.shown.map(\.entryID) == ["a", "b"])
    }

    /// Below the suggest threshold, or nothing found: escalate.
    @Test func escalatesBelowTheSuggestThreshold() {
        let decide = index(answer: 0.7, suggest: 0.3, option: 0.2)
        #expect(decide.decide([result("a", 0.29)], unaccented: false).decision == .escalate)
        #expect(decide.decide([], unaccented: true).decision == .escalate)
    }

    /// Confidence is a probability and grows with the evidence.
    @Test func confidenceIsMonotoneInScore() {
        let model = ConfidenceModel()
        let weak = model.confidence(.init(normalizedScore: 0.1, coverage: 0.2, relativeScore: 1, margin: 0.1, isTop: 1))
        let strong = model.confidence(.init(normalizedScore: 0.8, coverage: 1, relativeScore: 1, margin: 0.5, isTop: 1))
        #expect(weak >= 0 && strong <= 1)
        #expect(strong > weak)
    }

    /// Fitting the model on separable samples puts positives above negatives.
    @Test func fittedModelSeparates() {
        var samples: [(ConfidenceModel.Features, Bool)] = []
        for step in 0..<50 {
            let x = Float(step) / 50
            samples.append((.init(normalizedScore: x, coverage: x, relativeScore: 1, margin: x, isTop: 1), x > 0.5))
        }
        let model = ConfidenceModel.fit(samples)
        let high = model.confidence(.init(normalizedScore: 0.9, coverage: 0.9, relativeScore: 1, margin: 0.9, isTop: 1))
        let low = model.confidence(.init(normalizedScore: 0.1, coverage: 0.1, relativeScore: 1, margin: 0.1, isTop: 1))
        #expect(high > 0.9)
        #expect(low < 0.1)
    }
}
