import Foundation

/// Scoring: BM25F over phrasings (best phrasing per entry) plus a lighter BM25F over answer and
/// topic, grouped by shared answer, then the confidence model and the decision.
extension KnowledgeIndex {
    /// Ranks entries for a question and decides what to do with it.
    /// - Parameters:
    ///   - question: the text as typed.
    ///   - limit: how many results (one per distinct answer) to rank.
    package mutating func search(_ question: String, limit: Int = 10) -> SearchResponse {
        let query = queryBuilder.query(question)
        let results = rank(query, limit: limit)
        return decide(results, unaccented: query.unaccented)
    }

    /// The decision for ranked results (thresholds from the configuration).
    package func decide(_ results: [SearchResult], unaccented: Bool) -> SearchResponse {
        let c = configuration
        guard let top = results.first else {
            return SearchResponse(decision: .escalate, results: [], shown: [], unaccented: unaccented)
        }
        if top.confidence >= c.answerThreshold {
            return SearchResponse(decision: .answer, results: results, shown: [top], unaccented: unaccented)
        }
        if top.confidence >= c.suggestThreshold {
            var shown = Array(results.prefix(2))
            if results.count > 2, results[2].confidence >= c.optionThreshold { shown.append(results[2]) }
            return SearchResponse(decision: .suggest, results: results, shown: shown, unaccented: unaccented)
        }
        return SearchResponse(decision: .escalate, results: results, shown: [], unaccented: unaccented)
    }

    /// The best `limit` results for a query, one per distinct answer.
    package mutating func rank(_ query: Query, limit: Int) -> [SearchResult] {
        guard count > 0, !query.isEmpty, limit > 0 else { return [] }
        let k1 = configuration.k1
        var upperBound: Float = 0
        var totalMass: Float = 0

        // 1. Phrasings: accumulate score and matched content mass per phrasing document.
        for term in query.phrasingTerms {
            guard let number = phrasings.number(of: term.key) else {
                if term.isContent { totalMass += term.weight * maxIDF(phrasings) }
                continue
            }
            let idf = phrasings.idf(number)
            let factor = term.weight * idf
            upperBound += factor * (k1 + 1)
            let mass: Float = term.isContent ? factor : 0
            totalMass += mass
            phrasings.lists[number].withUnsafeBufferPointer { list in
                for posting in list {
                    let document = Int(posting.document)
                    guard phrasings.live[document] else { continue }
                    if scratch.phrasingScore[document] == 0 { scratch.touchedPhrasings.append(posting.document) }
                    scratch.phrasingScore[document] += factor * posting.weight
                    scratch.phrasingMass[document] += mass
                }
            }
        }
        // 2. Entries: the best phrasing of each.
        for document in scratch.touchedPhrasings {
            let index = Int(document)
            let slot = Int(phrasingSlot[index])
            let score = scratch.phrasingScore[index] * phrasingWeight[index]
            if scratch.entryScore[slot] == 0 && scratch.entryContent[slot] == 0 {
                scratch.touchedEntries.append(UInt32(slot))
            }
            if score > scratch.entryScore[slot] {
                scratch.entryScore[slot] = score
                scratch.entryCoverage[slot] = totalMass > 0 ? scratch.phrasingMass[index] / totalMass : 0
            }
            scratch.phrasingScore[index] = 0
            scratch.phrasingMass[index] = 0
        }
        scratch.touchedPhrasings.removeAll(keepingCapacity: true)
        // 3. Answers and topic names.
        let answerWeight = configuration.answerWeight
        if answerWeight > 0 {
            for term in query.contentTerms {
                guard let number = contents.number(of: term.key) else { continue }
                let factor = term.weight * contents.idf(number) * answerWeight
                contents.lists[number].withUnsafeBufferPointer { list in
                    for posting in list {
                        let slot = Int(posting.document)
                        guard contents.live[slot] else { continue }
                        if scratch.entryScore[slot] == 0 && scratch.entryContent[slot] == 0 {
                            scratch.touchedEntries.append(posting.document)
                        }
                        scratch.entryContent[slot] += factor * posting.weight
                    }
                }
            }
        }
        // 4. Groups of entries sharing an answer: the best entry, plus a share of the next two
        //    (several earlier questions with one answer are more evidence than one).
        for slotNumber in scratch.touchedEntries {
            let slot = Int(slotNumber)
            let score = scratch.entryScore[slot] + scratch.entryContent[slot]
            let group = Int(records[slot].group)
            if scratch.groupSlot[group] < 0 {
                scratch.touchedGroups.append(Int32(group))
                scratch.groupSlot[group] = Int32(slot)
                scratch.groupBest[group] = score
            } else if score > scratch.groupBest[group] {
                scratch.groupThird[group] = scratch.groupSecond[group]
                scratch.groupSecond[group] = scratch.groupBest[group]
                scratch.groupBest[group] = score
                scratch.groupSlot[group] = Int32(slot)
            } else if score > scratch.groupSecond[group] {
                scratch.groupThird[group] = scratch.groupSecond[group]
                scratch.groupSecond[group] = score
            } else if score > scratch.groupThird[group] {
                scratch.groupThird[group] = score
            }
        }
        // 5. The best groups.
        var top = TopK(capacity: limit)
        let support = configuration.groupSupport
        for group in scratch.touchedGroups {
            let index = Int(group)
            let runnersUp = scratch.groupSecond[index] + support * scratch.groupThird[index]
            top.insert(scratch.groupBest[index] + support * runnersUp, group)
        }
        let ranked = top.sortedDescending()
        var results: [SearchResult] = []
        results.reserveCapacity(ranked.count)
        let best = ranked.first?.score ?? 0
        for (position, item) in ranked.enumerated() {
            let slot = Int(scratch.groupSlot[Int(item.id)])
            let next = position + 1 < ranked.count ? ranked[position + 1].score : 0
            let features = ConfidenceModel.Features(
                normalizedScore: upperBound > 0 ? min(1, item.score / upperBound) : 0,
                coverage: min(1, scratch.entryCoverage[slot]),
                relativeScore: best > 0 ? item.score / best : 0,
                margin: item.score > 0 ? (item.score - next) / item.score : 0,
                isTop: position == 0 ? 1 : 0)
            results.append(SearchResult(entryID: records[slot].entry.id, score: item.score,
                                        confidence: configuration.confidence.confidence(features),
                                        sharedBy: Int(groupSize[Int(records[slot].group)]), features: features))
        }
        // 6. Reset what this search touched.
        for slot in scratch.touchedEntries {
            scratch.entryScore[Int(slot)] = 0
            scratch.entryContent[Int(slot)] = 0
            scratch.entryCoverage[Int(slot)] = 0
        }
        scratch.touchedEntries.removeAll(keepingCapacity: true)
        for group in scratch.touchedGroups {
            scratch.groupSlot[Int(group)] = -1
            scratch.groupBest[Int(group)] = 0
            scratch.groupSecond[Int(group)] = 0
            scratch.groupThird[Int(group)] = 0
        }
        scratch.touchedGroups.removeAll(keepingCapacity: true)
        return results
    }

    /// The IDF an unseen term would have: a content word nobody used counts fully against
    /// coverage (a question about something never answered should not look covered).
    func maxIDF(_ index: PostingIndex) -> Float {
        let n = Float(index.liveCount)
        return logf(1 + (n + 0.5) / 0.5)
    }
}

/// The `capacity` highest scores seen, kept in a small sorted buffer (cheaper than sorting
/// thousands of candidates when only ten are wanted).
struct TopK {
    /// One candidate.
    struct Item {
        var score: Float
        var id: Int32
    }

    let capacity: Int
    var items: [Item] = []

    init(capacity: Int) {
        self.capacity = capacity
        items.reserveCapacity(capacity + 1)
    }

    /// Offers a candidate.
    @inline(__always)
    mutating func insert(_ score: Float, _ id: Int32) {
        if items.count == capacity, let last = items.last, score <= last.score { return }
        var index = items.count
        while index > 0 && items[index - 1].score < score { index -= 1 }
        items.insert(Item(score: score, id: id), at: index)
        if items.count > capacity { items.removeLast() }
    }

    /// The candidates, best first.
    func sortedDescending() -> [Item] { items }
}
