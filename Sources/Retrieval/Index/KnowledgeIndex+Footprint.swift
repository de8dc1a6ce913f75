/// Where the index's memory goes: estimated bytes of each part (`Footprint`), for
/// `motcua-bench retrieval --footprint`.
extension KnowledgeIndex {
    /// Estimated bytes of each part, largest first.
    package var footprint: [(part: String, bytes: Int)] {
        var parts: [(part: String, bytes: Int)] = []
        for (name, index) in [("phrasings", phrasings), ("answers", contents), ("group questions", groupQuestions)] {
            for part in index.footprint { parts.append(("\(name): \(part.part)", part.bytes)) }
        }
        let variants = accentVariants.reduce(Footprint.dictionary(accentVariants)) { $0 + Footprint.bytes($1.value) }
        parts += [
            ("entry records", Footprint.bytes(records)),
            ("id lookup", slotByID.footprint),
            ("phrasing → entry, weight, words",
             Footprint.bytes(phrasingSlot) + Footprint.bytes(phrasingWeight) + Footprint.bytes(phrasingWords)),
            ("group members", groupMembers.footprint),
            ("answer → group", groupByAnswer.footprint),
            ("per entry, per group",
             Footprint.bytes(groupSize) + Footprint.bytes(entryGroup) + Footprint.bytes(entryForm)
                + Footprint.bytes(groupQuestionsDocument) + Footprint.bytes(questionsDocumentGroup)),
            ("accent variants", variants),
            ("search scratch", scratch.footprint),
        ]
        return parts.sorted { $0.bytes > $1.bytes }
    }
}

extension SearchScratch {
    /// Bytes of the accumulators.
    var footprint: Int {
        Footprint.bytes(phrasingScore) + Footprint.bytes(phrasingMass) + Footprint.bytes(phrasingMatched)
            + Footprint.bytes(phrasingProbed) + Footprint.bytes(touchedPhrasings) + Footprint.bytes(entryScore)
            + Footprint.bytes(entryCoverage) + Footprint.bytes(entryWordCoverage) + Footprint.bytes(touchedEntries)
            + Footprint.bytes(groups) + Footprint.bytes(touchedGroups)
    }
}
