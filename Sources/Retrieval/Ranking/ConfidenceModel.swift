import Foundation

/// A logistic model that turns a result's score features into the probability that the result
/// answers the question, fitted on the development queries (`motcua calibrate`).
package struct ConfidenceModel: Sendable, Codable, Hashable {
    /// The features of one ranked result.
    package struct Features: Sendable, Hashable {
        /// Score divided by the most the question's terms could score (0…1).
        package var normalizedScore: Float
        /// Share of the question's content-word weight that the result's best phrasing matches.
        package var coverage: Float
        /// Score relative to the best result's.
        package var relativeScore: Float
        /// Gap to the next result, relative to this score.
        package var margin: Float
        /// 1 for the best result, 0 otherwise.
        package var isTop: Float
        /// The raw score squashed into [0, 1): `score / (score + 10)`.
        package var scoreLevel: Float
        /// Share of the question's content-word weight from words the knowledge base never saw
        /// (high for questions about something else entirely).
        package var unknownShare: Float
        /// Share of the best phrasing's own content words that the question holds: how much of
        /// the earlier question this one covers (a three-word entry inside a long question
        /// explains little of it, though all its words match).
        package var entryCoverage: Float
        /// Share of the score that comes from the answer, topic and cited documents: whether the
        /// answer's words agree with the phrasing match.
        package var contentShare: Float

        /// Whether the question asks what the result's phrasings ask (`QuestionForm.agreement`:
        /// 1 yes, -1 no, 0 unknown).
        package var formAgreement: Float
        /// Length of `vector`.
        package static let dimension = 14

        /// The feature vector with a leading 1 for the bias.
        package var vector: [Float] {
            [1, normalizedScore, coverage, relativeScore, margin, isTop, scoreLevel, isTop * margin, coverage * coverage,
             unknownShare, entryCoverage, coverage * entryCoverage, contentShare, formAgreement]
        }

        /// Creates features.
        package init(normalizedScore: Float, coverage: Float, relativeScore: Float, margin: Float, isTop: Float,
                     scoreLevel: Float = 0, unknownShare: Float = 0, entryCoverage: Float = 0, contentShare: Float = 0,
                     formAgreement: Float = 0)
        {
            self.formAgreement = formAgreement
            self.entryCoverage = entryCoverage
            self.contentShare = contentShare
            self.normalizedScore = normalizedScore
            self.coverage = coverage
            self.relativeScore = relativeScore
            self.margin = margin
            self.isTop = isTop
            self.scoreLevel = scoreLevel
            self.unknownShare = unknownShare
        }
    }

    /// Coefficients, in the order of `Features.vector` (defaults: a fit on the bundled corpus).
    package var weights: [Float] = [-7, 5, 6, 1, 2, 0.5, 0, 0, 0, -3, 0, 0, 0]

    /// The default, uncalibrated model.
    package init() {}

    /// Creates a model with given coefficients.
    package init(weights: [Float]) { self.weights = weights }

    /// The probability that a result with these features is relevant.
    package func confidence(_ features: Features) -> Float {
        var z: Float = 0
        for (w, x) in zip(weights, features.vector) { z += w * x }
        return 1 / (1 + expf(-z))
    }

    /// Fits the coefficients by L2-regularised logistic regression (Newton's method).
    /// - Parameters:
    ///   - samples: features and whether the result was relevant.
    ///   - regularization: the L2 penalty on non-bias coefficients.
    /// - Returns: the fitted model.
    package static func fit(_ samples: [(Features, Bool)], regularization: Double = 0.0005, iterations: Int = 50)
        -> ConfidenceModel
    {
        fit(samples.map { ($0.0, $0.1, 1.0) }, regularization: regularization, iterations: iterations)
    }

    /// Fits the coefficients with a weight per sample (to give rarer kinds of question, such as
    /// out-of-scope ones, their due).
    package static func fit(_ samples: [(Features, Bool, Double)], regularization: Double = 0.0005,
                            iterations: Int = 50) -> ConfidenceModel
    {
        let dimension = Features.dimension
        var beta = [Double](repeating: 0, count: dimension)
        let rows = samples.map { ($0.0.vector.map(Double.init), $0.1 ? 1.0 : 0.0, $0.2) }
        let totalWeight = samples.reduce(0) { $0 + $1.2 }
        guard !rows.isEmpty else { return ConfidenceModel() }
        for _ in 0..<iterations {
            var gradient = [Double](repeating: 0, count: dimension)
            var hessian = [[Double]](repeating: [Double](repeating: 0, count: dimension), count: dimension)
            for (x, y, weight) in rows {
                var z = 0.0
                for i in 0..<dimension { z += beta[i] * x[i] }
                let p = 1 / (1 + exp(-z))
                for i in 0..<dimension {
                    gradient[i] += weight * (p - y) * x[i]
                    for j in 0..<dimension { hessian[i][j] += weight * p * (1 - p) * x[i] * x[j] }
                }
            }
            for i in 1..<dimension {
                gradient[i] += regularization * totalWeight * beta[i]
                hessian[i][i] += regularization * totalWeight
            }
            for i in 0..<dimension { hessian[i][i] += 1e-9 }
            guard let step = solve(hessian, gradient) else { break }
            var change = 0.0
            for i in 0..<dimension {
                beta[i] -= step[i]
                change = max(change, abs(step[i]))
            }
            if change < 1e-7 { break }
        }
        return ConfidenceModel(weights: beta.map { Float($0) })
    }

    /// Solves `a x = b` by Gaussian elimination with partial pivoting.
    static func solve(_ a: [[Double]], _ b: [Double]) -> [Double]? {
        let n = b.count
        var m = a
        var v = b
        for column in 0..<n {
            guard let pivot = (column..<n).max(by: { abs(m[$0][column]) < abs(m[$1][column]) }),
                abs(m[pivot][column]) > 1e-12
            else { return nil }
            m.swapAt(column, pivot)
            v.swapAt(column, pivot)
            for row in (column + 1)..<n {
                let factor = m[row][column] / m[column][column]
                for k in column..<n { m[row][k] -= factor * m[column][k] }
                v[row] -= factor * v[column]
            }
        }
        var x = [Double](repeating: 0, count: n)
        for row in stride(from: n - 1, through: 0, by: -1) {
            var sum = v[row]
            for k in (row + 1)..<n { sum -= m[row][k] * x[k] }
            x[row] = sum / m[row][row]
        }
        return x
    }
}
