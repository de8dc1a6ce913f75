import Testing

@testable import Retrieval

/// The index's leaner bookkeeping (ids in a table of record numbers, group members flat, topic
/// and unit codes kept once) gives back every entry whole and follows every change at once.
@Suite struct LeanIndexTests {
    /// Entries with every field set and a few codes many of them repeat.
    static func entries(_ count: Int, round: Int = 0) -> [KnowledgeEntry] {
        (0..<count).map { number in
            KnowledgeEntry(id: "e-\(number)", question: "Câu hỏi số \(number) vòng \(round) về dịch vụ công",
                           answer: "Trả lời \(number % 50) vòng \(round)", topic: number % 7 == 0 ? nil : "T\(number % 5)",
                           unit: number % 3 == 0 ? nil : "U\(number % 4)",
                           variants: number % 2 == 0 ? ["Hỏi lại số \(number)"] : [], refs: number % 9 == 0 ? ["qd-\(number)"] : [])
        }
    }

    /// Every entry comes back as it was given, through loads, upserts and retirements.
    @Test func everyEntryComesBackWhole() {
        var index = Fixtures.index(Self.entries(3000))
        var expected = Dictionary(uniqueKeysWithValues: Self.entries(3000).map { ($0.id, $0) })
        // Change a third, retire a tenth, bring back some of those, add new ones.
        for entry in Self.entries(3000, round: 1) where Int(entry.id.dropFirst(2))! % 3 == 0 {
            index.upsert(entry)
            expected[entry.id] = entry
        }
        for number in stride(from: 0, to: 3000, by: 10) {
            let retired = index.retire("e-\(number)")
            #expect(retired)
            expected["e-\(number)"] = nil
        }
        for entry in Self.entries(3000, round: 2) where Int(entry.id.dropFirst(2))! % 20 == 0 {
            index.upsert(entry)
            expected[entry.id] = entry
        }
        index.load(Self.entries(3200, round: 3).suffix(200))
        for entry in Self.entries(3200, round: 3).suffix(200) { expected[entry.id] = entry }

        #expect(index.count == expected.count)
        for (id, entry) in expected { #expect(index.entry(id) == entry, "\(id)") }
        for number in stride(from: 10, to: 3000, by: 20) { #expect(index.entry("e-\(number)") == nil) }
        #expect(index.entry("e-99999") == nil)
        #expect(Set(index.entries.map(\.id)) == Set(expected.keys))
        #expect(index.entries.count == expected.count, "each live entry listed once")
    }

    /// Ids that share their hash's top bits are still told apart (the table compares the ids).
    @Test func idsAreComparedNotOnlyHashed() {
        var slots = EntrySlots()
        let ids = (0..<20_000).map { "id-\($0)" }
        for (number, id) in ids.enumerated() { slots.set(id, record: Int32(number), ids: { ids[Int($0)] }) }
        #expect(slots.count == ids.count)
        for (number, id) in ids.enumerated() { #expect(slots.record(of: id, ids: { ids[Int($0)] }) == Int32(number)) }
        #expect(slots.record(of: "id-20000", ids: { ids[Int($0)] }) == nil)
        // Pointing an id at a later record replaces it, without a second slot.
        var later = ids
        later.append("id-7")
        slots.set("id-7", record: Int32(later.count - 1), ids: { later[Int($0)] })
        #expect(slots.count == ids.count)
        #expect(slots.record(of: "id-7", ids: { later[Int($0)] }) == Int32(later.count - 1))
    }

    /// The answer table agrees with a dictionary through random additions, changes and
    /// removals (removal moves later keys back; nothing may get lost behind a hole), and after
    /// being fitted.
    @Test func answerTableAgreesWithADictionary() {
        var random = SplitMix64(seed: 7)
        var table = AnswerGroups()
        var reference: [UInt64: Int32] = [:]
        // Few distinct keys, so runs collide and removals shift them.
        let keys = (0..<3000).map { _ in UInt64.random(in: 0...UInt64.max, using: &random) }
        for step in 0..<40_000 {
            let key = keys[Int.random(in: 0..<keys.count, using: &random)]
            if Int.random(in: 0..<3, using: &random) == 0 {
                table[key] = nil
                reference[key] = nil
            } else {
                table[key] = Int32(step)
                reference[key] = Int32(step)
            }
            if step % 10_000 == 9_999 { table.fit() }
        }
        #expect(table.count == reference.count)
        for key in keys { #expect(table[key] == reference[key]) }
    }

    /// The set of seen syllables says "new" exactly once a key, as `Set` does.
    @Test func keySetAgreesWithASet() {
        var random = SplitMix64(seed: 11)
        var keys = KeySet()
        var reference = Set<UInt64>()
        let pool = (0..<20_000).map { _ in UInt64.random(in: 1...UInt64.max, using: &random) }
        for _ in 0..<60_000 {
            let key = pool[Int.random(in: 0..<pool.count, using: &random)]
            #expect(keys.insert(key) == reference.insert(key).inserted)
        }
        #expect(keys.count == reference.count)
    }

    /// A group keeps its members in the order they came, whichever member leaves.
    @Test func groupMembersKeepTheirOrder() {
        var members = GroupMembers()
        members.addGroup()
        members.addGroup()
        for slot: Int32 in [4, 9, 2, 7] { members.append(slot, to: 1) }
        members.append(3, to: 0)
        #expect(members[1] == [4, 9, 2, 7])
        #expect(members.count(1) == 4)
        members.remove(4, from: 1)
        #expect(members[1] == [9, 2, 7])
        #expect(members.first(1) == 9)
        members.remove(2, from: 1)
        #expect(members[1] == [9, 7])
        members.remove(9, from: 1)
        members.remove(7, from: 1)
        #expect(members.isEmpty(1))
        #expect(members.count(1) == 0)
        #expect(members[0] == [3])
        members.append(5, to: 1)
        #expect(members[1] == [5])
    }

    /// Entries sharing an answer stay one result, represented by the earliest live one, as
    /// members leave and come back.
    @Test func sharedAnswerFollowsItsMembers() {
        var index = Fixtures.index(Fixtures.background + Fixtures.sharedAnswerGroup)
        func shared() -> [(String, Int)] {
            index.search("tài khoản cổng dịch vụ công").results.filter { $0.entryID.hasPrefix("a") }
                .map { ($0.entryID, $0.sharedBy) }
        }
        #expect(shared().count == 1)
        #expect(shared().first?.1 == 3)
        let retired = [index.retire("a1"), index.retire("a2")]
        #expect(retired == [true, true])
        #expect(shared().first?.1 == 1)
        #expect(shared().first?.0 == "a3")
        let last = index.retire("a3")
        #expect(last)
        #expect(shared().isEmpty)
        index.upsert(Fixtures.sharedAnswerGroup[1])
        #expect(shared().map(\.0) == ["a2"])
        #expect(shared().first?.1 == 1)
    }
}
