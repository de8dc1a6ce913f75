import Foundation

/// Which topic a question is about, learned from the knowledge base itself: a multinomial naive
/// Bayes over the same analysis the search uses (abbreviations and chat words expanded, tone
/// marks canonical), on folded syllables, folded syllable bigrams and document references, so a
/// question scores the same with or without diacritics; the lexicon's synonyms of a text's words
/// count as its words too. Each term's evidence is weighed by its inverse topic frequency (terms
/// every topic uses count little).
///
/// Every topic is trained on its entries' phrasings (question and variants), their answers,
/// the descriptions the desk gives it (the topic's name, its unit's name and field) and the
/// catalogue documents filed under it; the sources are counted apart and weighed when a
/// question is scored, so adding or retiring an entry adds or subtracts exact counts (no drift,
/// no retraining) and the weights can be changed without counting again.
package struct TopicModel: Sendable {
    /// Where a trained text comes from.
    package enum Source: Int, Sendable, CaseIterable {
        /// An entry's question or one of its variants.
        case phrasing
        /// An entry's answer.
        case answer
        /// The topic's name or its unit's description.
        case description
        /// A catalogue document filed under the topic (its title and summary).
        case document
    }

    /// How much each source counts and how sharp the resulting distribution is.
    ///
    /// Chosen by a grid scored on the `tune` half of `corpus/eval/routing.jsonl` plus a
    /// leave-one-entry-out run over the knowledge base (each entry's question routed by a model
    /// trained without it), among the settings where one learned entry moves the routing of
    /// questions on its subject; the `test` half was never looked at while choosing.
    package struct Weights: Sendable, Hashable {
        /// Weight of a phrasing's terms.
        package var phrasing: Double = 1
        /// Weight of an answer's terms.
        package var answer: Double = 1
        /// Weight of a description's terms (the topic name and what its unit owns).
        package var description: Double = 10
        /// Weight of a catalogue document's terms.
        package var document: Double = 1
        /// Additive (Dirichlet) smoothing per term and topic.
        package var smoothing: Double = 2
        /// The log-likelihoods are multiplied by this before they become probabilities
        /// (naive Bayes is over-confident; below 1 it leaves room for the nearest answers).
        package var sharpness: Double = 0.5

        /// The default weights.
        package init() {}

        func weight(_ source: Int) -> Double {
            switch source {
            case Source.phrasing.rawValue: phrasing
            case Source.answer.rawValue: answer
            case Source.document.rawValue: document
            default: description
            }
        }
    }

    /// The analyzer shared with the search.
    package let analyzer: Analyzer
    /// The weights.
    package var weights: Weights
    /// Topic codes, in the order they were first seen.
    package private(set) var labels: [String] = []
    private var labelIndex: [String: Int] = [:]
    /// Term → counts, `label * sources + source`.
    private var counts: [UInt64: [Int32]] = [:]
    /// Per label and source: how many terms were counted.
    private var totals: [Int64] = []
    private static let sources = Source.allCases.count

    /// Finds the lexicon's synonyms of a text's words.
    private let synonyms: QueryBuilder

    /// Creates an empty model.
    package init(analyzer: Analyzer, weights: Weights = Weights()) {
        self.analyzer = analyzer
        self.weights = weights
        synonyms = QueryBuilder(analyzer: analyzer, extractor: TermExtractor(lexicon: analyzer.lexicon),
                                configuration: RankingConfiguration())
    }

    /// Distinct terms the model has seen.
    package var vocabularySize: Int { counts.count }

    // MARK: - Training

    /// Counts an entry's phrasings and answer for its topic (entries without a topic teach nothing).
    package mutating func add(_ entry: KnowledgeEntry) {
        change(entry, by: 1)
    }

    /// Takes back what `add` counted for this entry (call it with the entry as it was added).
    package mutating func remove(_ entry: KnowledgeEntry) {
        change(entry, by: -1)
    }

    /// Counts a description of a topic (its name, its unit's field).
    package mutating func describe(_ label: String, with text: String, source: Source = .description) {
        count(text, label: index(of: label), source: source, by: 1)
    }

    private mutating func change(_ entry: KnowledgeEntry, by sign: Int32) {
        guard let topic = entry.topic, !topic.isEmpty else { return }
        let label = index(of: topic)
        for text in [entry.question] + entry.variants { count(text, label: label, source: .phrasing, by: sign) }
        count(entry.answer, label: label, source: .answer, by: sign)
    }

    private mutating func index(of label: String) -> Int {
        if let known = labelIndex[label] { return known }
        labels.append(label)
        labelIndex[label] = labels.count - 1
        totals.append(contentsOf: repeatElement(0, count: Self.sources))
        return labels.count - 1
    }

    private mutating func count(_ text: String, label: Int, source: Source, by sign: Int32) {
        let slot = label * Self.sources + source.rawValue
        let width = labels.count * Self.sources
        var counted: Int64 = 0
        forEachFeature(of: text) { term in
            counts[term, default: []].grow(to: width)
            counts[term]![slot] += sign
            counted += 1
        }
        totals[slot] += Int64(sign) * counted
    }

    // MARK: - Scoring

    /// The probability of each topic for a question (empty when no term of it is known).
    package func probabilities(_ question: String) -> [String: Double] {
        Self.probabilities(logLikelihoods(question), sharpness: weights.sharpness)
    }

    /// Log-likelihoods turned into probabilities, multiplied by `sharpness` first.
    static func probabilities(_ logLikelihoods: [String: Double], sharpness: Double) -> [String: Double] {
        guard let best = logLikelihoods.values.max() else { return [:] }
        var result = logLikelihoods.mapValues { exp(($0 - best) * sharpness) }
        let sum = result.values.reduce(0, +)
        for key in result.keys { result[key]! /= sum }
        return result
    }

    /// Each trained topic's log-likelihood of a question, up to a constant (empty when no term
    /// of it is known).
    package func logLikelihoods(_ question: String) -> [String: Double] {
        guard !labels.isEmpty else { return [:] }
        var found: [UInt64: Int] = [:]
        forEachFeature(of: question) { term in
            if counts[term] != nil { found[term, default: 0] += 1 }
        }
        guard !found.isEmpty else { return [:] }
        let w = (0..<Self.sources).map(weights.weight)
        let alpha = weights.smoothing
        let vocabulary = Double(max(counts.count, 1))
        var logLikelihood = [Double](repeating: 0, count: labels.count)
        var trained = [Bool](repeating: false, count: labels.count)
        var denominators = [Double](repeating: 0, count: labels.count)
        for label in labels.indices {
            var total = 0.0
            for source in 0..<Self.sources { total += w[source] * Double(totals[label * Self.sources + source]) }
            trained[label] = total > 0
            denominators[label] = log(total + alpha * vocabulary)
        }
        for (term, times) in found {
            let row = counts[term] ?? []
            // A term every topic uses says little of any one: its evidence is weighed by its
            // inverse topic frequency (a term of one topic in twelve counts 3.7 times as much).
            var topicsWithTerm = 0
            var weighted = [Double](repeating: 0, count: labels.count)
            for label in labels.indices {
                var seen = false
                for source in 0..<Self.sources {
                    let slot = label * Self.sources + source
                    guard slot < row.count else { break }
                    seen = seen || row[slot] > 0
                    weighted[label] += w[source] * Double(row[slot])
                }
                if seen { topicsWithTerm += 1 }
            }
            guard topicsWithTerm > 0 else { continue }
            let idf = log(1 + Double(labels.count) / Double(topicsWithTerm))
            for label in labels.indices where trained[label] {
                logLikelihood[label] += idf * Double(times) * (log(weighted[label] + alpha) - denominators[label])
            }
        }
        var result: [String: Double] = [:]
        for label in labels.indices where trained[label] { result[labels[label]] = logLikelihood[label] }
        return result
    }

    /// The model's terms of a text and of its synonyms: folded syllables that are not stop words, folded bigrams of
    /// adjacent syllables (but two stop words), references.
    func forEachFeature(of text: String, _ body: (UInt64) -> Void) {
        let tokens = analyzer.analyze(text)
        forEachFeature(tokens, body)
        // The lexicon's synonyms too ("bảo mật" ~ "an toàn thông tin"), on both sides.
        for alternative in synonyms.synonymAlternatives(tokens) { forEachFeature(alternative, body) }
    }

    /// The model's terms of analysed tokens.
    func forEachFeature(_ tokens: [Token], _ body: (UInt64) -> Void) {
        var previousStop = true
        for (index, token) in tokens.enumerated() {
            switch token.kind {
            case .reference:
                body(TermExtractor.key(token.exact, .reference))
                previousStop = true
                continue
            case .number:
                previousStop = true
                continue
            case .word:
                break
            }
            let stop = analyzer.isStopWord(token, unaccented: true)
            if !stop { body(TermExtractor.key(token.folded, .foldedUnigram)) }
            if index > 0, !token.startsPhrase, tokens[index - 1].kind == .word, !(stop && previousStop) {
                body(TermExtractor.key(TermHash.combine(tokens[index - 1].folded, token.folded), .foldedBigram))
            }
            previousStop = stop
        }
    }
}

extension Array where Element == Int32 {
    /// Pads the array with zeros to `width` elements (labels seen after a term was first counted).
    fileprivate mutating func grow(to width: Int) {
        if count < width { append(contentsOf: repeatElement(0, count: width - count)) }
    }
}
