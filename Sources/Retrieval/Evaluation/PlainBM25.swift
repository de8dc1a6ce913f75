import Foundation

/// The engines people would pick instead, in our own terms: plain BM25 (k1 1.2, b 0.75,
/// Lucene's IDF) over lower-cased, diacritic-folded syllables of one field, read exactly
/// (every posting list whole). What tantivy or bm25s would rank with their default analysis,
/// measured in the same run as motcua (`motcua eval --bm25`, `motcua-bench retrieval`); a
/// baseline, not a search path of the product.
package struct PlainBM25: Sendable {
    let k1: Float = 1.2
    let b: Float = 0.75
    /// Term → number.
    var termNumbers: [UInt64: Int32] = [:]
    /// Posting lists flattened: list `t` is `documents[offsets[t]..<offsets[t + 1]]`.
    var offsets: [Int] = []
    var documents: [UInt32] = []
    var frequencies: [UInt16] = []
    /// Each document's length in syllables.
    var lengths: [Float] = []
    var averageLength: Float = 1

    /// The folded syllables of a text (references split like any other text).
    static func terms(_ text: String) -> [UInt64] {
        Diacritics.foldedWords(text).map { TermHash.of($0.utf16) }
    }

    /// Indexes one text per document.
    package init(texts: [String]) {
        var triples: [(term: Int32, document: UInt32)] = []
        for (document, text) in texts.enumerated() {
            let terms = Self.terms(text)
            lengths.append(Float(terms.count))
            for term in terms {
                let number: Int32
                if let existing = termNumbers[term] {
                    number = existing
                } else {
                    number = Int32(termNumbers.count)
                    termNumbers[term] = number
                }
                triples.append((number, UInt32(document)))
            }
        }
        averageLength = max(1, lengths.reduce(0, +) / Float(max(lengths.count, 1)))
        // Counting sort by term; documents stay ascending inside a term.
        var counts = Array(repeating: 0, count: termNumbers.count + 1)
        for triple in triples { counts[Int(triple.term) + 1] += 1 }
        for index in 1..<counts.count { counts[index] += counts[index - 1] }
        var next = counts
        var sorted = Array(repeating: UInt32(0), count: triples.count)
        for triple in triples {
            sorted[next[Int(triple.term)]] = triple.document
            next[Int(triple.term)] += 1
        }
        // Runs of one document become one posting with its frequency.
        offsets = [0]
        offsets.reserveCapacity(termNumbers.count + 1)
        for term in 0..<termNumbers.count {
            var position = counts[term]
            while position < counts[term + 1] {
                let document = sorted[position]
                var frequency = 0
                while position < counts[term + 1] && sorted[position] == document {
                    frequency += 1
                    position += 1
                }
                documents.append(document)
                frequencies.append(UInt16(min(frequency, Int(UInt16.max))))
            }
            offsets.append(documents.count)
        }
    }

    /// The best `limit` documents for a question, best first.
    package func search(_ question: String, limit: Int = 10) -> [Int] {
        var scores: [Float] = []
        var touched: [UInt32] = []
        return search(question, limit: limit, scores: &scores, touched: &touched)
    }

    /// `search` with reusable accumulators.
    package func search(_ question: String, limit: Int, scores: inout [Float], touched: inout [UInt32]) -> [Int] {
        if scores.count < lengths.count { scores = Array(repeating: 0, count: lengths.count) }
        let n = Float(lengths.count)
        for term in Set(Self.terms(question)) {
            guard let number = termNumbers[term].map(Int.init) else { continue }
            let range = offsets[number]..<offsets[number + 1]
            let df = Float(range.count)
            let idf = logf(1 + (n - df + 0.5) / (df + 0.5))
            for position in range {
                let document = Int(documents[position])
                let tf = Float(frequencies[position])
                let norm = k1 * (1 - b + b * lengths[document] / averageLength)
                if scores[document] == 0 { touched.append(UInt32(document)) }
                scores[document] += idf * tf * (k1 + 1) / (tf + norm)
            }
        }
        var top = TopK(capacity: limit)
        for document in touched {
            top.insert(scores[Int(document)], Int32(document))
            scores[Int(document)] = 0
        }
        touched.removeAll(keepingCapacity: true)
        return top.sortedDescending().map { Int($0.id) }
    }
}
