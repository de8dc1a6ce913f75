import Foundation

/// An in-memory inverted index with field-weighted BM25 (BM25F) weights.
///
/// Documents are numbered densely from 0. Adding a document appends to the posting lists of its
/// terms; retiring one marks it dead (its postings are skipped and its terms' document
/// frequencies drop at once), so both take effect immediately without a rebuild. A bulk load
/// freezes the lists into one compact arena (`CompactPostings`, about 2 bytes a posting);
/// documents added afterwards go to small per-term tails, merged into the arena when they grow
/// past an eighth of it. Written by
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

        /// Packs a document and an already quantised weight.
        @inline(__always)
        init(document: UInt32, quantised: UInt32) {
            bits = document << 8 | quantised
        }

        /// The document.
        @inline(__always) package var document: UInt32 { bits >> 8 }
        /// The weight in 1/80ths.
        @inline(__always) var quantisedWeight: UInt8 { UInt8(truncatingIfNeeded: bits) }
        /// The BM25F term weight, without the IDF.
        @inline(__always) package var weight: Float { Self.weight(quantised: bits & 0xff) }

        /// The weight a quantised weight stands for.
        @inline(__always)
        static func weight(quantised: UInt32) -> Float { Float(quantised) * (1 / scale) }
    }


    /// BM25 saturation.
    package let k1: Float
    /// BM25 length normalisation.
    package let b: Float
    /// The weight of each field.
    package let fieldWeights: [Float]

    /// Term key → term number.
    var termNumbers = TermTable()
    /// Postings frozen by the last bulk load or merge, by term number.
    private(set) var frozen = CompactPostings()
    /// Postings added since, by term number (their documents come after every frozen one).
    private var tails: [Int32: [Posting]] = [:]
    /// The number of postings in `tails`.
    private var tailCount = 0
    /// During a bulk load: the postings added, in order, and their terms (frozen at its end).
    private var pendingTerms: [UInt32] = []
    private var pendingPostings: [Posting] = []
    /// Whether a bulk load is under way.
    private var bulkLoading = false
    /// Live documents containing each term.
    var documentFrequency: [Int32] = []
    /// Whether each document is live.
    package private(set) var live: [Bool] = []
    /// Number of live documents.
    package private(set) var liveCount = 0
    /// Sum of each field's length over live documents.
    var lengthTotals: [Double]
    /// The terms of the document being added, with their frequencies.
    private var documentTerms: [TermTable.DocumentTerm] = []
    /// Tail postings past which the tails are merged into the arena (or an eighth of it).
    var tailLimit = 1 << 16

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
    package var termCount: Int { documentFrequency.count }
    /// The number of postings.
    package var postingCount: Int { frozen.postingCount + tailCount + pendingPostings.count }

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
        documentTerms.removeAll(keepingCapacity: true)
        for (field, terms) in fields.enumerated() where !terms.isEmpty {
            let average = averageLengths?[field] ?? max(lengthTotals[field] / Double(liveCount), 1)
            let norm = Float(1 - Double(b) + Double(b) * Double(terms.count) / max(average, 1e-9))
            let increment = fieldWeights[field] / norm
            for term in terms {
                let isNew = termNumbers.count(term, increment, into: &documentTerms)
                if isNew { documentFrequency.append(0) }
            }
        }
        for term in documentTerms {
            let number = term.number
            let tf = term.frequency
            let weight = tf * (k1 + 1) / (tf + k1)
            let posting = Posting(document: document, weight: weight)
            if bulkLoading {
                pendingTerms.append(UInt32(number))
                pendingPostings.append(posting)
            } else {
                tails[number, default: []].append(posting)
                tailCount += 1
                documentFrequency[Int(number)] += 1
            }
        }
        if !bulkLoading && tailCount > max(tailLimit, frozen.postingCount / 8) { freeze() }
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

    /// Starts a bulk load: postings are gathered flat and frozen by `finishBulkLoad`; the lists
    /// must not be read in between.
    package mutating func beginBulkLoad() {
        bulkLoading = true
    }

    /// Ends a bulk load: every posting goes into one new compact arena.
    package mutating func finishBulkLoad() {
        bulkLoading = false
        termNumbers.fit()
        freeze()
    }

    /// Rewrites the arena with the frozen, tail and pending postings of every term, in order.
    private mutating func freeze() {
        let terms = documentFrequency.count
        // Counting sort of the pending postings by term (stable: documents stay in order).
        var pendingStart = [Int](repeating: 0, count: terms + 1)
        // A bulk load counts document frequencies here (one cache miss a posting fewer).
        for term in pendingTerms { pendingStart[Int(term) + 1] += 1 }
        for term in 0..<terms { documentFrequency[term] += Int32(pendingStart[term + 1]) }
        for term in 0..<terms { pendingStart[term + 1] += pendingStart[term] }
        var sorted = [Posting](unsafeUninitializedCapacity: pendingPostings.count) { buffer, initialised in
            var cursor = pendingStart
            for (term, posting) in zip(pendingTerms, pendingPostings) {
                buffer[cursor[Int(term)]] = posting
                cursor[Int(term)] += 1
            }
            initialised = pendingPostings.count
        }
        pendingTerms = []
        pendingPostings = []
        var store = CompactPostings()
        let total = frozen.postingCount + tailCount + sorted.count
        store.reserve(terms: terms, blocks: terms + total / CompactPostings.blockSize,
                      bytes: total * 2 + total / 8)
        var list: [Posting] = []
        sorted.withUnsafeBufferPointer { sorted in
            for term in 0..<terms {
                list.removeAll(keepingCapacity: true)
                frozen.withReader(term) { reader in
                    reader.forEach { list.append(Posting(document: $0, quantised: $1)) }
                }
                if let tail = tails[Int32(term)] { list += tail }
                list += sorted[pendingStart[term]..<pendingStart[term + 1]]
                list.withUnsafeBufferPointer { store.append($0) }
            }
        }
        sorted = []
        frozen = store
        tails = [:]
        tailCount = 0
    }

    /// The term number of a key, if the term occurs.
    @inline(__always)
    package func number(of key: UInt64) -> Int? {
        termNumbers[key].map(Int.init)
    }

    /// Inverse document frequency of a term (BM25's, always positive).
    @inline(__always)
    package func idf(_ number: Int) -> Float {
        assert(!bulkLoading, "document frequencies read during a bulk load")
        let df = Float(documentFrequency[number])
        let n = Float(liveCount)
        return logf(1 + (n - df + 0.5) / (df + 0.5))
    }

    /// The number of postings of a term (live or retired documents).
    @inline(__always)
    package func length(_ number: Int) -> Int {
        frozen.count(number) + (tails.isEmpty ? 0 : tails[Int32(number)]?.count ?? 0)
    }

    /// Calls `body(document, weight)` for every posting of a term, in increasing document order.
    @inline(__always)
    func forEachPosting(_ number: Int, _ body: (UInt32, Float) -> Void) {
        assert(pendingPostings.isEmpty, "posting lists read during a bulk load")
        frozen.withReader(number) { reader in
            reader.forEach { body($0, Posting.weight(quantised: $1)) }
        }
        if !tails.isEmpty, let tail = tails[Int32(number)] {
            for posting in tail { body(posting.document, posting.weight) }
        }
    }

    /// Calls `body(position, weight)` for every document of `documents` (sorted ascending) that
    /// the term's list holds. Galloping search from the previous hit, over the blocks and then
    /// inside one: cost grows with the log of the gap between candidates, not of the whole list,
    /// and memory is read forwards.
    package func probe(_ number: Int, sortedDocuments documents: [UInt32], _ body: (Int, Float) -> Void) {
        assert(pendingPostings.isEmpty, "posting lists read during a bulk load")
        frozen.withReader(number) { reader in
            if let plain = reader.plain {
                Self.probe(UnsafeBufferPointer(start: plain, count: reader.count), documents, body)
            } else {
                Self.probe(reader, documents, body)
            }
        }
        if !tails.isEmpty, let tail = tails[Int32(number)] {
            tail.withUnsafeBufferPointer { Self.probe($0, documents, body) }
        }
    }

    /// `probe` over the frozen blocks of a term.
    private static func probe(_ reader: CompactPostings.Reader, _ documents: [UInt32], _ body: (Int, Float) -> Void) {
        let blockCount = reader.blockCount
        guard blockCount > 0 else { return }
        var block = 0
        var view = reader.view(0)
        var count = reader.postings(inBlock: 0)
        var low = 0
        for (position, document) in documents.enumerated() {
            if block + 1 < blockCount && reader.first(ofBlock: block + 1) <= document {
                // Gallop to the last block starting at or before `document`.
                var below = block + 1
                var step = 1
                var above = below + 1
                while above < blockCount && reader.first(ofBlock: above) <= document {
                    below = above
                    step &<<= 1
                    above = below + step
                }
                above = min(above, blockCount)
                while above - below > 1 {
                    let middle = (below + above) >> 1
                    if reader.first(ofBlock: middle) <= document { below = middle } else { above = middle }
                }
                block = below
                view = reader.view(block)
                count = reader.postings(inBlock: block)
                low = 0
            }
            var high = count
            while low < high {
                let middle = (low + high) >> 1
                if view.document(middle) < document { low = middle + 1 } else { high = middle }
            }
            if low >= count {
                if block + 1 >= blockCount { return }
                continue
            }
            if view.document(low) == document { body(position, Posting.weight(quantised: view.weight(low))) }
        }
    }

    /// `probe` over a plain list.
    private static func probe(_ list: UnsafeBufferPointer<Posting>, _ documents: [UInt32], _ body: (Int, Float) -> Void) {
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

    /// Bytes held, by part: the frozen arena, the term table, the per-term tails and the
    /// per-term and per-document arrays.
    package var footprint: [(part: String, bytes: Int)] {
        let tailBytes = tails.reduce(Footprint.dictionary(tails)) { $0 + Footprint.bytes($1.value) }
        return frozen.footprint + [("term table", termNumbers.footprint), ("tails", tailBytes),
                ("per term, per document", Footprint.bytes(documentFrequency) + Footprint.bytes(live))]
    }

    /// Average length of each field over live documents.
    package var averageLengths: [Double] {
        lengthTotals.map { liveCount > 0 ? $0 / Double(liveCount) : 0 }
    }
}
