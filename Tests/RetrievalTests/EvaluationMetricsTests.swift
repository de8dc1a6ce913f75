import Testing

@testable import Retrieval

/// The eval figures on an example computed by hand.
@Suite struct EvaluationMetricsTests {
    /// Four in-scope queries (relevant first, third, seventh, absent) and two out-of-scope ones.
    @Test func handComputedExample() {
        let outcomes: [EvaluationMetrics.Outcome] = [
            .init(ranked: ["r", "x", "y"], relevant: ["r"], decision: .answer),  // rank 1, answered right
            .init(ranked: ["x", "y", "r"], relevant: ["r", "s"], decision: .answer),  // rank 3, answered wrong
            .init(ranked: ["a", "b", "c", "d", "e", "f", "s"], relevant: ["s"], decision: .suggest),  // rank 7
            .init(ranked: ["a", "b"], relevant: ["z"], decision: .escalate),  // not found
            .init(ranked: ["a"], relevant: [], decision: .escalate),  // out of scope, escalated
            .init(ranked: ["a"], relevant: [], decision: .suggest),  // out of scope, not escalated
        ]
        let m = EvaluationMetrics(outcomes)
        #expect(m.inScope == 4)
        #expect(m.outOfScope == 2)
        #expect(m.hitAt1 == 0.25)
        #expect(m.hitAt5 == 0.5)
        #expect(m.hitAt10 == 0.75)
        // (1 + 1/3 + 1/7 + 0) / 4
        #expect(abs(m.mrrAt10 - (1 + 1.0 / 3 + 1.0 / 7) / 4) < 1e-12)
        #expect(m.outOfScopeEscalated == 0.5)
        #expect(m.answerPrecision == 0.5)  // two answers, one right
        #expect(m.answerCoverage == 0.25)  // one of four in-scope answered right
        #expect(m.decisions["escalate"] == 2.0 / 6)
    }

    /// Calibration error is zero when confidence equals the observed accuracy.
    @Test func calibrationErrorOfAPerfectModel() {
        let pairs: [(Float, Bool)] = [(0.75, true), (0.75, true), (0.75, true), (0.75, false)]
        #expect(abs(Evaluator.expectedCalibrationError(pairs)) < 1e-9)
        #expect(Evaluator.expectedCalibrationError([(0.95, false)]) > 0.9)
    }
}
