import Foundation

/// An in-memory inverted index with field-weighted BM25 (BM25F) weights.
///
/// Documents are numbered densely from 0. Adding a document appends to the posting lists of its
/// terms; retiring one marks it dead (its postings are skipped and its terms' document
/// frequencies drop at once), so both take effect immediately without a rebuild. Written by
/// hand because no package on this machine offers an incremental in-memory BM25 index; SQLite
/// FTS5 is the baseline it is measured against (BENCHMARKS.md).
package struct PostingIndex: Sendable {
    /// One document's share of a term, packed in 32 bits: the document number (24 bits) and the
    /// saturated, length-normalised term frequency `tf~ (k1 + 1) / (tf~ + k1)` quantised to
    /// 1/80 (8 bits), where `tf~ = Σ_f w_f tf_f / (1 - b + b len_f / avglen_f)`. Half the size
    /// of a (UInt32, Float) pair: the index of 100,000 entries fits in half the memory and the
    /// lists stream through the cache twice as fast; the weight error (≤ 0.6 %) does not
    /// change rankings measurably (BENCHMARKS.md).
    package struct Posting: Sendable {
        /// Largest document number a posting can hold.
        package static let maximumDocument = UInt32(1 << 24) - 1
        static let scale: Float = 80

        let bits: UInt32

        /// Packs a document and a weight (clamped to [1/80, 255/80]).
        package init(document: UInt32, weight: Float) {
            precondition(document <= Self.maximumDocument, "posting lists hold up to 16,777,215 documents")
            let quantised = UInt32(min(255, max(1, (weight * Self.scale).rounded())))
            bits = document << 8 | quantised
        }

        /// The document.
        @inline(__always) package var document: UInt32 { bits >> 8 }
        /// The BM25F term weight, without the IDF.
        @inline(__always) package var weight: Float { Float(bits & 0xff) * (1 / Self.scale) }
    }

    /// BM25 saturation.
    package let k1: Float
    /// BM25 length normalisation.
    package let b: Float
    /// The weight of each field.
    package let fieldWeights: [Float]

    /// Term key → term number.
    var termNumbers: [UInt64: Int32] = [:]
    /// Posting lists, by term number, in increasing document order.
    package private(set) var lists: [[Posting]] = []
    /// Live documents containing each term.
    var documentFrequency: [Int32] = []
    /// Whether each document is live.
    package private(set) var live: [Bool] = []
    /// Number of live documents.
    package private(set) var liveCount = 0
    /// Sum of each field's length over live documents.
    var lengthTotals: [Double]
    /// Reusable term-frequency table for `add`.
    private var scratch: [UInt64: Float] = [:]

    /// Creates an empty index.
    package init(fieldWeights: [Float], k1: Float = 1.2, b: Float = 0.75) {
        self.fieldWeights = fieldWeights
        self.k1 = k1
        self.b = b
        lengthTotals = Array(repeating: 0, count: fieldWeights.count)
    }

    /// The number of documents ever added (live or retired).
    package var documentCount: Int { live.count }
    /// The number of distinct terms.
    package var termCount: Int { lists.count }
    /// The number of postings.
    package var postingCount: Int { lists.reduce(0) { $0 + $1.count } }

    /// Adds a document given each field's terms (with repetitions); returns its number.
    /// - Parameter averageLengths: the average field lengths to normalise by; by default the
    ///   running averages including this document.
    @discardableResult
    package mutating func add(fields: [[UInt64]], averageLengths: [Double]? = nil) -> UInt32 {
        precondition(fields.count == fieldWeights.count, "one term list per field")
        let document = UInt32(live.count)
        live.append(true)
        liveCount += 1
        for (field, terms) in fields.enumerated() { lengthTotals[field] += Double(terms.count) }
        scratch.removeAll(keepingCapacity: true)
        for (field, terms) in fields.enumerated() where !terms.isEmpty {
            let average = averageLengths?[field] ?? max(lengthTotals[field] / Double(liveCount), 1)
            let norm = Float(1 - Double(b) + Double(b) * Double(terms.count) / max(average, 1e-9))
            let increment = fieldWeights[field] / norm
            for term in terms { scratch[term, default: 0] += increment }
        }
        for (term, tf) in scratch {
            let weight = tf * (k1 + 1) / (tf + k1)
            let number: Int
            if let existing = termNumbers[term] {
                number = Int(existing)
            } else {
                number = lists.count
                termNumbers[term] = Int32(number)
                lists.append([])
                documentFrequency.append(0)
            }
            lists[number].append(Posting(document: document, weight: weight))
            documentFrequency[number] += 1
        }
        return document
    }

    /// Retires a document: it stops matching at once. `fields` must be the terms it was added
    /// with (the caller re-derives them from the stored text rather than the index keeping a
    /// forward index in memory).
    package mutating func retire(_ document: UInt32, fields: [[UInt64]]) {
        guard Int(document) < live.count, live[Int(document)] else { return }
        live[Int(document)] = false
        liveCount -= 1
        var seen = Set<UInt64>()
        for (field, terms) in fields.enumerated() {
            lengthTotals[field] -= Double(terms.count)
            for term in terms where seen.insert(term).inserted {
                if let number = termNumbers[term] { documentFrequency[Int(number)] -= 1 }
            }
        }
    }

    /// The term number of a key, if the term occurs.
    @inline(__always)
    package func number(of key: UInt64) -> Int? {
        termNumbers[key].map(Int.init)
    }

    /// Inverse document frequency of a term (BM25's, always positive).
    @inline(__always)
    package func idf(_ number: Int) -> Float {
        let df = Float(documentFrequency[number])
        let n = Float(liveCount)
        return logf(1 + (n - df + 0.5) / (df + 0.5))
    }

    /// Calls `body(position, weight)` for every document of `documents` (sorted ascending) that
    /// the term's list holds. Galloping search from the previous hit: cost grows with the log of
    /// the gap between candidates, not of the whole list, and memory is read forwards.
    package func probe(_ number: Int, sortedDocuments documents: [UInt32], _ body: (Int, Float) -> Void) {
        lists[number].withUnsafeBufferPointer { list in
            var low = 0
            let count = list.count
            for (position, document) in documents.enumerated() {
                // Gallop: find a bound past `document`, then binary-search inside it.
                var step = 1
                var high = low
                while high < count && list[high].document < document {
                    low = high + 1
                    high += step
                    step &<<= 1
                }
                high = min(high, count)
                while low < high {
                    let middle = (low + high) >> 1
                    if list[middle].document < document { low = middle + 1 } else { high = middle }
                }
                if low >= count { return }
                if list[low].document == document { body(position, list[low].weight) }
            }
        }
    }

    /// Average length of each field over live documents.
    package var averageLengths: [Double] {
        lengthTotals.map { liveCount > 0 ? $0 / Double(liveCount) : 0 }
    }

    /// Drops spare capacity of the posting lists (after a bulk load).
    package mutating func compact() {
        for index in lists.indices where lists[index].capacity > lists[index].count + 4 {
            lists[index] = lists[index].map { $0 }  // a fresh buffer of the exact size
        }
    }
}
