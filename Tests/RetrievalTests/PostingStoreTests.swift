import Testing

@testable import Retrieval

/// The compact posting store gives back exactly what was put in, and an index frozen by a bulk
/// load still takes additions and retirements at once.
@Suite struct PostingStoreTests {

    /// A random list of distinct increasing documents with random weights: dense or sparse,
    /// of lengths around the block size, up to the largest document a posting holds.
    static func randomList(_ random: inout SplitMix64) -> [PostingIndex.Posting] {
        let length = [1, 2, 8, 9, 127, 128, 129, 300, Int.random(in: 1...1000, using: &random)].randomElement(using: &random)!
        let gap = [1, 3, 50, 5000, 100_000].randomElement(using: &random)!
        let maximum = Int(PostingIndex.Posting.maximumDocument)
        var document = Int.random(in: 0...1000, using: &random)
        var list: [PostingIndex.Posting] = []
        let sameWeight = Bool.random(using: &random)
        let weight = UInt32.random(in: 1...255, using: &random)
        while list.count < length && document <= maximum {
            let quantised = sameWeight ? weight : UInt32.random(in: 1...255, using: &random)
            list.append(PostingIndex.Posting(document: UInt32(document), quantised: quantised))
            document += Int.random(in: 1...gap, using: &random)
        }
        if Bool.random(using: &random) {
            list.append(PostingIndex.Posting(document: UInt32(maximum), quantised: 255))
        }
        return list
    }

    /// Every posting of every list reads back whole and by probing, as written.
    @Test func compactStoreReturnsWhatWasWritten() {
        var random = SplitMix64(seed: 15)
        var lists: [[PostingIndex.Posting]] = []
        var store = CompactPostings()
        for _ in 0..<200 {
            var list = Self.randomList(&random)
            // No duplicate of the last document (a list holds each document once).
            while list.count > 1 && list[list.count - 1].document == list[list.count - 2].document { list.removeLast() }
            lists.append(list)
            list.withUnsafeBufferPointer { store.append($0) }
        }
        #expect(store.termCount == lists.count)
        #expect(store.postingCount == lists.reduce(0) { $0 + $1.count })
        for (term, list) in lists.enumerated() {
            var read: [UInt32] = []
            store.withReader(term) { reader in reader.forEach { read.append($0 << 8 | $1) } }
            #expect(read == list.map(\.bits), "term \(term)")
        }
    }

    /// Documents given to `probe`, half from the list and half not, in increasing order.
    static func candidates(_ list: [PostingIndex.Posting], _ random: inout SplitMix64) -> [UInt32] {
        var documents = Set(list.map(\.document).filter { _ in Int.random(in: 0..<4, using: &random) == 0 })
        let top = Int(list.last?.document ?? 1000) + 10
        for _ in 0..<max(4, documents.count) { documents.insert(UInt32.random(in: 0...UInt32(top), using: &random)) }
        return documents.sorted()
    }

    /// An index frozen by a bulk load, then given more documents, holds the same postings as
    /// one built a document at a time, and probing finds exactly the listed documents.
    @Test func frozenIndexMatchesOneBuiltIncrementally() {
        var random = SplitMix64(seed: 2026)
        let vocabulary = (0..<400).map { _ in UInt64.random(in: 0...UInt64.max, using: &random) }
        // Skewed term choice, so some lists span many blocks and most are short.
        func document() -> [[UInt64]] {
            (0..<2).map { _ in
                (0..<Int.random(in: 0...30, using: &random)).map { _ in
                    let r = Double.random(in: 0..<1, using: &random)
                    return vocabulary[Int(r * r * r * Double(vocabulary.count))]
                }
            }
        }
        let documents = (0..<3000).map { _ in document() }
        let averages = [12.0, 15.0]
        var incremental = PostingIndex(fieldWeights: [1, 0.5])
        var frozen = PostingIndex(fieldWeights: [1, 0.5])
        frozen.beginBulkLoad()
        for (number, fields) in documents.enumerated() {
            incremental.add(fields: fields, averageLengths: averages)
            if number == 2000 { frozen.finishBulkLoad() }
            frozen.add(fields: fields, averageLengths: averages)
        }
        #expect(frozen.termCount == incremental.termCount)
        #expect(frozen.postingCount == incremental.postingCount)
        #expect(frozen.frozen.postingCount > 0)
        for key in vocabulary {
            guard let a = incremental.number(of: key), let b = frozen.number(of: key) else {
                #expect(incremental.number(of: key) == frozen.number(of: key))
                continue
            }
            var expected: [(UInt32, Float)] = []
            var found: [(UInt32, Float)] = []
            incremental.forEachPosting(a) { expected.append(($0, $1)) }
            frozen.forEachPosting(b) { found.append(($0, $1)) }
            #expect(found.map(\.0) == expected.map(\.0))
            #expect(found.map(\.1) == expected.map(\.1))
            #expect(frozen.idf(b) == incremental.idf(a))
            // The reference: every document whose fields hold the key.
            #expect(expected.map(\.0) == documents.indices.filter { documents[$0].joined().contains(key) }.map(UInt32.init))
            let listed = Dictionary(uniqueKeysWithValues: expected)
            let probed = Self.candidates(expected.map { PostingIndex.Posting(document: $0.0, weight: $0.1) }, &random)
            var hits: [(Int, Float)] = []
            frozen.probe(b, sortedDocuments: probed) { hits.append(($0, $1)) }
            let reference = probed.enumerated().compactMap { position, document in
                listed[document].map { (position, $0) }
            }
            #expect(hits.map(\.0) == reference.map(\.0))
            #expect(hits.map(\.1) == reference.map(\.1))
        }
    }

    /// Entries upserted into a loaded index, enough to merge the tails into the arena, are found
    /// at once, and retiring loaded or added entries removes them at once.
    @Test func addAndRetireAfterABulkLoad() {
        var index = Fixtures.index(Fixtures.background)
        index.phrasings.tailLimit = 500
        index.contents.tailLimit = 500
        let loaded = index.phrasings.frozen.postingCount
        let places = ["Hà Nội", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế", "Nha Trang", "Vinh", "Quy Nhơn"]
        var added: [String] = []
        for round in 0..<250 {
            let place = places[round % places.count]
            let id = "them-\(round)"
            index.upsert(KnowledgeEntry(id: id, question: "Trung tâm hành chính công số \(round) ở \(place) mở cửa lúc mấy giờ?",
                                        answer: "Trung tâm số \(round) tại \(place) mở cửa từ 7 giờ 30 các ngày làm việc."))
            added.append(id)
        }
        #expect(index.phrasings.frozen.postingCount > loaded, "the tails were merged into the arena")
        #expect(Fixtures.ranked(&index, "trung tâm hành chính công số 137 ở Quy Nhơn mở cửa mấy giờ").first == "them-137")
        #expect(Fixtures.ranked(&index, "hệ thống một cửa điện tử của tỉnh đặt ở đâu").first == "bg-3")
        let retiredLoaded = index.retire("bg-3")
        #expect(retiredLoaded)
        #expect(!Fixtures.ranked(&index, "hệ thống một cửa điện tử của tỉnh đặt ở đâu").contains("bg-3"))
        let retiredAdded = index.retire("them-137")
        #expect(retiredAdded)
        #expect(!Fixtures.ranked(&index, "trung tâm hành chính công số 137 ở Quy Nhơn mở cửa mấy giờ").contains("them-137"))
        #expect(Fixtures.ranked(&index, "trung tâm hành chính công số 249 ở Vinh mở cửa mấy giờ").first == "them-249")
    }
}
