/// The live entry slots of each group of entries that share an answer, in the order they were
/// added: the first in a flat array, the others (groups of more than one entry are few) in a
/// dictionary.
///
/// One array a group cost 64 bytes of heap a group (6.7 MB for 100,000 entries of unique
/// answers, BENCHMARKS.md); this costs 4.
struct GroupMembers: Sendable {
    /// Each group's first live entry (-1: none).
    private var firsts: [Int32] = []
    /// The other live entries of groups that have more than one.
    private var others: [Int32: [Int32]] = [:]

    /// An empty list of groups.
    init() {}

    /// The number of groups ever made.
    var groupCount: Int { firsts.count }

    /// Makes room for this many groups in all.
    mutating func reserve(_ total: Int) { firsts.reserveCapacity(total) }

    /// Adds a group with no entries yet.
    mutating func addGroup() { firsts.append(-1) }

    /// Whether a group has no live entry.
    @inline(__always) func isEmpty(_ group: Int) -> Bool { firsts[group] < 0 }

    /// A group's earliest live entry (-1: none).
    @inline(__always) func first(_ group: Int) -> Int32 { firsts[group] }

    /// A group's live entries.
    @inline(__always)
    func count(_ group: Int) -> Int {
        firsts[group] < 0 ? 0 : 1 + (others.isEmpty ? 0 : others[Int32(group)]?.count ?? 0)
    }

    /// A group's live entries, earliest first.
    subscript(group: Int) -> [Int32] {
        firsts[group] < 0 ? [] : [firsts[group]] + (others[Int32(group)] ?? [])
    }

    /// Adds an entry to a group (after its others).
    mutating func append(_ slot: Int32, to group: Int) {
        if firsts[group] < 0 { firsts[group] = slot } else { others[Int32(group), default: []].append(slot) }
    }

    /// Removes an entry from a group (the others keep their order).
    mutating func remove(_ slot: Int32, from group: Int) {
        let key = Int32(group)
        var rest = others.removeValue(forKey: key) ?? []
        if firsts[group] == slot {
            firsts[group] = rest.isEmpty ? -1 : rest.removeFirst()
        } else {
            rest.removeAll { $0 == slot }
        }
        if !rest.isEmpty { others[key] = rest }
    }

    /// Bytes held.
    var footprint: Int {
        others.reduce(Footprint.bytes(firsts) + Footprint.dictionary(others)) { $0 + Footprint.bytes($1.value) }
    }
}
