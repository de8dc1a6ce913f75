/// Reusable per-search accumulators, sized to the index, reset after each search by walking
/// only what the search touched (so a search costs what it reads, not the index size).
package struct SearchScratch: Sendable {
    var phrasingScore: [Float] = []
    var phrasingMass: [Float] = []
    /// Content words of the question each phrasing holds.
    var phrasingMatched: [UInt8] = []
    var phrasingProbed: [Bool] = []
    var touchedPhrasings: [UInt32] = []
    var entryScore: [Float] = []
    var entryCoverage: [Float] = []
    /// The best phrasing's share of its own content words that the question holds.
    var entryWordCoverage: [Float] = []
    var touchedEntries: [UInt32] = []
    /// One group's accumulators, together in one cache line's worth of memory: the final loop
    /// visits thousands of groups in random order, and one miss a group beats six.
    struct GroupScore {
        /// Best, second and third entry scores.
        var best: Float = 0
        var second: Float = 0
        var third: Float = 0
        /// Answer, topic and cited-document score.
        var content: Float = 0
        /// Score of the group's questions taken together.
        var questions: Float = 0
        /// The entry that represents the group (-1: not touched).
        var slot: Int32 = -1
    }

    var groups: [GroupScore] = []
    var touchedGroups: [Int32] = []

    /// Empty accumulators; the first search sizes them.
    package init() {}

    /// Grows the arrays to the index's current size.
    mutating func ensure(phrasings: Int, entries: Int, groups: Int) {
        if phrasingScore.count < phrasings {
            let extra = max(phrasings - phrasingScore.count, phrasingScore.count / 2)
            phrasingScore += [Float](repeating: 0, count: extra)
            phrasingMass += [Float](repeating: 0, count: extra)
            phrasingMatched += [UInt8](repeating: 0, count: extra)
            phrasingProbed += [Bool](repeating: false, count: extra)
        }
        if entryScore.count < entries {
            let extra = max(entries - entryScore.count, entryScore.count / 2)
            entryScore += [Float](repeating: 0, count: extra)
            entryCoverage += [Float](repeating: 0, count: extra)
            entryWordCoverage += [Float](repeating: 0, count: extra)
        }
        if self.groups.count < groups {
            let extra = max(groups - self.groups.count, self.groups.count / 2)
            self.groups += [GroupScore](repeating: GroupScore(), count: extra)
        }
    }
}
