/// Reading posting lists into the accumulators without reading every long list whole.
///
/// A question's rare words have short posting lists and decide which documents are candidates;
/// its common words ("của", "thủ tục", …) have lists covering a good part of the index and
/// mostly reorder those candidates. Short lists are read whole; long lists are probed by binary
/// search for the best candidates only. A document that matches none of the rare words can then
/// be missed; `RankingConfiguration.exhaustive` reads the long lists whole whenever such a
/// document could still reach the top (the MaxScore bound), and `motcua bench retrieval`
/// reports how often the two rankings agree.
extension KnowledgeIndex {
    /// A query term found in an index.
    struct ResolvedTerm {
        var number: Int
        var factor: Float
        var mass: Float
        var length: Int
    }

    /// Lists longer than this (and than 1/256 of the documents) are probed instead of read.
    static let longListMinimum = 1024
    /// How many candidate documents long lists are probed for.
    static let probeCandidates = 256
    /// How many of the best phrasing documents must be certain for the probing to stand.
    static let certainDocuments = 64

    /// Accumulates phrasing scores and matched mass; returns the query's score upper bound and
    /// its total content mass (for the confidence features).
    mutating func accumulatePhrasings(_ query: Query) -> (upperBound: Float, totalMass: Float) {
        let k1 = configuration.k1
        var upperBound: Float = 0
        var totalMass: Float = 0
        var short: [ResolvedTerm] = []
        var long: [ResolvedTerm] = []
        let longLength = max(Self.longListMinimum, phrasings.documentCount / 256)
        for term in query.phrasingTerms {
            guard let number = phrasings.number(of: term.key) else {
                if term.isContent { totalMass += term.weight * maxIDF(phrasings) }
                continue
            }
            let factor = term.weight * phrasings.idf(number)
            upperBound += factor * (k1 + 1)
            let mass: Float = term.isContent ? factor : 0
            totalMass += mass
            let resolved = ResolvedTerm(number: number, factor: factor, mass: mass,
                                        length: phrasings.lists[number].count)
            if resolved.length > longLength { long.append(resolved) } else { short.append(resolved) }
        }
        if short.isEmpty {
            // Only common words: nothing narrows the candidates, so read everything.
            swap(&short, &long)
        }
        for term in short { scanPhrasings(term, skippingProbed: false) }
        guard !long.isEmpty else { return (upperBound, totalMass) }

        // Candidates: the best partial scores.
        var best = TopK(capacity: Self.probeCandidates)
        for document in scratch.touchedPhrasings {
            best.insert(scratch.phrasingScore[Int(document)], Int32(bitPattern: document))
        }
        let outsideBest = scratch.touchedPhrasings.count > Self.probeCandidates ? (best.floor ?? 0) : 0
        let longBound = long.reduce(Float(0)) { $0 + $1.factor * (k1 + 1) }
        let candidates = best.heap.map { UInt32(bitPattern: $0.id) }.sorted()
        for document in candidates { scratch.phrasingProbed[Int(document)] = true }
        for term in long {
            let factor = term.factor
            let mass = term.mass
            phrasings.probe(term.number, sortedDocuments: candidates) { position, weight in
                let document = Int(candidates[position])
                scratch.phrasingScore[document] += factor * weight
                scratch.phrasingMass[document] += mass
            }
        }
        var certain = TopK(capacity: Self.certainDocuments)
        for document in candidates {
            certain.insert(scratch.phrasingScore[Int(document)], Int32(bitPattern: document))
        }
        if configuration.exhaustive {
            // Any document not probed scores at most its partial score plus every long term's
            // most; read the long lists whole unless the best documents are beyond that reach.
            let reachable = outsideBest + longBound
            if certain.heap.count < Self.certainDocuments || (certain.floor ?? 0) < reachable {
                for term in long { scanPhrasings(term, skippingProbed: true) }
            }
        }
        for document in candidates { scratch.phrasingProbed[Int(document)] = false }
        return (upperBound, totalMass)
    }

    /// Reads one phrasing posting list whole.
    mutating func scanPhrasings(_ term: ResolvedTerm, skippingProbed: Bool) {
        let factor = term.factor
        let mass = term.mass
        phrasings.lists[term.number].withUnsafeBufferPointer { list in
            scratch.phrasingScore.withUnsafeMutableBufferPointer { score in
                scratch.phrasingMass.withUnsafeMutableBufferPointer { matched in
                    for posting in list {
                        let document = Int(posting.document)
                        guard phrasings.live[document] else { continue }
                        if skippingProbed && scratch.phrasingProbed[document] { continue }
                        if score[document] == 0 { scratch.touchedPhrasings.append(posting.document) }
                        score[document] += factor * posting.weight
                        matched[document] += mass
                    }
                }
            }
        }
    }

    /// Accumulates answer and topic scores per group: short lists read whole (they may bring in
    /// groups no phrasing matched), long lists probed for the best groups so far.
    mutating func accumulateContents(_ query: Query) {
        let answerWeight = configuration.answerWeight
        guard answerWeight > 0 else { return }
        let longLength = max(Self.longListMinimum, contents.documentCount / 256)
        var long: [ResolvedTerm] = []
        for term in query.contentTerms {
            guard let number = contents.number(of: term.key) else { continue }
            let factor = term.weight * contents.idf(number) * answerWeight
            let length = contents.lists[number].count
            if length > longLength {
                long.append(ResolvedTerm(number: number, factor: factor, mass: 0, length: length))
                continue
            }
            contents.lists[number].withUnsafeBufferPointer { list in
                for posting in list {
                    let group = Int(posting.document)
                    guard contents.live[group] else { continue }
                    touchGroup(group)
                    scratch.groupContent[group] += factor * posting.weight
                }
            }
        }
        guard !long.isEmpty else { return }
        var best = TopK(capacity: Self.probeCandidates)
        let support = configuration.groupSupport
        for group in scratch.touchedGroups {
            let index = Int(group)
            best.insert(scratch.groupBest[index] + support * scratch.groupSecond[index] + scratch.groupContent[index],
                        group)
        }
        let candidates = best.heap.map { UInt32(bitPattern: $0.id) }.sorted()
        for term in long {
            let factor = term.factor
            contents.probe(term.number, sortedDocuments: candidates) { position, weight in
                scratch.groupContent[Int(candidates[position])] += factor * weight
            }
        }
    }

    /// Marks a group as touched, shown through its first entry until a phrasing picks a better one.
    @inline(__always)
    mutating func touchGroup(_ group: Int) {
        if scratch.groupSlot[group] < 0 {
            scratch.touchedGroups.append(Int32(group))
            scratch.groupSlot[group] = groupMembers[group][0]
        }
    }
}
