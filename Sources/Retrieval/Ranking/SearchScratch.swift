/// Reusable per-search accumulators, sized to the index, reset after each search by walking
/// only what the search touched (so a search costs what it reads, not the index size).
struct SearchScratch: Sendable {
    var phrasingScore: [Float] = []
    var phrasingMass: [Float] = []
    var phrasingProbed: [Bool] = []
    var touchedPhrasings: [UInt32] = []
    var entryScore: [Float] = []
    var entryCoverage: [Float] = []
    var touchedEntries: [UInt32] = []
    var groupBest: [Float] = []
    var groupSecond: [Float] = []
    var groupThird: [Float] = []
    var groupContent: [Float] = []
    var groupQuestions: [Float] = []
    var groupSlot: [Int32] = []
    var touchedGroups: [Int32] = []

    /// Grows the arrays to the index's current size.
    mutating func ensure(phrasings: Int, entries: Int, groups: Int) {
        if phrasingScore.count < phrasings {
            let extra = max(phrasings - phrasingScore.count, phrasingScore.count / 2)
            phrasingScore += [Float](repeating: 0, count: extra)
            phrasingMass += [Float](repeating: 0, count: extra)
            phrasingProbed += [Bool](repeating: false, count: extra)
        }
        if entryScore.count < entries {
            let extra = max(entries - entryScore.count, entryScore.count / 2)
            entryScore += [Float](repeating: 0, count: extra)
            entryCoverage += [Float](repeating: 0, count: extra)
        }
        if groupBest.count < groups {
            let extra = max(groups - groupBest.count, groupBest.count / 2)
            groupBest += [Float](repeating: 0, count: extra)
            groupSecond += [Float](repeating: 0, count: extra)
            groupThird += [Float](repeating: 0, count: extra)
            groupContent += [Float](repeating: 0, count: extra)
            groupQuestions += [Float](repeating: 0, count: extra)
            groupSlot += [Int32](repeating: -1, count: extra)
        }
    }
}
