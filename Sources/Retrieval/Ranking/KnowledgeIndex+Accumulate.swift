/// Reading posting lists into the accumulators without reading every long list whole.
///
/// A question's rare words have short posting lists and decide which documents are candidates;
/// its common words ("của", "thủ tục", …) have lists covering a good part of the index and
/// mostly reorder those candidates. Short lists are read whole; long lists are probed by binary
/// search for the best candidates only. A document that matches none of the rare words can then
/// be missed; `RankingConfiguration.exhaustive` reads the long lists whole whenever such a
/// document could still reach the top (the MaxScore bound), and `motcua-bench retrieval`
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
    /// How many groups long answer and group-question lists are probed for.
    static let probeGroups = 128
    /// How many of the best phrasing documents must be certain for the probing to stand.
    static let certainDocuments = 64

    /// What a question's terms weigh, for the confidence features.
    struct QueryMass {
        /// The most the question's terms could score.
        var upperBound: Float = 0
        /// The IDF-weighted mass of the question's content words.
        var total: Float = 0
        /// The part of `total` from words the knowledge base never saw.
        var unseen: Float = 0
    }

    /// Accumulates phrasing scores and matched mass; returns the question's masses.
    func accumulatePhrasings(_ query: Query, scratch: inout SearchScratch) -> QueryMass {
        let k1 = configuration.k1
        var upperBound: Float = 0
        var totalMass: Float = 0
        var unseenMass: Float = 0
        var short: [ResolvedTerm] = []
        var long: [ResolvedTerm] = []
        let longLength = max(Self.longListMinimum, phrasings.documentCount / 256)
        for term in query.phrasingTerms {
            guard let number = phrasings.number(of: term.key) else {
                // A content word the knowledge base never saw counts fully against both the
                // coverage and the normalised score: a question about something never answered
                // must not look well matched because its few known words match.
                if term.isContent {
                    let unseen = term.weight * maxIDF(phrasings)
                    totalMass += unseen
                    unseenMass += unseen
                    upperBound += unseen * (k1 + 1)
                }
                continue
            }
            let factor = term.weight * phrasings.idf(number)
            upperBound += factor * (k1 + 1)
            let mass: Float = term.isContent ? factor : 0
            totalMass += mass
            let resolved = ResolvedTerm(number: number, factor: factor, mass: mass,
                                        length: phrasings.length(number))
            if resolved.length > longLength { long.append(resolved) } else { short.append(resolved) }
        }
        if short.isEmpty {
            // Only common words: nothing narrows the candidates, so read everything.
            swap(&short, &long)
        }
        for term in short { scanPhrasings(term, skippingProbed: false, scratch: &scratch) }
        let mass = QueryMass(upperBound: upperBound, total: totalMass, unseen: unseenMass)
        guard !long.isEmpty else { return mass }

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
            let counted: UInt8 = mass > 0 ? 1 : 0
            phrasings.probe(term.number, sortedDocuments: candidates) { position, weight in
                let document = Int(candidates[position])
                scratch.phrasingScore[document] += factor * weight
                scratch.phrasingMass[document] += mass
                scratch.phrasingMatched[document] &+= counted
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
                for term in long { scanPhrasings(term, skippingProbed: true, scratch: &scratch) }
            }
        }
        for document in candidates { scratch.phrasingProbed[Int(document)] = false }
        return mass
    }

    /// Reads one phrasing posting list whole.
    func scanPhrasings(_ term: ResolvedTerm, skippingProbed: Bool, scratch: inout SearchScratch) {
        let factor = term.factor
        let mass = term.mass
        let counted: UInt8 = mass > 0 ? 1 : 0
        scratch.phrasingScore.withUnsafeMutableBufferPointer { score in
            scratch.phrasingMass.withUnsafeMutableBufferPointer { matched in
                scratch.phrasingMatched.withUnsafeMutableBufferPointer { words in
                    phrasings.forEachPosting(term.number) { posting, weight in
                        let document = Int(posting)
                        guard phrasings.live[document] else { return }
                        if skippingProbed && scratch.phrasingProbed[document] { return }
                        if score[document] == 0 { scratch.touchedPhrasings.append(posting) }
                        score[document] += factor * weight
                        matched[document] += mass
                        words[document] &+= counted
                    }
                }
            }
        }
    }

    /// Accumulates answer and topic scores per group.
    func accumulateContents(_ query: Query, scratch: inout SearchScratch) {
        let weight = configuration.answerWeight
        guard weight > 0 else { return }
        accumulateGroups(contents, query.contentTerms, weight: weight, documentGroup: nil, intoQuestions: false,
                         scratch: &scratch)
    }

    /// Accumulates the scores of each group's questions taken together.
    func accumulateGroupQuestions(_ query: Query, scratch: inout SearchScratch) {
        let weight = configuration.groupQuestionsWeight
        guard weight > 0, groupQuestions.liveCount > 0 else { return }
        accumulateGroups(groupQuestions, query.phrasingTerms, weight: weight, documentGroup: questionsDocumentGroup,
                         intoQuestions: true, scratch: &scratch)
    }

    /// Accumulates a per-group index into the groups' `content` (or `questions`) scores: short
    /// lists read whole (they may bring in groups no phrasing matched), long lists probed for the
    /// best groups so far.
    /// - Parameter documentGroup: document → group, or nil when documents are numbered like groups.
    func accumulateGroups(_ index: PostingIndex, _ terms: [Query.Term], weight: Float, documentGroup: [Int32]?,
                          intoQuestions: Bool, scratch: inout SearchScratch)
    {
        let longLength = max(Self.longListMinimum / 4, index.documentCount / 1024)
        var long: [ResolvedTerm] = []
        scratch.groups.withUnsafeMutableBufferPointer { groups in
            @inline(__always) func add(_ group: Int, _ value: Float) {
                if intoQuestions { groups[group].questions += value } else { groups[group].content += value }
            }
            for term in terms {
                guard let number = index.number(of: term.key) else { continue }
                let factor = term.weight * index.idf(number) * weight
                let length = index.length(number)
                if length > longLength {
                    long.append(ResolvedTerm(number: number, factor: factor, mass: 0, length: length))
                    continue
                }
                index.live.withUnsafeBufferPointer { live in
                    index.forEachPosting(number) { posting, postingWeight in
                        let document = Int(posting)
                        guard live[document] else { return }
                        let group = documentGroup.map { Int($0[document]) } ?? document
                        if groups[group].slot < 0 {
                            scratch.touchedGroups.append(Int32(group))
                            groups[group].slot = groupMembers.first(group)
                        }
                        add(group, factor * postingWeight)
                    }
                }
            }
            guard !long.isEmpty else { return }
            var best = TopK(capacity: Self.probeGroups)
            let support = configuration.groupSupport
            for group in scratch.touchedGroups {
                let g = Int(group)
                let document = documentGroup == nil ? g : Int(groupQuestionsDocument[g])
                guard document >= 0 else { continue }
                let score = groups[g].best + support * groups[g].second + groups[g].content
                best.insert(score, Int32(document))
            }
            let candidates = best.heap.map { UInt32(bitPattern: $0.id) }.sorted()
            for term in long {
                let factor = term.factor
                index.probe(term.number, sortedDocuments: candidates) { position, weight in
                    let document = Int(candidates[position])
                    add(documentGroup.map { Int($0[document]) } ?? document, factor * weight)
                }
            }
        }
    }
}
