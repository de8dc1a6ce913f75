import Foundation

/// Scoring: BM25F over phrasings (best phrasing per entry) plus a lighter BM25F over answer and
/// topic, grouped by shared answer, then the confidence model and the decision.
extension KnowledgeIndex {
    /// Ranks entries for a question and decides what to do with it.
    /// - Parameters:
    ///   - question: the text as typed.
    ///   - limit: how many results (one per distinct answer) to rank.
    package mutating func search(_ question: String, limit: Int = 10) -> SearchResponse {
        var own = takeScratch()
        defer { scratch = own }
        return search(question, limit: limit, scratch: &own)
    }

    /// `search` with the caller's accumulators, so that many threads can search one index at
    /// once (`SearchEngine` keeps a pool of them).
    package func search(_ question: String, limit: Int = 10, scratch: inout SearchScratch) -> SearchResponse {
        let query = queryBuilder.query(question, restore: { restoreDiacritics($0) },
                                       correct: { correctTyping($0, text: $1) })
        let results = rank(query, limit: limit, scratch: &scratch)
        return decide(results, unaccented: query.unaccented)
    }

    /// The best `limit` results for a query, one per distinct answer (with the index's own
    /// accumulators).
    package mutating func rank(_ query: Query, limit: Int) -> [SearchResult] {
        var own = takeScratch()
        defer { scratch = own }
        return rank(query, limit: limit, scratch: &own)
    }

    /// Moves the index's own accumulators out (the index is not searched meanwhile).
    private mutating func takeScratch() -> SearchScratch {
        var own = SearchScratch()
        swap(&own, &scratch)
        return own
    }

    /// The decision for ranked results (thresholds from the configuration).
    package func decide(_ results: [SearchResult], unaccented: Bool) -> SearchResponse {
        let c = configuration
        guard let top = results.first else {
            return SearchResponse(decision: .escalate, results: [], shown: [], unaccented: unaccented)
        }
        if answerConfidence(top) >= c.answerThreshold {
            return SearchResponse(decision: .answer, results: results, shown: [top], unaccented: unaccented)
        }
        if top.confidence >= c.suggestThreshold {
            var shown = Array(results.prefix(2))
            if results.count > 2, results[2].confidence >= c.optionThreshold { shown.append(results[2]) }
            return SearchResponse(decision: .suggest, results: results, shown: shown, unaccented: unaccented)
        }
        return SearchResponse(decision: .escalate, results: results, shown: [], unaccented: unaccented)
    }

    /// How likely the best result is right, by the model the answer decision uses.
    package func answerConfidence(_ top: SearchResult) -> Float {
        configuration.answerModel.map { $0.confidence(top.features) } ?? top.confidence
    }

    /// The best `limit` results for a query, one per distinct answer.
    package func rank(_ query: Query, limit: Int, scratch: inout SearchScratch) -> [SearchResult] {
        guard count > 0, !query.isEmpty, limit > 0 else { return [] }
        scratch.ensure(phrasings: phrasings.documentCount, entries: records.count, groups: groupMembers.groupCount)

        // 1. Phrasings: accumulate score and matched content mass per phrasing document.
        let mass = accumulatePhrasings(query, scratch: &scratch)
        let upperBound = mass.upperBound
        // 2. Entries: the best phrasing of each.
        collectEntries(totalMass: mass.total, scratch: &scratch)
        // 3. Groups of entries sharing an answer: the best entry, plus a share of the next two
        //    (several earlier questions with one answer are more evidence than one).
        collectGroups(scratch: &scratch)
        // 4. Answers and topic names, one document per group.
        accumulateContents(query, scratch: &scratch)
        accumulateGroupQuestions(query, scratch: &scratch)
        // 5. The best groups.
        // Features look at the next result, so at least ten are ranked whatever the limit.
        var top = TopK(capacity: max(limit, 10))
        let support = configuration.groupSupport
        let discount = configuration.sharedAnswerDiscount
        let questionsWeight = configuration.groupQuestionsWeight
        let formWeight = query.form.isEmpty ? 0 : configuration.questionFormWeight
        scratch.groups.withUnsafeBufferPointer { groups in
            groupSize.withUnsafeBufferPointer { sizes in
                groupQuestionsDocument.withUnsafeBufferPointer { questionDocuments in
                    for group in scratch.touchedGroups {
                        let index = Int(group)
                        let score = groups[index]
                        let runnersUp = score.second + support * score.third
                        let content = score.content / (1 + discount * (sizes[index] - 1))
                        let questions = questionDocuments[index] >= 0 ? score.questions : questionsWeight * score.best
                        var total = score.best + support * runnersUp + content + questions
                        if formWeight != 0 {
                            total *= 1 + formWeight * query.form.agreement(with: entryForm[Int(score.slot)])
                        }
                        top.insert(total, group)
                    }
                }
            }
        }
        let ranked = top.sortedDescending()
        var results: [SearchResult] = []
        results.reserveCapacity(ranked.count)
        let best = ranked.first?.score ?? 0
        for (position, item) in ranked.enumerated() {
            let slot = Int(scratch.groups[Int(item.id)].slot)
            let next = position + 1 < ranked.count ? ranked[position + 1].score : 0
            let features = ConfidenceModel.Features(
                normalizedScore: upperBound > 0 ? min(1, item.score / upperBound) : 0,
                coverage: min(1, scratch.entryCoverage[slot]),
                relativeScore: best > 0 ? item.score / best : 0,
                margin: item.score > 0 ? (item.score - next) / item.score : 0,
                isTop: position == 0 ? 1 : 0,
                scoreLevel: item.score / (item.score + 10),
                unknownShare: mass.total > 0 ? mass.unseen / mass.total : 0,
                entryCoverage: scratch.entryWordCoverage[slot],
                contentShare: item.score > 0 ? min(1, contentScore(Int(item.id), scratch: scratch) / item.score) : 0,
                formAgreement: query.form.agreement(with: entryForm[slot]))
            // A result ranked lower is never presented as more certain than the one above it.
            let confidence = min(configuration.confidence.confidence(features), results.last?.confidence ?? 1)
            results.append(SearchResult(entryID: records[slot].id, score: item.score,
                                        confidence: confidence,
                                        sharedBy: Int(groupSize[Int(entryGroup[slot])]), features: features))
        }
        if results.count > limit { results.removeLast(results.count - limit) }
        // 6. Reset what this search touched.
        for slot in scratch.touchedEntries {
            scratch.entryScore[Int(slot)] = 0
            scratch.entryCoverage[Int(slot)] = 0
            scratch.entryWordCoverage[Int(slot)] = 0
        }
        scratch.touchedEntries.removeAll(keepingCapacity: true)
        for group in scratch.touchedGroups {
            scratch.groups[Int(group)] = SearchScratch.GroupScore()
        }
        scratch.touchedGroups.removeAll(keepingCapacity: true)
        return results
    }

    /// The answer, topic and cited-document part of a group's score (as the ranking adds it).
    func contentScore(_ group: Int, scratch: SearchScratch) -> Float {
        scratch.groups[group].content / (1 + configuration.sharedAnswerDiscount * (groupSize[group] - 1))
    }

    /// Folds phrasing scores into entry scores (the best phrasing of each entry) and resets the
    /// phrasing accumulators.
    func collectEntries(totalMass: Float, scratch: inout SearchScratch) {
        let touched = scratch.touchedPhrasings
        let coordination = configuration.coordination
        let keep = 1 - coordination
        let ownCoverage = configuration.entryCoverage
        let keepOwn = 1 - ownCoverage
        phrasingWords.withUnsafeBufferPointer { ownWords in
        phrasingSlot.withUnsafeBufferPointer { slots in
            phrasingWeight.withUnsafeBufferPointer { weights in
                scratch.phrasingScore.withUnsafeMutableBufferPointer { phrasingScore in
                    scratch.phrasingMass.withUnsafeMutableBufferPointer { phrasingMass in
                        scratch.entryScore.withUnsafeMutableBufferPointer { entryScore in
                            scratch.entryCoverage.withUnsafeMutableBufferPointer { coverage in
                                for document in touched {
                                    let index = Int(document)
                                    let slot = Int(slots[index])
                                    let share = totalMass > 0 ? min(1, phrasingMass[index] / totalMass) : 0
                                    // A phrasing of stop words alone has nothing to cover: share 1.
                                    let own = Float(ownWords[index])
                                    let ownShare = own > 0 ? min(1, Float(scratch.phrasingMatched[index]) / own) : 1
                                    let score = phrasingScore[index] * weights[index]
                                        * (keep + coordination * share) * (keepOwn + ownCoverage * ownShare)
                                    if entryScore[slot] == 0 { scratch.touchedEntries.append(UInt32(slot)) }
                                    if score > entryScore[slot] {
                                        entryScore[slot] = score
                                        coverage[slot] = share
                                        scratch.entryWordCoverage[slot] = ownShare
                                    }
                                    phrasingScore[index] = 0
                                    phrasingMass[index] = 0
                                    scratch.phrasingMatched[index] = 0
                                }
                            }
                        }
                    }
                }
            }
        }
        }
        scratch.touchedPhrasings.removeAll(keepingCapacity: true)
    }

    /// Folds entry scores into group scores: best, second and third entry of each group.
    func collectGroups(scratch: inout SearchScratch) {
        let touched = scratch.touchedEntries
        entryGroup.withUnsafeBufferPointer { groups in
            scratch.entryScore.withUnsafeBufferPointer { entryScore in
                scratch.groups.withUnsafeMutableBufferPointer { groupScores in
                    for slotNumber in touched {
                        let slot = Int(slotNumber)
                        let score = entryScore[slot]
                        let group = Int(groups[slot])
                        if groupScores[group].slot < 0 {
                            scratch.touchedGroups.append(Int32(group))
                            groupScores[group].slot = Int32(slot)
                            groupScores[group].best = score
                        } else if score > groupScores[group].best {
                            groupScores[group].third = groupScores[group].second
                            groupScores[group].second = groupScores[group].best
                            groupScores[group].best = score
                            groupScores[group].slot = Int32(slot)
                        } else if score > groupScores[group].second {
                            groupScores[group].third = groupScores[group].second
                            groupScores[group].second = score
                        } else if score > groupScores[group].third {
                            groupScores[group].third = score
                        }
                    }
                }
            }
        }
    }

    /// Guesses the accented form of words typed without diacritics: for each phrase, the
    /// sequence of accented forms seen in the knowledge base that is most likely under its own
    /// syllable and bigram frequencies (a Viterbi search over a handful of candidates a word).
    package func restoreDiacritics(_ tokens: [Token]) -> [Token] {
        var output = tokens
        var start = 0
        while start < tokens.count {
            var end = start + 1
            while end < tokens.count && !tokens[end].startsPhrase && tokens[end].kind == .word { end += 1 }
            if tokens[start].kind == .word { restorePhrase(tokens, start..<end, into: &output) }
            start = end
        }
        return output
    }

    /// Viterbi over one phrase of word tokens.
    func restorePhrase(_ tokens: [Token], _ range: Range<Int>, into output: inout [Token]) {
        func frequency(_ key: UInt64) -> Float {
            guard let number = phrasings.number(of: key) else { return 0 }
            return Float(phrasings.length(number))
        }
        var candidates: [[UInt64]] = []
        var scores: [[Float]] = []
        var back: [[Int]] = []
        for index in range {
            let options = accentVariants[tokens[index].folded] ?? [tokens[index].exact]
            let emission = options.map { logf(1 + frequency(TermExtractor.key($0, .exactUnigram))) }
            var best: [Float] = []
            var from: [Int] = []
            if let previousScores = scores.last, let previous = candidates.last {
                for (option, own) in zip(options, emission) {
                    var top = -Float.infinity
                    var arg = 0
                    for (p, previousOption) in previous.enumerated() {
                        let bigram = TermExtractor.key(TermHash.combine(previousOption, option), .exactBigram)
                        let score = previousScores[p] + own + 2 * logf(1 + frequency(bigram))
                        if score > top {
                            top = score
                            arg = p
                        }
                    }
                    best.append(top)
                    from.append(arg)
                }
            } else {
                best = emission
                from = Array(repeating: 0, count: options.count)
            }
            candidates.append(options)
            scores.append(best)
            back.append(from)
        }
        guard var choice = scores.last?.indices.max(by: { scores.last![$0] < scores.last![$1] }) else { return }
        for step in stride(from: candidates.count - 1, through: 0, by: -1) {
            let index = range.lowerBound + step
            let exact = candidates[step][choice]
            if exact != tokens[index].exact {
                output[index].exact = exact
                output[index].hasDiacritics = true
            }
            choice = back[step][choice]
        }
    }

    /// The IDF an unseen term would have: a content word nobody used counts fully against
    /// coverage (a question about something never answered should not look covered).
    func maxIDF(_ index: PostingIndex) -> Float {
        let n = Float(index.liveCount)
        return logf(1 + (n + 0.5) / 0.5)
    }
}

/// The `capacity` highest scores offered, kept in a binary min-heap (O(n log k) for n offers,
/// where sorting all candidates would cost O(n log n)).
struct TopK {
    /// One candidate.
    struct Item {
        var score: Float
        var id: Int32
    }

    let capacity: Int
    private(set) var heap: [Item] = []

    init(capacity: Int) {
        self.capacity = capacity
        heap.reserveCapacity(capacity)
    }

    /// The lowest score kept, once full (anything at or below it is rejected).
    var floor: Float? { heap.count == capacity ? heap.first?.score : nil }

    /// Offers a candidate.
    @inline(__always)
    mutating func insert(_ score: Float, _ id: Int32) {
        guard capacity > 0 else { return }
        if heap.count < capacity {
            heap.append(Item(score: score, id: id))
            var child = heap.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                guard heap[child].score < heap[parent].score else { break }
                heap.swapAt(child, parent)
                child = parent
            }
        } else if score > heap[0].score {
            heap[0] = Item(score: score, id: id)
            var parent = 0
            while true {
                let left = 2 * parent + 1
                let right = left + 1
                var smallest = parent
                if left < heap.count && heap[left].score < heap[smallest].score { smallest = left }
                if right < heap.count && heap[right].score < heap[smallest].score { smallest = right }
                if smallest == parent { break }
                heap.swapAt(parent, smallest)
                parent = smallest
            }
        }
    }

    /// The candidates, best first (ties by id, so the order is deterministic).
    func sortedDescending() -> [Item] {
        heap.sorted { $0.score != $1.score ? $0.score > $1.score : $0.id < $1.id }
    }
}
