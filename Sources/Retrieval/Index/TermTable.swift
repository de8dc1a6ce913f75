/// Term key → term number: an open-addressing hash table with linear probing.
///
/// Term keys are already well-mixed 64-bit hashes (`TermHash`), so a multiplicative hash of
/// them spreads them evenly and no SipHash round is needed: a bulk load looks a term up for
/// every posting (13 million times for 100,000 entries), and so does every search term. A slot
/// also remembers where the term stands in the document being added (`count`), so summing a
/// document's term frequencies touches one cache line a term occurrence.
struct TermTable: Sendable {
    /// One slot: a key, its number (-1: empty) and its place in the document being added.
    private struct Slot {
        var key: UInt64 = 0
        var number: Int32 = -1
        var local: UInt32 = 0
    }

    /// A term of the document being added and its frequency so far.
    struct DocumentTerm {
        var number: Int32
        var frequency: Float
    }

    private var slots: [Slot]
    /// 64 − log2 of the slot count.
    private var shift: UInt64
    /// The number of terms.
    private(set) var count = 0

    /// An empty table.
    init() {
        slots = Array(repeating: Slot(), count: 16)
        shift = 64 - 4
    }

    @inline(__always)
    private static func home(_ key: UInt64, _ shift: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9e37_79b9_7f4a_7c15) >> shift)
    }

    /// The number of a key, if present.
    @inline(__always)
    subscript(key: UInt64) -> Int32? {
        let shift = self.shift
        return slots.withUnsafeBufferPointer { slots in
            let mask = slots.count - 1
            var index = Self.home(key, shift)
            while true {
                let slot = slots[index]
                if slot.number < 0 { return nil }
                if slot.key == key { return slot.number }
                index = (index + 1) & mask
            }
        }
    }

    /// Adds `increment` to the frequency of a key in the document being added (`terms`, which
    /// the caller empties between documents), giving the key the next number if it is new.
    /// Returns whether it was new.
    @inline(__always)
    mutating func count(_ key: UInt64, _ increment: Float, into terms: inout [DocumentTerm]) -> Bool {
        let count = self.count
        let shift = self.shift
        let (inserted, full) = slots.withUnsafeMutableBufferPointer { slots in
            let mask = slots.count - 1
            var index = Self.home(key, shift)
            var inserted = false
            while true {
                if slots[index].number < 0 {
                    slots[index] = Slot(key: key, number: Int32(count), local: 0)
                    inserted = true
                    break
                }
                if slots[index].key == key { break }
                index = (index + 1) & mask
            }
            let local = Int(slots[index].local)
            if !inserted && local < terms.count && terms[local].number == slots[index].number {
                terms[local].frequency += increment
            } else {
                slots[index].local = UInt32(terms.count)
                var term = DocumentTerm(number: slots[index].number, frequency: 0)
                term.frequency += increment
                terms.append(term)
            }
            return (inserted, (count + 1) * 4 > slots.count * 3)
        }
        if inserted { self.count += 1 }
        if full { grow() }
        return inserted
    }

    /// Doubles the slots (at most three quarters of them are ever full).
    private mutating func grow() {
        let old = slots
        slots = Array(repeating: Slot(), count: old.count * 2)
        shift -= 1
        let mask = slots.count - 1
        for slot in old where slot.number >= 0 {
            var index = Self.home(slot.key, shift)
            while slots[index].number >= 0 { index = (index + 1) & mask }
            slots[index] = slot
        }
    }
}
